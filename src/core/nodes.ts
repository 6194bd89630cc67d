import type { ConstraintType, Dialect } from './dialect.ts';
import type { Relation } from './relation.ts';

/** The shapes the rest of duckflow sees once a project is loaded. */

/** A materialization's name: validated against the registry in src/materializations/ at load. */
export type Materialization = string;
export type NodeKind = 'model' | 'seed' | 'source' | 'test';
export type SeedFormat = 'csv' | 'json' | 'ndjson' | 'parquet' | 'json_records';

/** What every target has; each adapter adds its own keys (a file path, a host and port, ...). */
export interface TargetConfig {
  name: string;
  /** The adapter's name in the registry (src/adapters/registry.ts). */
  type: string;
  schema: string;
  threads: number;
}

export interface ColumnSpec {
  name: string;
  description: string;
  data_type?: string;
  meta: Record<string, unknown>;
  /** dbt's column constraints, applied when the model's contract is enforced. */
  constraints?: ColumnConstraint[];
}

export interface ColumnConstraint {
  type: ConstraintType;
  /** `check`: the condition; `foreign_key`: the referenced `table (column)`. */
  expression?: string;
  name?: string;
}

/** A data test as declared in YAML, before it is turned into an executable test node. */
export interface TestDeclaration {
  /** Generic test name, e.g. `not_null` or `accepted_values`. */
  test: string;
  args: Record<string, unknown>;
  config: Record<string, unknown>;
  /** Explicit `name:` given by the user, if any. */
  name?: string;
  column?: string;
  /** Where the declaration stands, for errors. */
  file: string;
  line?: number;
}

interface NodeCommon {
  /** Unique id, dbt style: `model.<project>.<name>`. */
  id: string;
  kind: NodeKind;
  name: string;
  /** File the node comes from, relative to the project directory. */
  path: string;
  description: string;
  tags: string[];
  /** Merged config: project folder config, then YAML, then in-file `config()`. */
  config: Record<string, unknown>;
  columns: Record<string, ColumnSpec>;
  tests: TestDeclaration[];
  dependsOn: string[];
  checksum: string;
}

export interface ModelNode extends NodeCommon {
  kind: 'model';
  rawSql: string;
  materialized: Materialization;
  schema: string;
  /** Relation name in the database (`alias` config or the model name). */
  alias: string;
  enabled: boolean;
  /** The model's folders below its model path, e.g. ['staging']; drives folder config. */
  folders: string[];
  /** Names this model refs, and source tables it reads, as found when it was parsed. */
  refs: string[];
  sources: { source: string; table: string }[];
}

export interface SeedNode extends NodeCommon {
  kind: 'seed';
  /** Absolute path of the data file (after any `path` override). */
  file: string;
  format: SeedFormat;
  schema: string;
  alias: string;
  enabled: boolean;
  columnTypes: Record<string, string>;
  header: boolean;
  delimiter?: string;
  quote?: string;
  folders: string[];
  /** The setting that chose `file` when it is not the seed's own file (e.g. `var 'events_path'`). */
  fileOrigin?: string;
  /** json_records: the declared fields of a typed load (none: one raw text row per line). */
  fields?: JsonField[];
  /** json_records: a field whose duplicated values keep their lines' raw text too. */
  keepRawForDuplicatesOf?: string;
  /**
   * json_records: the incremental model (by name) fed by this seed; while it builds
   * incrementally every line keeps its raw text (a record can then conflict with what earlier
   * builds loaded, which the load cannot see). `keepAllRaw` is that, decided for one run.
   */
  keepAllRawWhileIncremental?: string;
  keepAllRaw?: boolean;
  /** json_records: keep `line_hash`, a 64-bit hash of each line's text as read (BIGINT). */
  lineHash?: boolean;
  /** Type columns as dbt-duckdb does (agate's inference: whole numbers INTEGER), in dbt projects. */
  agateTypes?: boolean;
}

/** The column a json_records seed with `line_hash: true` keeps each line's hash in. */
export const LINE_HASH = 'line_hash';

