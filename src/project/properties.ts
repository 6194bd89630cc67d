import { TEST_CONFIG_KEYS } from './configSchema.ts';
import { ProjectError } from '../core/errors.ts';
import type { ParseCache } from '../util/parseCache.ts';
import { readProjectText } from './readText.ts';
import {
  parseYaml,
  positionOf,
  validateYaml,
  validateYamlLenient,
  type YamlFile,
} from './yamlFile.ts';
import type { Warnings } from './dbt/warnings.ts';
import { propertiesSchema } from './schemas.ts';
import { readDashboard, type RawDashboard } from './dashboards.ts';
import type {
  ColumnConstraint,
  ColumnSpec,
  FreshnessSpec,
  DashboardNode,
  ExposureNode,
  QuerySpec,
  TestDeclaration,
  UnitTestSpec,
} from '../core/nodes.ts';

interface RawColumn {
  name: string;
  description?: string;
  data_type?: string;
  meta?: Record<string, unknown>;
  constraints?: ColumnConstraint[];
  data_tests?: unknown[];
  tests?: unknown[];
}

interface RawEntry {
  name: string;
  description?: string;
  config?: Record<string, unknown>;
  meta?: Record<string, unknown>;
  columns?: RawColumn[];
  data_tests?: unknown[];
  tests?: unknown[];
}

interface RawSource {
  name: string;
  description?: string;
  schema?: string;
  external_location?: string;
  meta?: Record<string, unknown>;
  loaded_at_field?: string;
  freshness?: FreshnessSpec;
  tables?: (RawEntry & {
    identifier?: string;
    external_location?: string;
    format?: string;
    options?: Record<string, unknown>;
    loaded_at_field?: string;
    freshness?: FreshnessSpec | null;
  })[];
}

interface PropertiesFile {
  models?: RawEntry[];
  seeds?: RawEntry[];
  snapshots?: (RawEntry & { relation?: string })[];
  sources?: RawSource[];
  unit_tests?: Omit<UnitTestSpec, 'file' | 'line'>[];
  queries?: (Omit<QuerySpec, 'file' | 'line' | 'params' | 'description'> &
    Partial<Pick<QuerySpec, 'params' | 'description'>>)[];
  dashboards?: RawDashboard[];
  exposures?: (Omit<
    ExposureNode,
    | 'id'
    | 'kind'
    | 'path'
    | 'line'
    | 'dependsOn'
    | 'dependsOnText'
    | 'tags'
    | 'meta'
    | 'config'
    | 'description'
  > & {
    description?: string;
    depends_on?: string[];
    tags?: string[];
    meta?: Record<string, unknown>;
    config?: Record<string, unknown>;
  })[];
}

/** One described model, seed or source table, with its columns and tests resolved. */
export interface Described {
  name: string;
  description: string;
  config: Record<string, unknown>;
  meta: Record<string, unknown>;
  columns: Record<string, ColumnSpec>;
  tests: TestDeclaration[];
  file: string;
  line?: number;
}

export interface DescribedSource extends Omit<Described, 'config'> {
  sourceName: string;
  schema: string;
  identifier: string;
  externalLocation?: string;
  format?: string;
  options: Record<string, unknown>;
  loadedAtField?: string;
  freshness?: FreshnessSpec | null;
  sourceDescription: string;
  /** The table's `config:` (its `event_time`). */
  sourceConfig: Record<string, unknown>;
}

export interface Properties {
  models: Described[];
  seeds: Described[];
  /** Snapshots described in YAML: dbt 1.9's (with `relation`) or properties of a `.sql` one. */
  snapshots: (Described & { relation?: string })[];
  sources: DescribedSource[];
  unitTests: UnitTestSpec[];
  queries: QuerySpec[];
  dashboards: Omit<DashboardNode, 'id'>[];
  exposures: Omit<ExposureNode, 'id'>[];
}

/**
 * `warnings` given (a dbt project): keys duckflow does not know are warned about, not errors;
 * such files skip the parse cache, which would otherwise swallow their warnings on later runs.
 */
export function readProperties(
  projectDir: string,
  paths: string[],
  cache: ParseCache,
  warnings?: Warnings,
): Properties {
  const result: Properties = emptyProperties();
  for (const path of paths) {
    const text = readProjectText(projectDir, path);
    const one = warnings
      ? readPropertiesFile(path, text, warnings)
      : cache.get('properties', `${path}\0${text}`, () => readPropertiesFile(path, text));
    result.models.push(...one.models);
    result.seeds.push(...one.seeds);
    result.snapshots.push(...one.snapshots);
    result.sources.push(...one.sources);
    result.unitTests.push(...one.unitTests);
    result.queries.push(...one.queries);
    result.dashboards.push(...one.dashboards);
    result.exposures.push(...one.exposures);
  }
  return result;
}

