import { createHash } from 'node:crypto';
import nunjucks from 'nunjucks';
import { ProjectError } from '../core/errors.ts';
import type { DispatchRule, MacroFile, MacroPackage, ParseStore, Project } from '../core/nodes.ts';
import { replayed, type Call, type Rendered } from './replay.ts';
import { macroFailure, templateError } from './templateError.ts';
import type { QueryResult } from '../core/results.ts';
import {
  addDbtTestsAndFilters,
  DoExtension,
  findCause,
  installJinjaCompat,
} from './jinjaCompat.ts';
import { NeedsQuery } from './dbtObjects.ts';
import { addDbtGlobals, targetContext } from './dbtContext.ts';

/** What a template can reach while one model (or test, or seed path) is rendered. */
export interface RenderScope {
  path: string;
  ref(name: string): string;
  source(sourceName: string, tableName: string): string;
  config?(values: Record<string, unknown>): void;
  /** The node's config so far, for `config.get('key')`. */
  configValues?: Record<string, unknown>;
  /** The relation being built (`{{ this }}`). */
  self?: string;
  isIncremental?: boolean;
  /** The microbatch window being built: refs filter to it, templates read it as `model.batch`. */
  batch?: { start: Date; end: Date };
  /** Extra template variables, e.g. a generic test's arguments. */
  locals?: Record<string, unknown>;
  /**
   * A query's rows, for `run_query`/`statement`: known, or NeedsQuery thrown to have the caller
   * run it and render again. Without it the template is being parsed (dbt's `execute` is false).
   */
  query?(sql: string): QueryResult;
}

export interface RenderOptions {
  vars: Record<string, unknown>;
  /** `target.*`: name, schema, type, and whatever else the target says (threads, database, ...). */
  target: { name: string; schema: string; type: string } & Record<string, unknown>;
  macros: MacroFile[];
  /** Where rendered templates are kept between runs (see replay.ts); none: render every time. */
  cache?: ParseStore;
  /** The root project's name: the package its own macros belong to. */
  projectName?: string;
  packages?: MacroPackage[];
  dispatch?: DispatchRule[];
  /** `{% docs %}` blocks by name, for `doc()`. */
  docs?: ReadonlyMap<string, string>;
  invocationId?: string;
  runStartedAt?: Date;
  /** Where `log(msg, info=True)` and `exceptions.warn` write; stderr by default. */
  log?: (message: string) => void;
}

/**
 * Compiled template code, by path and text, for every Renderer of the process. The code takes
 * its environment as an argument, and every Renderer's environment compiles alike (the same
 * options and `do` extension, no async filters), so a renderer made for a unit test's vars
 * reuses the code the run's renderer compiled: each compiled all the project's macros again,
 * 0.11 s of the webshop's incremental batch.
 */
const compiledCode = new Map<string, Record<string, unknown>>();

function compiledTemplate(
  text: string,
  env: nunjucks.Environment,
  path: string,
): nunjucks.Template {
  const key = `${path}\0${text}`;
  const code = compiledCode.get(key);
  if (code) return new nunjucks.Template({ type: 'code', obj: code } as never, env, path, true);
  const template = new nunjucks.Template(text, env, path, true);
  const compiled = template as unknown as {
    rootRenderFunc: unknown;
    blocks: Record<string, unknown>;
  };
  compiledCode.set(key, {
    root: compiled.rootRenderFunc,
    ...Object.fromEntries(Object.entries(compiled.blocks).map(([name, fn]) => [`b_${name}`, fn])),
  });
  return template;
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
  'run_query',
  'statement',
  'load_result',
  'execute',
  'doc',
  'modules',
  'run_started_at',
  'invocation_id',
  'tojson',
  'fromjson',
  'fromyaml',
  'toyaml',
];

/**
 * Jinja-compatible rendering (nunjucks) with dbt's context functions. Rendering is synchronous,
 * so one scope at a time is current; globals and macros read it, which lets macros call ref().
 */
