/**
 * Generic test names and unique ids exactly as dbt-core makes them (parser/
 * generic_test_builders.py `synthesize_generic_test_names`, schema_generic_tests.py
 * `create_test_node`), so `--select <dbt test name>` selects the same test in both.
 */
import { createHash } from 'node:crypto';
import type { ProjectNode, TestDeclaration } from '../core/nodes.ts';

/** Arguments dbt takes as config, never as the test's keyword arguments (TestBuilder.CONFIG_ARGS). */
const CONFIG_ARGS = new Set([
  'severity',
  'tags',
  'enabled',
  'where',
  'limit',
  'warn_if',
  'error_if',
  'fail_calc',
  'store_failures',
  'store_failures_as',
  'meta',
  'database',
  'schema',
  'alias',
  'description',
  'name',
]);

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Python's `str()` of a YAML value, as dbt formats argument values into names. */
function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return pyRepr(v);
  return String(v);
}

/** Python's `repr()`: strings in single quotes unless they hold one and no double quote. */
function pyRepr(v: unknown): string {
  if (typeof v === 'string') {
    const quote = v.includes("'") && !v.includes('"') ? '"' : "'";
    const body = v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
    return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
  }
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  return pyStr(v);
}

/** dbt's get_hashable_md: dict keys sorted, all the way down, every other value as str(). */
function hashable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(hashable);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, hashable((v as Record<string, unknown>)[k])]),
    );
  return pyStr(v);
}

export interface DbtTestName {
  /** The node's name (dbt's fqn name): `not_null_orders_order_id`. */
  name: string;
  /** For the compiled file and the failures table: the name, hashed when 64 characters or more. */
  shortName: string;
  uniqueId: string;
}

export function dbtTestName(
  decl: TestDeclaration,
  node: ProjectNode,
  projectName: string,
): DbtTestName {
  const match = /^(?:([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)$/.exec(decl.test);
  const namespace = match?.[1] ?? null;
  const test = match?.[2] ?? decl.test;
  const kwargs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(decl.args)) if (!CONFIG_ARGS.has(k)) kwargs[k] = v;
  if (decl.column !== undefined) kwargs.column_name = decl.column;
  const source = node.kind === 'source';
  const targetName = source ? `${node.sourceName}_${node.tableName}` : node.name;
  const prefix = `${namespace ? `${namespace}_` : ''}${source ? 'source_' : ''}${test}`;

  const parts = Object.keys(kwargs)
    .sort()
    .flatMap((k) => {
      const v = kwargs[k];
      if (Array.isArray(v)) return v;
      if (v && typeof v === 'object') return Object.values(v);
      return [v];
    })
    .map((p) => pyStr(p).replace(/[^0-9a-zA-Z_]+/g, '_'));
  const identifier = `${prefix}_${targetName}`;
  const full = decl.name ?? `${identifier}_${parts.join('__')}`;
  const shortName =
    decl.name ?? (full.length >= 64 ? `${identifier.slice(0, 30)}_${md5(full)}` : full);

  const model = source
    ? `source('${node.sourceName}', '${node.tableName}')`
    : `ref('${node.name}')`;
  const metadata = hashable({
    namespace,
    name: test,
    kwargs: { ...kwargs, model: `{{ get_where_subquery(${model}) }}` },
  });
  const hash = md5(full + pyRepr(metadata)).slice(-10);
  return { name: full, shortName, uniqueId: `test.${projectName}.${full}.${hash}` };
}
