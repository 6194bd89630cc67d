/**
 * duckflow's data tests as dbt tests, from the manifest. Every test keeps its duckflow name
 * (dbt's `name:`), so the two tools' results can be matched test by test.
 */
import { GENERIC_TESTS, type GenericTestInput } from '../../../src/testing/generic.ts';
import { duckdbDialect } from '../../../src/adapters/duckdb/dialect.ts';

const quoteIdent = duckdbDialect.quote;
import type { ManifestTest } from './manifest.ts';

/** Generic tests dbt ships, with the same arguments and the same failing rows. */
const DBT_BUILT_IN = new Set(['not_null', 'unique', 'accepted_values', 'relationships']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_THRESHOLD = '!=0';
/**
 * Test config that changes nothing in a build without stored failures; `scope: changed_rows`
 * (duckflow's) narrows what is checked, never the result, and dbt checks every row.
 */
const CONFIG_IGNORED = new Set(['schema', 'enabled', 'tags', 'store_failures', 'scope']);

export interface PortedTest {
  name: string;
  /** dbt's own generic test, one generated from duckflow's, or a singular test. */
  as: 'dbt built-in' | 'generated generic' | 'singular';
}

export interface GenericTestPort {
  /** Per attached node id: its `data_tests` and `columns` entries in dbt's properties YAML. */
  properties: Map<string, { data_tests?: object[]; columns?: object[] }>;
  /** `{% test %}` definitions of the generated generic tests. */
  macros: string[];
  /** Tests written as singular tests from their compiled SQL. */
  singular: { name: string; compiledPath: string }[];
  ported: PortedTest[];
}

export function portGenericTests(
  tests: ManifestTest[],
  refs: Map<string, string>,
): GenericTestPort {
  const port: GenericTestPort = { properties: new Map(), macros: [], singular: [], ported: [] };
  const relationOf = new Map([...refs].map(([relation, name]) => [name, relation]));
  const macros = new Map<string, string>();
  for (const t of tests) {
    const attached = t.attached_to;
    const asGeneric =
      t.test_type === 'generic' &&
      attached !== undefined &&
      (t.column_name == null || IDENTIFIER.test(t.column_name));
    const macro = asGeneric ? genericMacro(t, relationOf, macros) : undefined;
    if (!asGeneric || macro === undefined) {
      port.singular.push({ name: t.name, compiledPath: t.compiled_path });
      port.ported.push({ name: t.name, as: 'singular' });
      continue;
    }
    if (macro.definition) port.macros.push(macro.definition);
    const args = t.arguments ?? {};
    const entry = {
      [macro.name]: {
        name: t.name,
        ...(Object.keys(args).length ? { arguments: args } : {}),
        ...dbtTestConfig(t),
      },
    };
    const props = port.properties.get(attached!) ?? {};
    port.properties.set(attached!, props);
    if (t.column_name) {
      props.columns ??= [];
      let column = props.columns.find((c) => (c as { name: string }).name === t.column_name) as
        { name: string; quote: boolean; data_tests: object[] } | undefined;
      if (!column) {
        // quote: dbt then quotes the column as duckflow does (`position` is a keyword).
        column = { name: t.column_name, quote: true, data_tests: [] };
        props.columns.push(column);
      }
      column.data_tests.push(entry);
    } else (props.data_tests ??= []).push(entry);
    port.ported.push({
      name: t.name,
      as: DBT_BUILT_IN.has(t.test_name!) ? 'dbt built-in' : 'generated generic',
    });
  }
  return port;
}

function dbtTestConfig(t: ManifestTest): { config?: Record<string, unknown> } {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(t.config)) {
    if (CONFIG_IGNORED.has(key)) continue;
    if (key === 'severity') {
      if (value !== 'error') config.severity = value;
    } else if (key === 'error_if' || key === 'warn_if') {
      if (value !== DEFAULT_THRESHOLD) config[key] = value;
    } else if (key === 'where' || key === 'limit') {
      if (value !== undefined && value !== null) config[key] = value;
    } else
      throw new Error(
        `peer port: test ${t.name} has config '${key}', which has no dbt translation in scripts/bench/peer/tests.ts`,
      );
  }
  return Object.keys(config).length ? { config } : {};
}

/**
 * The dbt generic test to declare `t` with: dbt's own for its built-ins; otherwise one generated
 * from duckflow's builder with Jinja placeholders for the model, the column and each argument,
 * kept only when, filled with this test's values, it gives exactly duckflow's SQL (an argument
 * the builder does more with than insert it, e.g. a list, leaves the test to the singular path).
 */
function genericMacro(
  t: ManifestTest,
  relationOf: Map<string, string>,
  /** Generated so far: variant key -> macro name. */
  macros: Map<string, string>,
): { name: string; definition?: string } | undefined {
  const name = t.test_name!;
  if (DBT_BUILT_IN.has(name)) return { name };
  const builder = GENERIC_TESTS[name];
  if (!builder) return undefined;
  const args = t.arguments ?? {};
  const argNames = Object.keys(args).sort();
  const column = t.column_name ?? undefined;
  const placeholder = (n: string) => `{{ ${n} }}`;
  let template: string;
  let expected: string;
  const modelName = t.attached_to!.split('.').at(-1)!;
  const model = relationOf.get(modelName);
  if (!model) return undefined;
  try {
    template = builder({
      model: placeholder('model'),
      column: column === undefined ? undefined : placeholder('column_name'),
      args: Object.fromEntries(argNames.map((a) => [a, placeholder(a)])),
      relationArg: (text) => text,
      dialect: duckdbDialect,
    } satisfies GenericTestInput);
    expected = builder({
      model,
      column,
      args,
      relationArg: (text) => relationArg(text, relationOf),
      dialect: duckdbDialect,
    });
  } catch {
    return undefined;
  }
  let filled = template
    .replaceAll(placeholder('model'), model)
    .replaceAll(placeholder('column_name'), column === undefined ? '' : quoteIdent(column));
  for (const a of argNames) {
    const value = args[a];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      return undefined;
    // dbt renders a string argument as a template before the test sees it.
    if (typeof value === 'string' && /\{[{%#]/.test(value)) return undefined;
    filled = filled.replaceAll(placeholder(a), relationArg(String(value), relationOf, true));
  }
  if (filled !== expected) return undefined;
  const key = JSON.stringify([name, column !== undefined, argNames]);
  const existing = macros.get(key);
  if (existing) return { name: existing };
  // One macro per shape (column or not, which arguments): the first keeps the test's name.
  const variants = [...macros.keys()].filter((k) => JSON.parse(k)[0] === name).length;
  const macroName = variants === 0 ? name : `${name}_${variants + 1}`;
  macros.set(key, macroName);
  const params = ['model', ...(column === undefined ? [] : ['column_name']), ...argNames];
  return {
    name: macroName,
    definition: `{% test ${macroName}(${params.join(', ')}) %}\n${template}\n{% endtest %}\n`,
  };
}

/** `ref('x')` as the relation dbt passes the test (a relation argument is rendered first). */
function relationArg(text: string, relationOf: Map<string, string>, lenient = false): string {
  const ref = /^\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*$/.exec(text);
  const relation = ref ? relationOf.get(ref[1]) : undefined;
  if (relation) return relation;
  if (lenient) return text;
  throw new Error(`not a ref() to a ported model: ${text}`);
}