export class Renderer {
  private readonly env: nunjucks.Environment;
  private scope: RenderScope | undefined;
  readonly macroNames: string[] = [];
  /** Macros by package (the root project's too), for `package.macro()` and dispatch. */
  private readonly packages = new Map<string, Map<string, unknown>>();
  /** Compiling a template is most of the cost of rendering; models are rendered twice per run. */
  private readonly templates = new Map<string, nunjucks.Template>();
  /** The context calls of the template being rendered (innermost first), for the cache. */
  private trace: Call[] | undefined;
  /** Everything besides a template's text and context calls that its output depends on. */
  private readonly fingerprint: string;
  private readonly cache: ParseStore | undefined;

  constructor(private readonly options: RenderOptions) {
    installJinjaCompat();
    this.cache = options.cache;
    this.fingerprint = createHash('sha256')
      .update(
        JSON.stringify([
          options.vars,
          options.target,
          options.macros,
          options.projectName,
          options.packages,
          options.dispatch,
          [...(options.docs ?? [])],
        ]),
      )
      .digest('hex');
    // `dev` keeps nunjucks' own error objects (with line numbers and cause) instead of copies
    // holding only a message: see templateError(). `throwOnUndefined` makes `{{ x }}` of an
    // undefined x an error, as dbt's is, instead of ''; `is defined` and `default` still work.
    this.env = new nunjucks.Environment(null, {
      autoescape: false,
      throwOnUndefined: true,
      dev: true,
    });
    this.env.addExtension('do', new DoExtension());
    addDbtTestsAndFilters(this.env);
    addDbtGlobals(this.env, {
      options,
      current: () => {
        if (!this.scope) throw new Error('ref/source/config called outside a render');
        return this.scope;
      },
      scope: () => this.scope,
      log: (message) => (this.logs ? this.logs.push(message) : this.writeLog(message)),
      dispatch: (name, namespace) => this.dispatch(name, namespace),
      record: (fn, args, result) => this.record(fn, args, result),
      uncacheable: () => {
        this.tainted = true;
      },
    });
    this.loadMacros(options.macros, options.projectName ?? '', true);
    for (const pkg of options.packages ?? []) this.loadMacros(pkg.macros, pkg.name, false);
    for (const [name, macros] of this.packages)
      if (name && !(name in (this.env as unknown as { globals: object }).globals))
        this.env.addGlobal(name, Object.fromEntries(macros));
  }

  /**
   * dbt's adapter.dispatch: for each package in the search order (the project's `dispatch:`
   * rule for the namespace, else the root project then the namespace's package, else the
   * global namespace), `<adapter>__name` then `default__name`.
   */
  private dispatch(name: string, namespace?: string): unknown {
    const type = this.options.target.type;
    const rule = this.options.dispatch?.find((d) => d.macro_namespace === namespace);
    const order: (string | undefined)[] = rule
      ? rule.search_order
      : namespace && this.packages.has(namespace)
        ? [this.options.projectName ?? '', namespace]
        : [undefined];
    const tried: string[] = [];
    for (const pkg of order)
      for (const prefix of [type, 'default']) {
        const candidate = `${prefix}__${name}`;
        tried.push(pkg === undefined ? candidate : `${pkg}.${candidate}`);
        const found =
          pkg === undefined
            ? this.hasMacro(candidate)
              ? this.env.getGlobal(candidate)
              : undefined
            : this.packages.get(pkg)?.get(candidate);
        if (found) return found;
      }
    throw new Error(
      `adapter.dispatch('${name}'${namespace ? `, '${namespace}'` : ''}): no macro found; searched ${tried.join(', ')}`,
    );
  }

