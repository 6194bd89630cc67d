/**
 * Node config, defined once: the TypeScript types, the JSON Schemas that validate project.yml,
 * property files and `{{ config() }}`, and the key lists folder config recognises all derive
 * from these definitions; allowed values come from the registries they name.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { MODEL_MATERIALIZATIONS } from '../materializations/registry.ts';
import { ON_SCHEMA_CHANGE } from '../materializations/incremental.ts';
import { BATCH_SIZES } from '../materializations/microbatch/batches.ts';
import { INCREMENTAL_STRATEGIES } from '../materializations/strategies/registry.ts';
import { JSON_FIELD_TYPES } from '../core/nodes.ts';
import { HARD_DELETES, SNAPSHOT_STRATEGIES } from '../materializations/snapshot.ts';

/** An enum as JSON Schema's `enum`, so errors list the allowed values in one line. */
const OneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ enum: [...values] });

const StringOrList = Type.Union([Type.String(), Type.Array(Type.String())]);

/** SQL run around a node (dbt's hooks): one statement or a list, rendered like the model. */
const Hooks = StringOrList;

/**
 * Database settings for the node's own statements only (DuckDB SET on its connection, restored
 * after; PostgreSQL likewise): which keys an adapter honours is checked when the node runs.
 */
const NodeSettings = Type.Record(
  Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.]*$' }),
  Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
);

/** One declared field of a typed json_records load (seeds/typedRecords.ts says what each does). */
const JsonFieldConfig = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
    json_path: Type.Optional(Type.String()),
    data_type: Type.Optional(OneOf(JSON_FIELD_TYPES)),
    required: Type.Optional(Type.Boolean()),
    check: Type.Optional(Type.String()),
    on_invalid: Type.Optional(OneOf(['reject', 'null'] as const)),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ModelConfig = Type.Object(
  {
    materialized: Type.Optional(OneOf(MODEL_MATERIALIZATIONS)),
    schema: Type.Optional(Type.String()),
    alias: Type.Optional(Type.String()),
    tags: Type.Optional(StringOrList),
    enabled: Type.Optional(Type.Boolean()),
    unique_key: Type.Optional(StringOrList),
    incremental_strategy: Type.Optional(OneOf(Object.keys(INCREMENTAL_STRATEGIES))),
    on_schema_change: Type.Optional(OneOf(ON_SCHEMA_CHANGE)),
    incremental_predicates: Type.Optional(StringOrList),
    /** The time column: microbatch windows are on it, and microbatch models reading this one filter it. */
    event_time: Type.Optional(Type.String()),
    batch_size: Type.Optional(OneOf(BATCH_SIZES)),
    lookback: Type.Optional(Type.Integer({ minimum: 0 })),
    begin: Type.Optional(Type.String()),
    pre_hook: Type.Optional(Hooks),
    post_hook: Type.Optional(Hooks),
    settings: Type.Optional(NodeSettings),
    meta: Type.Optional(Type.Object({})),
    docs: Type.Optional(Type.Object({})),
    contract: Type.Optional(
      Type.Object(
        { enforced: Type.Boolean(), alias_types: Type.Optional(Type.Boolean()) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ModelConfig = Static<typeof ModelConfig>;

/** dbt's snapshot config (1.9 names, and the legacy `target_schema`/`invalidate_hard_deletes`). */
export const SnapshotConfig = Type.Object(
  {
    strategy: Type.Optional(OneOf(SNAPSHOT_STRATEGIES)),
    unique_key: Type.Optional(StringOrList),
    updated_at: Type.Optional(Type.String()),
    check_cols: Type.Optional(Type.Union([Type.Literal('all'), Type.Array(Type.String())])),
    hard_deletes: Type.Optional(OneOf(HARD_DELETES)),
    invalidate_hard_deletes: Type.Optional(Type.Boolean()),
    dbt_valid_to_current: Type.Optional(Type.String()),
    schema: Type.Optional(Type.String()),
    target_schema: Type.Optional(Type.String()),
    alias: Type.Optional(Type.String()),
    tags: Type.Optional(StringOrList),
    enabled: Type.Optional(Type.Boolean()),
    pre_hook: Type.Optional(Hooks),
    post_hook: Type.Optional(Hooks),
    meta: Type.Optional(Type.Object({})),
    docs: Type.Optional(Type.Object({})),
  },
  { additionalProperties: false },
);

export const SeedConfig = Type.Object(
  {
    schema: Type.Optional(Type.String()),
    alias: Type.Optional(Type.String()),
    tags: Type.Optional(StringOrList),
    enabled: Type.Optional(Type.Boolean()),
    path: Type.Optional(Type.String()),
    event_time: Type.Optional(Type.String()),
    format: Type.Optional(OneOf(['csv', 'json', 'ndjson', 'parquet', 'json_records'] as const)),
    column_types: Type.Optional(Type.Record(Type.String(), Type.String())),
    header: Type.Optional(Type.Boolean()),
    delimiter: Type.Optional(Type.String()),
    quote: Type.Optional(Type.String()),
    fields: Type.Optional(Type.Array(JsonFieldConfig, { minItems: 1 })),
    keep_raw_for_duplicates_of: Type.Optional(Type.String()),
    keep_all_raw_while_incremental: Type.Optional(Type.String()),
    line_hash: Type.Optional(Type.Boolean()),
    settings: Type.Optional(NodeSettings),
    meta: Type.Optional(Type.Object({})),
    docs: Type.Optional(Type.Object({})),
  },
  { additionalProperties: false },
);
export type SeedConfig = Static<typeof SeedConfig>;

export const TestConfig = Type.Object(
  {
    severity: Type.Optional(OneOf(['error', 'warn', 'ERROR', 'WARN'] as const)),
    where: Type.Optional(Type.String()),
    error_if: Type.Optional(Type.String()),
    warn_if: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer({ minimum: 0 })),
    store_failures: Type.Optional(Type.Boolean()),
    schema: Type.Optional(Type.String()),
    enabled: Type.Optional(Type.Boolean()),
    tags: Type.Optional(StringOrList),
    meta: Type.Optional(Type.Object({})),
    /** duckflow's: `changed_rows` checks only what an incremental batch wrote (docs/testing.md). */
    scope: Type.Optional(OneOf(['all', 'changed_rows'] as const)),
  },
  { additionalProperties: false },
);
export type TestConfig = Static<typeof TestConfig>;

const keysOf = (schema: { properties: Record<string, TSchema> }) =>
  new Set(Object.keys(schema.properties));

export const MODEL_CONFIG_KEYS = keysOf(ModelConfig);
export const SEED_CONFIG_KEYS = keysOf(SeedConfig);
export const SNAPSHOT_CONFIG_KEYS = keysOf(SnapshotConfig);
export const TEST_CONFIG_KEYS = keysOf(TestConfig);

/**
 * A folder of dbt-style folder config: the config keys (also spelled with dbt's '+'), and any
 * other key is a sub-folder of the same shape.
 */
export function folderSchema(config: { properties: Record<string, TSchema> }, ref: string) {
  const properties: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(config.properties)) {
    properties[key] = schema;
    properties[`+${key}`] = schema;
  }
  return { type: 'object', properties, additionalProperties: { $ref: ref } };
}
