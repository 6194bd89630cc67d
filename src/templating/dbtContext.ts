/**
 * dbt's Jinja context (dbt-core context/base.py and providers.py) as nunjucks globals: ref,
 * source, config, var, env_var, this, target, adapter, run_query, statement/load_result, log,
 * exceptions, doc, modules, run_started_at, invocation_id, tojson/fromjson and friends.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { TargetConfig } from '../core/nodes.ts';
import type nunjucks from 'nunjucks';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { RenderOptions, RenderScope } from './renderer.ts';
import { agateTable, relationObject, RelationObject } from './dbtObjects.ts';
import { MacroReturn } from './jinjaCompat.ts';
import { envVar, modelContext, type Call } from './replay.ts';
import { datetimeModule, PyDatetime, pytzModule } from './pyDatetime.ts';
import { escapeRegExp } from '../util/regexp.ts';

/** Nunjucks passes keyword arguments as a trailing object tagged `__keywords`. */
export function splitKeywords(args: unknown[]): {
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

/** Python's json.dumps: `", "` and `": "` between items, non-ASCII escaped, as dbt's tojson writes. */
export function pythonJson(value: unknown, sortKeys = false): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  if (Array.isArray(value)) return `[${value.map((v) => pythonJson(v, sortKeys)).join(', ')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (sortKeys) keys.sort();
    const items = keys.map(
      (k) => `${pythonJson(k)}: ${pythonJson((value as Record<string, unknown>)[k], sortKeys)}`,
    );
    return `{${items.join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** Argument `i` given by position or by keyword `name`. */
const arg = (args: unknown[], i: number, name: string): unknown => {
  const { positional, keywords } = splitKeywords(args);
  return positional.length > i ? positional[i] : keywords[name];
};

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

interface ContextHooks {
  options: RenderOptions;
  current(): RenderScope;
  scope(): RenderScope | undefined;
  log(message: string): void;
  dispatch(name: string, namespace?: string): unknown;
  /** A context call and its answer, so a cached rendering can be checked (replay.ts). */
  record<T>(fn: Call[0], args: unknown[], result: T): T;
  /** The render depends on something a replay cannot check: do not cache it. */
  uncacheable(): void;
}

export function addDbtGlobals(env: nunjucks.Environment, hooks: ContextHooks): void {
  const { options, current } = hooks;
  const vars = options.vars;
  const database = (options.target.database as string | undefined) ?? null;
  const log = hooks.log;
  const relation = (rendered: string) => relationObject(rendered, database);
  // Results of `{% call statement(name) %}` in this render, for load_result(name).
  let statements = new Map<string, unknown>();
  let statementsOf: RenderScope | undefined;
  const statementResults = () => {
    if (statementsOf !== hooks.scope()) {
      statements = new Map();
      statementsOf = hooks.scope();
    }
    return statements;
  };
  /** A query's rows now, or undefined while parsing (dbt's `execute` is false then). */
  const query = (sql: string) => {
    const scope = current();
    hooks.uncacheable();
    return scope.query ? agateTable(scope.query(sql)) : undefined;
  };

  env.addGlobal('ref', (...args: unknown[]) => {
    const { positional, keywords } = splitKeywords(args);
    const name = String(positional[positional.length === 2 ? 1 : 0] ?? keywords.name);
    return relation(hooks.record('ref', [name], current().ref(name)));
  });
  env.addGlobal('source', (s: string, t: string) =>
    relation(
      hooks.record('source', [String(s), String(t)], current().source(String(s), String(t))),
    ),
  );
  const config = (...args: unknown[]) => {
    const { positional, keywords } = splitKeywords(args);
    const values = { ...((positional[0] as object) ?? {}), ...keywords };
    current().config?.(values);
    return hooks.record('config', [values], '');
  };
  const configValue = (key: string) => {
    const scope = current();
    hooks.uncacheable();
    return scope.configValues?.[key];
  };
  env.addGlobal(
    'config',
    Object.assign(config, {
      get: (key: string, fallback: unknown = null) => configValue(key) ?? fallback,
      require: (key: string) => {
        const value = configValue(key);
        if (value === undefined) throw new Error(`config '${key}' is required but not set`);
        return value;
      },
    }),
  );
  env.addGlobal('var', (name: string, ...rest: unknown[]) => {
    if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
    if (rest.length > 0) return rest[0];
    throw new Error(
      `var('${name}') is not defined in project.yml vars or --vars, and has no default`,
    );
  });
  env.addGlobal('env_var', (name: string, ...rest: unknown[]) =>
    hooks.record('env_var', [name, ...rest], envVar(name, rest)),
  );
  env.addGlobal('is_incremental', () =>
    hooks.record('is_incremental', [], current().isIncremental ?? false),
  );
  env.addGlobal('target', options.target);
  env.addGlobal('project_name', options.projectName ?? '');
  env.addGlobal('return', (value: unknown) => {
    throw new MacroReturn(value);
  });
  env.addGlobal('log', (...args: unknown[]) => {
    // dbt prints `info=True` messages on the console; the others go to its log file only.
    if (arg(args, 1, 'info')) {
      hooks.uncacheable();
      log(String(arg(args, 0, 'msg')));
    }
    return '';
  });
  env.addGlobal('print', (msg: unknown) => {
    hooks.uncacheable();
    log(String(msg));
    return '';
  });
  env.addGlobal('exceptions', {
    raise_compiler_error: (message: unknown) => {
      throw new Error(String(message));
    },
    raise_not_implemented: (message: unknown) => {
      throw new Error(`not implemented: ${String(message)}`);
    },
    warn: (message: unknown) => {
      hooks.uncacheable();
      log(`warning: ${current().path}: ${String(message)}`);
      return '';
    },
  });
  const globals = (env as unknown as { globals: object }).globals;
  // Getters, not values: each read is an answer a cached rendering must get again.
  const getter = (name: string, get: () => unknown) =>
    Object.defineProperty(globals, name, { get, enumerable: true });
  getter('this', () => {
    const self = hooks.record('this', [], hooks.scope()?.self ?? '');
    return self === '' ? '' : relation(self);
  });
  getter('model', () => hooks.record('model', [], modelContext(hooks.scope())));
  getter('execute', () => {
    hooks.uncacheable();
    return hooks.scope()?.query !== undefined;
  });

  env.addGlobal('run_query', (sql: unknown) => query(String(sql)));
  env.addGlobal('statement', (...args: unknown[]) => {
    const { positional, keywords } = splitKeywords(args);
    const name = String(positional[0] ?? keywords.name ?? 'statement');
    const caller = keywords.caller as (() => unknown) | undefined;
    const sql = String(caller?.() ?? '');
    const table = query(sql);
    if (table)
      statementResults().set(name, {
        table,
        data: table.rows.map((r) => [...r]),
        response: { code: 'OK', rows_affected: table.rows.length },
      });
    return '';
  });
  env.addGlobal('load_result', (name: string) => statementResults().get(String(name)) ?? null);

  env.addGlobal('adapter', {
    dispatch: (...args: unknown[]) =>
      hooks.dispatch(
        String(arg(args, 0, 'macro_name')),
        (arg(args, 1, 'macro_namespace') as string | undefined) ?? undefined,
      ),
    type: () => options.target.type,
    quote: (id: string) => `"${String(id).replace(/"/g, '""')}"`,
    get_relation: (...args: unknown[]) => {
      const schema = String(arg(args, 1, 'schema'));
      const identifier = String(arg(args, 2, 'identifier'));
      const found = query(
        `select table_schema, table_name from information_schema.tables where lower(table_schema) = lower(${sqlString(schema)}) and lower(table_name) = lower(${sqlString(identifier)})`,
      );
      if (!found || found.rows.length === 0) return null;
      const [s, t] = found.rows[0] as string[];
      return new RelationObject(
        `"${s.replace(/"/g, '""')}"."${t.replace(/"/g, '""')}"`,
        database,
        s,
        t,
      );
    },
    get_columns_in_relation: (rel: unknown) => {
      const r = rel instanceof RelationObject ? rel : relation(String(rel));
      const found = query(
        `select column_name, data_type from information_schema.columns where table_name = ${sqlString(r.identifier)}${r.schema ? ` and table_schema = ${sqlString(r.schema)}` : ''} order by ordinal_position`,
      );
      return (found?.rows ?? []).map(([name, type]) => ({
        name,
        column: name,
        quoted: `"${String(name).replace(/"/g, '""')}"`,
        data_type: type,
        dtype: type,
      }));
    },
  });

  env.addGlobal('doc', (name: string) => {
    const text = options.docs?.get(String(name));
    if (text === undefined) throw new Error(`doc('${name}'): no {% docs ${name} %} block`);
    return text;
  });
  const modules = {
    datetime: datetimeModule,
    pytz: pytzModule,
    re: { escape: escapeRegExp },
  };
  // The clock and the run's id differ on every run.
  getter('modules', () => {
    hooks.uncacheable();
    return modules;
  });
  const runStartedAt = new PyDatetime(options.runStartedAt ?? new Date());
  getter('run_started_at', () => {
    hooks.uncacheable();
    return runStartedAt;
  });
  getter('invocation_id', () => {
    hooks.uncacheable();
    return options.invocationId ?? '';
  });
  env.addGlobal('thread_id', 'Thread-1');
  env.addGlobal('tojson', (...args: unknown[]) => {
    try {
      return pythonJson(arg(args, 0, 'value'), arg(args, 2, 'sort_keys') === true);
    } catch {
      return arg(args, 1, 'default') ?? null;
    }
  });
  env.addGlobal('fromjson', (text: string, fallback: unknown = null) => {
    try {
      return JSON.parse(String(text));
    } catch {
      return fallback;
    }
  });
  env.addGlobal('fromyaml', (text: string, fallback: unknown = null) => {
    try {
      return parseYaml(String(text));
    } catch {
      return fallback;
    }
  });
  env.addGlobal('toyaml', (value: unknown) => toYaml(value));
  env.addGlobal('local_md5', (value: string) =>
    createHash('md5').update(String(value)).digest('hex'),
  );
  env.addGlobal('set', (items: unknown[]) => [...new Set(items ?? [])]);
  env.addGlobal('set_strict', (items: unknown[]) => [...new Set(items)]);
  env.addGlobal('zip', (...lists: unknown[][]) =>
    lists[0] ? lists[0].map((_, i) => lists.map((l) => l[i])) : [],
  );
  env.addGlobal('zip_strict', (...lists: unknown[][]) =>
    lists[0] ? lists[0].map((_, i) => lists.map((l) => l[i])) : [],
  );
}

/**
 * `target.*` as dbt shows it: name, schema, type, threads, the adapter's keys (never the
 * password) and `database` (for DuckDB the file's name, as dbt-duckdb names it).
 */
export function targetContext(target: TargetConfig): RenderOptions['target'] {
  const { password: _, dir: __, ...keys } = target as unknown as Record<string, unknown>;
  const path = keys.path;
  const database =
    typeof path === 'string'
      ? path === ':memory:'
        ? 'memory'
        : basename(path).replace(/\.[^.]*$/, '')
      : keys.database;
  return { ...keys, name: target.name, schema: target.schema, type: target.type, database };
}