function readPropertiesFile(path: string, text: string, warnings?: Warnings): Properties {
  const result: Properties = emptyProperties();
  const file = parseYaml(path, text);
  const props = warnings
    ? validateYamlLenient<PropertiesFile>(file, propertiesSchema, (at, message) =>
        warnings.warn(file, at, message),
      )
    : validateYaml<PropertiesFile>(file, propertiesSchema);
  props.models?.forEach((m, i) => result.models.push(describe(file, m, ['models', i])));
  props.seeds?.forEach((s, i) => result.seeds.push(describe(file, s, ['seeds', i])));
  props.snapshots?.forEach((s, i) =>
    result.snapshots.push({ ...describe(file, s, ['snapshots', i]), relation: s.relation }),
  );
  props.sources?.forEach((src, i) =>
    src.tables?.forEach((t, j) => {
      const d = describe(file, t, ['sources', i, 'tables', j]);
      const location =
        t.external_location ?? src.external_location?.replace(/\{name\}/g, t.identifier ?? t.name);
      result.sources.push({
        ...d,
        sourceName: src.name,
        sourceDescription: src.description ?? '',
        schema: src.schema ?? src.name,
        identifier: t.identifier ?? t.name,
        externalLocation: location,
        format: t.format,
        options: t.options ?? {},
        loadedAtField: t.loaded_at_field ?? src.loaded_at_field,
        // A table's own `freshness:` wins, `null` included: that turns the source's off.
        freshness: t.freshness !== undefined ? t.freshness : src.freshness,
        sourceConfig: t.config ?? {},
      });
    }),
  );
  props.unit_tests?.forEach((u, i) =>
    result.unitTests.push({
      ...u,
      given: u.given ?? [],
      file: path,
      line: positionOf(file, ['unit_tests', i]).line,
    }),
  );
  props.queries?.forEach((q, i) =>
    result.queries.push({
      ...q,
      description: q.description ?? '',
      params: q.params ?? [],
      file: path,
      line: positionOf(file, ['queries', i]).line,
    }),
  );
  props.exposures?.forEach((e, i) =>
    result.exposures.push({
      kind: 'exposure',
      name: e.name,
      ...(e.label ? { label: e.label } : {}),
      type: e.type,
      ...(e.maturity ? { maturity: e.maturity } : {}),
      ...(e.url ? { url: e.url } : {}),
      ...(e.owner ? { owner: e.owner } : {}),
      path,
      line: positionOf(file, ['exposures', i]).line,
      description: e.description ?? '',
      tags: e.tags ?? [],
      meta: e.meta ?? {},
      config: e.config ?? {},
      dependsOnText: e.depends_on ?? [],
      dependsOn: [],
    }),
  );
  props.dashboards?.forEach((d, i) =>
    result.dashboards.push(readDashboard(file, d, ['dashboards', i])),
  );
  return result;
}

export const emptyProperties = (): Properties => ({
  models: [],
  seeds: [],
  snapshots: [],
  sources: [],
  unitTests: [],
  queries: [],
  dashboards: [],
  exposures: [],
});

function describe(file: YamlFile, entry: RawEntry, at: (string | number)[]): Described {
  const columns: Record<string, ColumnSpec> = {};
  const tests = parseTests(file, entry.data_tests ?? entry.tests, [
    ...at,
    entry.data_tests ? 'data_tests' : 'tests',
  ]);
  entry.columns?.forEach((c, k) => {
    columns[c.name] = {
      name: c.name,
      description: c.description ?? '',
      data_type: c.data_type,
      meta: c.meta ?? {},
      ...(c.constraints ? { constraints: c.constraints } : {}),
    };
    const colPath = [...at, 'columns', k, c.data_tests ? 'data_tests' : 'tests'];
    tests.push(...parseTests(file, c.data_tests ?? c.tests, colPath, c.name));
  });
  return {
    name: entry.name,
    description: entry.description ?? '',
    config: { ...(entry.config ?? {}), ...(entry.meta ? { meta: entry.meta } : {}) },
    meta: entry.meta ?? {},
    columns,
    tests,
    file: file.path,
    line: positionOf(file, at).line,
  };
}

/**
 * Accepts every way dbt users write a test: `- not_null`, `- accepted_values: {values: [..]}`,
 * dbt 1.8's `{arguments: {..}, config: {..}}`, and config keys mixed in with the arguments.
 */
function parseTests(
  file: YamlFile,
  raw: unknown[] | undefined,
  at: (string | number)[],
  column?: string,
): TestDeclaration[] {
  return (raw ?? []).map((item, i) => {
    const position = positionOf(file, [...at, i]);
    if (typeof item === 'string')
      return { test: item, args: {}, config: {}, column, file: file.path, line: position.line };
    const entries = Object.entries(item as Record<string, unknown>);
    if (entries.length !== 1) {
      throw new ProjectError(
        `a test must be a name or a single-key mapping {test_name: {arguments}}, got keys: ${entries.map(([k]) => k).join(', ')}`,
        position,
      );
    }
    const [test, body] = entries[0];
    if (body !== null && (typeof body !== 'object' || Array.isArray(body))) {
      throw new ProjectError(`test '${test}' must be given a mapping of arguments`, position);
    }
    const {
      arguments: explicitArgs,
      config: explicitConfig,
      name,
      ...rest
    } = (body ?? {}) as Record<string, unknown>;
    const args: Record<string, unknown> = { ...((explicitArgs as object) ?? {}) };
    const config: Record<string, unknown> = { ...((explicitConfig as object) ?? {}) };
    for (const [k, v] of Object.entries(rest)) (TEST_CONFIG_KEYS.has(k) ? config : args)[k] = v;
    return {
      test,
      args,
      config,
      name: name as string | undefined,
      column,
      file: file.path,
      line: position.line,
    };
  });
}