/** A json_records field as the loader reads it (config `fields:`, validated). */
export interface JsonField {
  name: string;
  /** Object keys from the record's root, e.g. ['event', 'user-agent'] for `$.event."user-agent"`. */
  path: string[];
  dataType: JsonFieldType;
  /** Absent or JSON null quarantines the line (`missing_<name>`). */
  required: boolean;
  /** A DuckDB SQL condition on the typed value (the field by its name) that must hold. */
  check?: string;
  /** A value of the wrong type, or failing `check`: quarantine the line, or load null. */
  onInvalid: 'reject' | 'null';
}

export const JSON_FIELD_TYPES = [
  'varchar',
  'json',
  'bigint',
  'integer',
  'smallint',
  'double',
  'boolean',
  'timestamp',
] as const;
export type JsonFieldType = (typeof JSON_FIELD_TYPES)[number];

/** `warn_after`/`error_after` of dbt's source freshness. */
export interface FreshnessAfter {
  count: number;
  period: 'minute' | 'hour' | 'day';
}

export interface FreshnessSpec {
  warn_after?: FreshnessAfter;
  error_after?: FreshnessAfter;
  /** SQL condition limiting the rows whose latest `loaded_at_field` counts. */
  filter?: string;
}

export interface SourceNode extends NodeCommon {
  kind: 'source';
  sourceName: string;
  tableName: string;
  /** A table in the database, or files the adapter reads in place. */
  relation: Relation;
  loadedAtField?: string;
  /** The table's freshness, or its source's; null when the table turns it off. */
  freshness?: FreshnessSpec | null;
}

export type ExecutableNode = ModelNode | SeedNode;

/**
 * dbt's resource type of a node. A snapshot is a model-like node (SQL, refs, config, a
 * relation) materialized `snapshot`; it is selected, listed and recorded as a snapshot.
 */
export function resourceType(node: { kind: string; materialized?: string }): string {
  return node.kind === 'model' && node.materialized === 'snapshot' ? 'snapshot' : node.kind;
}
export type ProjectNode = ModelNode | SeedNode | SourceNode;

export interface MacroFile {
  path: string;
  text: string;
}

/** An installed package's macros (dbt_packages/<name>/macros): `<name>.<macro>()`, dispatch. */
export interface MacroPackage {
  name: string;
  macros: MacroFile[];
}

/** dbt's `dispatch:` entry: where `adapter.dispatch(name, macro_namespace)` looks, in order. */
export interface DispatchRule {
  macro_namespace: string;
  search_order: string[];
}

/** Something a dbt project says that duckflow does not do: reported once, where it is said. */
export interface ProjectWarning {
  message: string;
  position: { file: string; line?: number; column?: number };
}

/** What a dbt project (dbt_project.yml, packages) adds to the native project. */
export interface DbtExtras {
  /** The profile of profiles.yml the target comes from (`target.profile_name`). */
  profileName: string;
  warnings: ProjectWarning[];
  /** Folders `clean` removes (dbt's clean-targets), relative to the project. */
  cleanTargets: string[];
  dispatch: DispatchRule[];
  /** Installed packages, in dependency order. */
  packages: MacroPackage[];
  /** `{% docs name %}` blocks, for `doc('name')`. */
  docs: Map<string, string>;
}

/** A unit test entry from YAML, dbt 1.8 format; executed by testing/unit. */
export interface UnitTestSpec {
  name: string;
  model: string;
  description?: string;
  given: { input: string; format?: string; rows?: unknown; fixture?: string }[];
  expect: { format?: string; rows?: unknown; fixture?: string };
  overrides?: Record<string, unknown>;
  /** `tags`, `enabled`, `meta`, as on any dbt unit test. */
  config?: Record<string, unknown>;
  file: string;
  line?: number;
}

/** Results of parsing files, kept between runs by content hash (util/parseCache.ts). */
export interface ParseStore {
  get<T>(kind: string, content: string, compute: () => T): T;
  peek<T>(kind: string, content: string): T | undefined;
  put(kind: string, content: string, value: unknown): void;
  save(): void;
}

export type QueryParamType = 'varchar' | 'bigint' | 'double' | 'boolean' | 'date';

/** A parameter of a named query: validated, then bound to `$name` in the query's SQL. */
export interface QueryParam {
  name: string;
  type: QueryParamType;
  description?: string;
  required?: boolean;
  default?: string | number | boolean;
  pattern?: string;
  enum?: (string | number)[];
  max_length?: number;
  minimum?: number;
  maximum?: number;
}

