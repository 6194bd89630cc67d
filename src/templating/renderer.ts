import { createHash } from 'node:crypto';
import nunjucks from 'nunjucks';
import { ProjectError } from '../core/errors.ts';
import type { MacroFile, ParseStore } from '../core/nodes.ts';
import { envVar, modelContext, replayed, type Call, type Rendered } from './replay.ts';
import { macroFailure, templateError } from './templateError.ts';

/** What a template can reach while one model (or test, or seed path) is rendered. */
export interface RenderScope {
  path: string;
  ref(name: string): string;
  source(sourceName: string, tableName: string): string;
  config?(values: Record<string, unknown>): void;
  /** The relation being built (`{{ this }}`). */
  self?: string;
  isIncremental?: boolean;
  /** The microbatch window being built: refs filter to it, templates read it as `model.batch`. */
  batch?: { start: Date; end: Date };
  /** Extra template variables, e.g. a generic test's arguments. */
  locals?: Record<string, unknown>;
}

export interface RenderOptions {
  vars: Record<string, unknown>;
  target: { name: string; schema: string; type: string };
  macros: MacroFile[];
  /** Where rendered templates are kept between runs (see replay.ts); none: render every time. */
  cache?: ParseStore;
}

const BUILTINS = [
  'ref',
  'source',
  'config',
  'var',
  'env_var',
  'is_incremental',
  'this',
  'target',
  'return',
  'log',
  'adapter',
  'exceptions',
];

/** Nunjucks passes keyword arguments as a trailing object tagged `__keywords`. */
function splitKeywords(args: unknown[]): {
  positional: unknown[];
  keywords: Record<string, unknown>;
} {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === 'object' && '__keywords' in last) {
    const { __keywords: _, ...keywords } = last;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: args, keywords: {} };
}

/**
 * Jinja-compatible rendering (nunjucks) with dbt's context functions. Rendering is synchronous,
 * so one scope at a time is current; globals and macros read it, which lets macros call ref().
 */
export class Renderer {
  private readonly env: nunjucks.Environment;
  private scope: RenderScope | undefined;
  readonly macroNames: string[] = [];
  /** Compiling a template is most of the cost of rendering; models are rendered twice per run. */
  private readonly templates = new Map<string, nunjucks.Template>();
  /** The context calls of the template being rendered (innermost first), for the cache. */
  private trace: Call[] | undefined;
  /** Everything besides a template's text and context calls that its output depends on. */
  private readonly fingerprint: string;
  private readonly cache: ParseStore | undefined;

  constructor(options: RenderOptions) {
    this.cache = options.cache;
    this.fingerprint = createHash('sha256')
      .update(JSON.stringify([options.vars, options.target, options.macros]))
      .digest('hex');
    // `dev` keeps nunjucks' own error objects (with line numbers and cause) instead of copies
    // holding only a message: see templateError(). `throwOnUndefined` makes `{{ x }}` of an
    // undefined x an error, as dbt's is, instead of ''; `is defined` and `default` still work.
    this.env = new nunjucks.Environment(null, {
      autoescape: false,
      throwOnUndefined: true,
      dev: true,
    });
    const current = () => {
      if (!this.scope) throw new Error('ref/source/config called outside a render');
      return this.scope;
    };
    const vars = options.vars;
    this.env.addGlobal('ref', (...args: unknown[]) => {
      const name = String(args[args.length === 2 ? 1 : 0]);
      return this.record('ref', [name], current().ref(name));
    });
    this.env.addGlobal('source', (s: string, t: string) =>
      this.record('source', [String(s), String(t)], current().source(String(s), String(t))),
    );
    this.env.addGlobal('config', (...args: unknown[]) => {
      const { positional, keywords } = splitKeywords(args);
      const values = { ...((positional[0] as object) ?? {}), ...keywords };
      current().config?.(values);
      return this.record('config', [values], '');
    });
    this.env.addGlobal('var', (name: string, ...rest: unknown[]) => {
      if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
      if (rest.length > 0) return rest[0];
      throw new Error(
        `var('${name}') is not defined in project.yml vars or --vars, and has no default`,
      );
    });
    this.env.addGlobal('env_var', (name: string, ...rest: unknown[]) =>
      this.record('env_var', [name, ...rest], envVar(name, rest)),
    );
    this.env.addGlobal('is_incremental', () =>
      this.record('is_incremental', [], current().isIncremental ?? false),
    );
    this.env.addGlobal('target', options.target);
    this.env.addGlobal('log', () => '');
    // dbt's adapter.dispatch: `{{ adapter.dispatch('name')(args) }}` calls `<target type>__name`
    // when the project defines it, else `default__name`, so one model serves every database.
    this.env.addGlobal('adapter', {
      dispatch: (name: string) => {
        const found = [`${options.target.type}__${name}`, `default__${name}`].find((m) =>
          this.hasMacro(m),
        );
        if (!found)
          throw new Error(
            `adapter.dispatch('${name}'): no macro ${options.target.type}__${name} or default__${name}`,
          );
        return this.env.getGlobal(found);
      },
    });
    // dbt's way for a macro to refuse its arguments: the render fails with the message.
    this.env.addGlobal('exceptions', {
      raise_compiler_error: (message: unknown) => {
        throw new Error(String(message));
      },
    });
    const globals = (this.env as unknown as { globals: object }).globals;
    Object.defineProperty(globals, 'this', {
      get: () => this.record('this', [], this.scope?.self ?? ''),
      enumerable: true,
    });
    Object.defineProperty(globals, 'model', {
      get: () => this.record('model', [], modelContext(this.scope)),
      enumerable: true,
    });
    this.loadMacros(options.macros);
  }