  /**
   * Every `{% macro %}` (and dbt `{% test %}` block, as `test_<name>`) of a package. The root
   * project's macros are globals; a package's are `<package>.<name>`, and globals too where no
   * other macro has the name (dbt resolves them through the node's package).
   */
  private loadMacros(files: MacroFile[], pkg: string, root: boolean): void {
    const definedIn = new Map<string, string>();
    const namespace = this.packages.get(pkg) ?? new Map<string, unknown>();
    this.packages.set(pkg, namespace);
    for (const file of files) {
      const text = file.text
        .replace(/\{%(-?)\s*test\s+(\w+)\s*\(/g, '{%$1 macro test_$2(')
        .replace(/\{%(-?)\s*endtest\s*(-?)%\}/g, '{%$1 endmacro $2%}');
      let template: nunjucks.Template;
      let exported: Record<string, unknown>;
      try {
        template = compiledTemplate(text, this.env, file.path);
      } catch (e) {
        throw templateError(e, file.path, 'parse', text, this.callable);
      }
      try {
        exported = getExportedSync(template);
      } catch (e) {
        throw templateError(e, file.path, 'render', text, this.callable);
      }
      for (const [name, macro] of Object.entries(exported)) {
        if (typeof macro !== 'function') continue;
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
        const call = (...args: unknown[]) => {
          let out: unknown;
          try {
            out = (macro as (...a: unknown[]) => unknown)(...args);
          } catch (e) {
            const pending = findCause(e, NeedsQuery);
            if (pending) throw pending;
            throw macroFailure(e, name, { path: file.path, text }, this.callable);
          }
          // A macro's text, or the value it gave to return() (a list, a relation, ...).
          if (out === undefined) return '';
          return out instanceof nunjucks.runtime.SafeString ? String(out) : out;
        };
        namespace.set(name, call);
        if (root || !this.hasMacro(name)) {
          this.macroNames.push(name);
          this.env.addGlobal(name, call);
        }
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
    const outerTainted = this.tainted;
    const calls: Call[] = [];
    this.trace = calls;
    this.tainted = false;
    let sql: string;
    let tainted: boolean;
    try {
      sql = this.renderFresh(text, scope);
    } finally {
      tainted = this.tainted;
      this.trace = outer;
      this.tainted = outerTainted || tainted;
    }
    // A few variants per template: parsing, compiling, and compiling incrementally.
    if (!tainted) cache?.put('render', content, [{ calls, sql }, ...kept].slice(0, MAX_VARIANTS));
    return sql;
  }

  /**
   * Set when the render read something no cache key or call answer captures (a query's rows,
   * the clock, the run's id, a log line it must print): such a rendering is never kept.
   */
  private tainted = false;

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
        template = compiledTemplate(text, this.env, scope.path);
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
    const outermost = this.logs === undefined;
    if (outermost) this.logs = [];
    this.scope = scope;
    let retried = false;
    try {
      return fn();
    } catch (e) {
      const pending = findCause(e, NeedsQuery);
      retried = pending !== undefined;
      if (pending) throw pending;
      throw templateError(e, scope.path, 'render', text, this.callable);
    } finally {
      this.scope = previous;
      // A render stopped for a query runs again: its messages are shown by the run that ends.
      if (outermost) {
        const logs = this.logs!;
        this.logs = undefined;
        if (!retried) for (const m of logs) this.writeLog(m);
      }
    }
  }

  /** Messages of `log()`/`exceptions.warn` in the render under way. */
  private logs: string[] | undefined;
  private writeLog(message: string): void {
    if (this.options.log) this.options.log(message);
    else process.stderr.write(`${message}\n`);
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

/** A renderer with everything the project gives templates: vars, target, macros, packages, docs. */
export function projectRenderer(project: Project, extra: Partial<RenderOptions> = {}): Renderer {
  return new Renderer({
    vars: project.vars,
    target: { ...targetContext(project.target), profile_name: project.dbt?.profileName },
    macros: project.macros,
    projectName: project.name,
    packages: project.dbt?.packages,
    dispatch: project.dbt?.dispatch,
    docs: project.dbt?.docs,
    ...extra,
  });
}