/** A named query from YAML `queries:`, served by `duckflow serve` at /api/queries/<name>. */
export interface QuerySpec {
  name: string;
  description: string;
  /** SQL over ref()/source(), with `$param` placeholders. */
  sql: string;
  params: QueryParam[];
  file: string;
  line?: number;
}

export const EXPOSURE_TYPES = ['dashboard', 'notebook', 'analysis', 'ml', 'application'] as const;

/**
 * dbt's exposure: something outside the project that reads it (a BI dashboard, a notebook, an
 * application), declared in YAML with what it depends on. A leaf of the graph, never executed.
 */
export interface ExposureNode extends ExposureBase {
  kind: 'exposure';
  label?: string;
  type: (typeof EXPOSURE_TYPES)[number];
  maturity?: 'high' | 'medium' | 'low';
  url?: string;
  /** `depends_on:` as written: `ref('x')`, `source('s', 't')`; resolved into `dependsOn`. */
  dependsOnText: string[];
}

/** What dbt's exposures and duckflow's dashboards (exposures with charts) share. */
export interface ExposureBase {
  id: string;
  name: string;
  path: string;
  line?: number;
  description: string;
  owner?: { name?: string; email?: string };
  tags: string[];
  meta: Record<string, unknown>;
  config: Record<string, unknown>;
  dependsOn: string[];
}

export interface Project {
  name: string;
  /** Absolute project directory. */
  dir: string;
  target: TargetConfig;
  targetPath: string;
  vars: Record<string, unknown>;
  modelPaths: string[];
  seedPaths: string[];
  macroPaths: string[];
  testPaths: string[];
  models: Map<string, ModelNode>;
  seeds: Map<string, SeedNode>;
  /** Keyed `source_name.table_name`. */
  sources: Map<string, SourceNode>;
  macros: MacroFile[];
  unitTests: UnitTestSpec[];
  queries: QuerySpec[];
  /** Keyed by dashboard name. */
  dashboards: Map<string, DashboardNode>;
  /** Keyed by exposure name. */
  exposures: Map<string, ExposureNode>;
  /** Singular data tests: SQL files under test paths. */
  singularTests: { name: string; path: string; rawSql: string }[];
  /** Folder config for data tests, from project.yml. */
  testConfig: Record<string, unknown>;
  onRunStart: string[];
  onRunEnd: string[];
  /** `build: test-gate:` in project.yml: whether downstream nodes wait for a model's tests. */
  testGate: boolean;
  /** Parse results of unchanged files from earlier runs (target/partial_parse.json). */
  parseCache: ParseStore;
  /** The target adapter's SQL dialect: how relations, literals and DDL are written. */
  dialect: Dialect;
  /** Set for a dbt project (dbt_project.yml instead of project.yml). */
  dbt?: DbtExtras;
}

export type Severity = 'error' | 'warn';

/** An executable data test: a query returning failing rows. */
export interface TestNode {
  id: string;
  kind: 'test';
  name: string;
  /** File the test was declared in (YAML for generic tests, .sql for singular ones). */
  path: string;
  line?: number;
  description: string;
  tags: string[];
  config: TestConfig;
  dependsOn: string[];
  checksum: string;
  testType: 'generic' | 'singular';
  /** The node a generic test is declared on; for singular tests, its first ref. */
  attachedTo?: string;
  column?: string;
  /** Generic tests: the test's name (`not_null`), arguments and declaration. */
  declaration?: TestDeclaration;
  /** Singular tests: the SQL file's text. */
  rawSql?: string;
  /** The compiled SELECT of failing rows. */
  sql: string;
  /** Project-relative path the compiled SQL is written to under target/compiled. */
  compiledPath: string;
  /** A built-in `unique` test on a column of a table: what adapters may run it faster knowing. */
  uniqueKey?: { relation: string; column: string };
  /** `scope: changed_rows`: the check of an incremental batch's rows (testing/scope/). */
  scope?: ChangedRowsScope;
}

