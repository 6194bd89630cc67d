import { sqlInstant } from '../util/instant.ts';
import type { RenderScope } from './renderer.ts';

/**
 * A context call a template made while it rendered, with what it answered. A template's output
 * depends only on its text, the vars, target and macros (the cache key) and these answers, so
 * when every call answers the same again the output is the same (a "verifying trace").
 */
export type Call = [
  fn: 'ref' | 'source' | 'config' | 'env_var' | 'is_incremental' | 'this' | 'model',
  args: unknown[],
  result: unknown,
];

/** One rendering of a template, kept in target/partial_parse.json. */
export interface Rendered {
  calls: Call[];
  sql: string;
}

/** dbt's env_var(): the variable, else the default given, else an error. */
export function envVar(name: string, fallback: unknown[]): unknown {
  const value = process.env[name];
  if (value !== undefined) return value;
  if (fallback.length > 0) return fallback[0];
  throw new Error(`env_var('${name}') is not set and has no default`);
}

/** dbt 1.9's `model.batch`: the window a microbatch model is rendered for, none otherwise. */
export function modelContext(scope: RenderScope | undefined) {
  const batch = scope?.batch;
  return {
    batch: batch
      ? { event_time_start: sqlInstant(batch.start), event_time_end: sqlInstant(batch.end) }
      : null,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Makes `earlier`'s calls again against `scope`, in order, and tells whether each answered as
 * it did then. Calls have effects (a ref is recorded as a dependency, a config applied); the
 * replay stops at the first different answer, so every call it made is one a fresh rendering
 * makes too (same answers so far, same control flow), and the effects, all idempotent, stay right.
 */
export function replayed(earlier: Rendered, scope: RenderScope): boolean {
  try {
    for (const [fn, args, result] of earlier.calls)
      if (!same(answer(fn, args, scope), result)) return false;
    return true;
  } catch {
    // A call that fails now (a ref to a model since removed) gets its error from a fresh render.
    return false;
  }
}

function answer(fn: Call[0], args: unknown[], scope: RenderScope): unknown {
  switch (fn) {
    case 'ref':
      return scope.ref(String(args[0]));
    case 'source':
      return scope.source(String(args[0]), String(args[1]));
    case 'config':
      scope.config?.(args[0] as Record<string, unknown>);
      return '';
    case 'env_var':
      return envVar(String(args[0]), args.slice(1));
    case 'is_incremental':
      return scope.isIncremental ?? false;
    case 'this':
      return scope.self ?? '';
    case 'model':
      return modelContext(scope);
    default:
      throw new Error(`unknown call ${String(fn)}`);
  }
}