  /** Every `{% macro %}` (and dbt `{% test %}` block, as `test_<name>`) becomes a global. */
  private loadMacros(files: MacroFile[]): void {
    const definedIn = new Map<string, string>();
    for (const file of files) {
      const text = file.text
        .replace(/\{%(-?)\s*test\s+(\w+)\s*\(/g, '{%$1 macro test_$2(')
        .replace(/\{%(-?)\s*endtest\s*(-?)%\}/g, '{%$1 endmacro $2%}');
      let template: nunjucks.Template;
      let exported: Record<string, unknown>;
      try {
        template = new nunjucks.Template(text, this.env, file.path, true);
      } catch (e) {
        throw templateError(e, file.path, 'parse', text, this.callable);
      }
      try {
        exported = getExportedSync(template);
      } catch (e) {
        throw templateError(e, file.path, 'render', text, this.callable);
      }
      for (const [name, macro] of Object.entries(exported)) {
        if (BUILTINS.includes(name))
          throw new ProjectError(`macro '${name}' would hide duckflow's built-in '${name}'`, {
            file: file.path,
          });
        const previous = definedIn.get(name);
        if (previous)
          throw new ProjectError(
            `macro '${name}' is defined twice: in ${previous} and in ${file.path}`,
            { file: file.path },
          );
        definedIn.set(name, file.path);
        this.macroNames.push(name);
        this.env.addGlobal(name, (...args: unknown[]) => {
          let out: unknown;
          try {
            out = (macro as (...a: unknown[]) => unknown)(...args);
          } catch (e) {
            throw macroFailure(e, name, { path: file.path, text }, this.callable);
          }
          return out === undefined ? '' : String(out);
        });
      }
    }
  }

  /** Names a template can call: for "did you mean" on a name that is not one of them. */
  private get callable(): string[] {
    return [...BUILTINS, ...this.macroNames];
  }

  hasMacro(name: string): boolean {
    return this.macroNames.includes(name);
  }

  /** Call a macro directly, e.g. a custom generic test, with keyword arguments. */
  callMacro(name: string, scope: RenderScope, kwargs: Record<string, unknown>): string {
    return this.withScope(scope, () => {
      const fn = this.env.getGlobal(name) as (...a: unknown[]) => string;
      return fn(Object.assign({ __keywords: true }, kwargs));
    });
  }

  /**
   * A template rendered in `scope`. With a cache, an earlier rendering of the same text under
   * the same vars, target and macros is reused when every context call it made (ref, source,
   * env_var, this, ...) answers the same now; otherwise it is rendered and kept.
   */
  render(text: string, scope: RenderScope): string {
    // Locals (a test's arguments) may be anything, so only plain templates are cached.
    const cache = scope.locals ? undefined : this.cache;
    const content = `${this.fingerprint}\0${scope.path}\0${text}`;
    const kept = cache?.peek<Rendered[]>('render', content) ?? [];
    for (const earlier of kept) if (replayed(earlier, scope)) return earlier.sql;
    const outer = this.trace;
    const calls: Call[] = [];
    this.trace = calls;
    let sql: string;
    try {
      sql = this.renderFresh(text, scope);
    } finally {
      this.trace = outer;
    }
    // A few variants per template: parsing, compiling, and compiling incrementally.
    cache?.put('render', content, [{ calls, sql }, ...kept].slice(0, MAX_VARIANTS));
    return sql;
  }

  private record<T>(fn: Call[0], args: unknown[], result: T): T {
    this.trace?.push([fn, args, result]);
    return result;
  }

  private renderFresh(text: string, scope: RenderScope): string {
    const key = `${scope.path}\0${text}`;
    let template = this.templates.get(key);
    if (!template) {
      // Compiled from source every run: compiled template code is never cached on disk, since
      // loading it would run whatever a changed target/partial_parse.json says.
      try {
        template = new nunjucks.Template(text, this.env, scope.path, true);
      } catch (e) {
        throw templateError(e, scope.path, 'parse', text, this.callable);
      }
      this.templates.set(key, template);
    }
    const compiled = template;
    return this.withScope(scope, () => compiled.render(scope.locals ?? {}), text);
  }

  /** Run `fn` with `scope` current; `text` is the template rendered, for error messages. */
  private withScope<T>(scope: RenderScope, fn: () => T, text = ''): T {
    const previous = this.scope;
    this.scope = scope;
    try {
      return fn();
    } catch (e) {
      throw templateError(e, scope.path, 'render', text, this.callable);
    } finally {
      this.scope = previous;
    }
  }
}

const MAX_VARIANTS = 4;

function getExportedSync(template: nunjucks.Template): Record<string, unknown> {
  let result: Record<string, unknown> = {};
  let failure: unknown;
  (
    template as unknown as {
      getExported(cb: (e: unknown, r: Record<string, unknown>) => void): void;
    }
  ).getExported((e, r) => {
    failure = e;
    result = r;
  });
  if (failure) throw failure;
  return result;
}