/** How a test scoped to changed rows checks only what its model's last batch wrote. */
export interface ChangedRowsScope {
  /** The incremental model (unique id) whose batch the test checks. */
  model: string;
  /** Its incremental_strategy and unique_key the SQL was written for. */
  strategy: string;
  uniqueKey: string[];
  /** Failing rows among (or involving) the rows the batch wrote. */
  sql: string;
  /**
   * relationships: the parent (unique id) and its field, which must not have lost a key; or,
   * when its write kept aside the values it removed, `removedSql`: the check of the rows written
   * and of every row pointing at a removed value (testing/scope/scopedSql.ts). `outsideBatch`:
   * the rows written whose value is not among those the parent's own batch of the run wrote,
   * the only ones the parent must be searched for then.
   */
  parent?: { id: string; field: string; removedSql?: string; outsideBatch?: string };
}

export interface TestConfig {
  severity: Severity;
  where?: string;
  error_if: string;
  warn_if: string;
  limit?: number;
  store_failures: boolean;
  schema: string;
  enabled: boolean;
  tags: string[];
  /** duckflow's: `changed_rows` checks only an incremental batch's rows (testing/scope/). */
  scope?: 'all' | 'changed_rows';
  [key: string]: unknown;
}
/** What a given's rows stand in for. */
export type UnitInput =
  | { kind: 'ref'; name: string }
  | { kind: 'source'; source: string; table: string }
  | { kind: 'this' };

/** Rows as a unit test writes them: YAML dicts, CSV text, a SELECT, or a fixture file. */
export interface RowsSpec {
  format?: string;
  rows?: unknown;
  fixture?: string;
}

export interface GivenInput extends RowsSpec {
  target: UnitInput;
}

/** A unit test in the graph: a child of the model it tests, selectable like any test. */
export interface UnitTestNode {
  id: string;
  kind: 'unit_test';
  name: string;
  /** The YAML file declaring it. */
  path: string;
  line?: number;
  description: string;
  tags: string[];
  config: Record<string, unknown>;
  dependsOn: string[];
  checksum: string;
  testType: 'unit';
  /** Id of the model under test. */
  attachedTo: string;
  model: string;
  given: GivenInput[];
  expect: RowsSpec;
  overrides: {
    vars: Record<string, unknown>;
    envVars: Record<string, string>;
    macros: Record<string, unknown>;
  };
}

/** How a value is printed on a dashboard: in tooltips, labels, axes, tables and KPI tiles. */
export type ValueFormat = 'number' | 'integer' | 'percent' | 'duration' | 'date' | 'text';

export const TILE_TYPES = [
  'line',
  'bar',
  'stacked_bar',
  'histogram',
  'boxplot',
  'funnel',
  'table',
  'kpi',
] as const;
export type TileType = (typeof TILE_TYPES)[number];

/** One encoding: a column of the tile's rows, how to label it and print its values. */
export interface FieldSpec {
  column: string;
  label?: string;
  format?: ValueFormat;
  /** A `y` field of a bar chart drawn as a line instead (a bar and line combination). */
  mark?: 'bar' | 'line';
  /** A `y` field on a second value axis on the right. */
  axis?: 'left' | 'right';
}

/** A chart, table or KPI of a dashboard, over one model or one SQL query of refs. */
export interface TileSpec {
  name: string;
  type: TileType;
  title: string;
  /** The definition of what is shown, printed under the tile. */
  caption: string;
  /** A model or seed name (`model: ref('x')` or `model: x`). */
  model?: string;
  /** A SELECT template that may call ref() and source(). */
  sql?: string;
  x?: FieldSpec;
  y: FieldSpec[];
  series?: FieldSpec;
  /** Table columns; all of the query's when absent. */
  columns: FieldSpec[];
  /** Extra columns listed in the tooltip of each point. */
  tooltip: FieldSpec[];
  /** Histogram bins: `width` wide, everything at or above `max` in one last bin. */
  bin?: { width: number; max?: number };
  orientation: 'vertical' | 'horizontal';
  /** Print each value beside its bar. */
  labels: boolean;
  /** KPI line under the value, `{column}` replaced by that column of the row. */
  detail?: string;
  width: 'half' | 'full';
  /** Where the tile's `model:` or `sql:` stands, for errors about what it reads. */
  at: { line?: number; column?: number };
}

/**
 * A dashboard declared in YAML: dbt's exposure (name, owner, description, what it reads) with
 * the tiles that draw it. Its dependencies come from the tiles' refs.
 */
export interface DashboardNode extends ExposureBase {
  kind: 'dashboard';
  title: string;
  tiles: TileSpec[];
}
