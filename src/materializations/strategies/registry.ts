import { append } from './append.ts';
import { deleteInsert } from './deleteInsert.ts';
import { merge } from './merge.ts';
import { microbatch } from './microbatch.ts';
import type { IncrementalStrategy } from './types.ts';

/** Incremental strategies by the name `incremental_strategy` takes; config validates against it. */
export const INCREMENTAL_STRATEGIES: Record<string, IncrementalStrategy> = Object.fromEntries(
  [append, deleteInsert, merge, microbatch].map((s) => [s.name, s]),
);

/** dbt's default: delete+insert when the model names a unique_key, append otherwise. */
export function incrementalStrategy(name: unknown, uniqueKey: string[]): IncrementalStrategy {
  if (name === undefined) return uniqueKey.length ? deleteInsert : append;
  const strategy = INCREMENTAL_STRATEGIES[String(name)];
  if (!strategy) throw new Error(`unknown incremental_strategy '${String(name)}'`);
  return strategy;
}
