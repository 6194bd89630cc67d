import type { CompiledSql } from '../core/compiled.ts';
import type { ModelNode } from '../core/nodes.ts';
import type { TableRelation } from '../core/relation.ts';
import { runMicrobatch } from './microbatch/run.ts';
import { reconcileSchema, type OnSchemaChange } from './schemaChange.ts';
import { runCompiled } from './sqlError.ts';
import { incrementalStrategy } from './strategies/registry.ts';
import type { EventTimeWindow, IncrementalStrategy, RowChanges } from './strategies/types.ts';
import { table } from './table.ts';
import { inNodeTransaction } from './transaction.ts';
import type { Materialization, MaterializeContext, MaterializeResult, RowCounts } from './types.ts';

export { ON_SCHEMA_CHANGE, type OnSchemaChange } from './schemaChange.ts';

/** An incremental model's config, read once. */
export interface IncrementalSettings {
  strategy: IncrementalStrategy;
  uniqueKey: string[];
  predicates: string[];
  onSchemaChange: OnSchemaChange;
}

const list = (value: unknown): string[] => (value === undefined ? [] : [value].flat().map(String));

export function incrementalSettings(model: ModelNode): IncrementalSettings {
  const { config } = model;
  const uniqueKey = list(config.unique_key);
  const predicates = list(config.incremental_predicates);
  const strategy = incrementalStrategy(config.incremental_strategy, uniqueKey);
  strategy.check({ uniqueKey, predicates });
  const batchOnly = ['batch_size', 'lookback', 'begin'].filter((k) => config[k] !== undefined);
  if (!strategy.batched && batchOnly.length)
    throw new Error(
      `${batchOnly.join(', ')} configure microbatch models; this one's incremental_strategy is '${strategy.name}': set incremental_strategy: microbatch or remove them`,
    );
  return {
    strategy,
    uniqueKey,
    predicates,
    onSchemaChange: (config.on_schema_change as OnSchemaChange | undefined) ?? 'ignore',
  };
}

/**
 * Put the rows of `compiled` (one batch of the model) into `target` through the strategy, with
 * the table's columns first brought in line per `on_schema_change`. Runs inside the caller's
 * transaction. `check` sees the batch table before it is applied.
 */
export async function loadBatch(
  ctx: MaterializeContext,
  settings: IncrementalSettings,
  compiled: CompiledSql,
  window?: EventTimeWindow,
  check?: (batch: string) => Promise<void>,
): Promise<RowChanges> {
  const { adapter, conn, relation } = ctx;
  const { dialect } = adapter;
  const batchName = `${relation.identifier}__duckflow_batch`;
  const batch = dialect.quote(batchName);
  await runCompiled(adapter, conn, compiled, dialect.createTempTableAs(batchName, compiled.sql));
  await check?.(batch);
  // The batch's own columns, read from the relation: a temporary table is not in the
  // target's catalog, so lookups by schema name do not find it.
  const selected = await adapter.describe(conn, `select * from ${batch}`);
  const columns = await reconcileSchema(ctx, relation, settings.onSchemaChange, selected);
  const changes = await settings.strategy.apply({
    conn,
    dialect,
    target: relation,
    batch,
    columns,
    uniqueKey: settings.uniqueKey,
    predicates: settings.predicates,
    window,
  });
  await conn.run(`drop table ${batch}`);
  return changes;
}

export async function countRows(ctx: MaterializeContext, r: TableRelation): Promise<number> {
  const { rows } = await ctx.conn.query(
    `select count(*) as n from ${ctx.adapter.dialect.relation(r)}`,
  );
  return Number(rows[0].n);
}

/** The run line's `+inserted ~updated -deleted` and the table's size afterwards. */
export async function incrementalResult(
  ctx: MaterializeContext,
  changes: RowCounts,
  rows?: number,
): Promise<MaterializeResult> {
  return {
    rows: rows ?? (await countRows(ctx, ctx.relation)),
    changes,
    message: `incremental ${ctx.adapter.dialect.relation(ctx.relation)}`,
  };
}

/**
 * dbt-style incremental model. The first build (or --full-refresh) is a table build; later
 * builds put the SELECT's rows (rendered with is_incremental() true) in a batch table and hand
 * it to the `incremental_strategy`, all in one transaction. Microbatch models run once per
 * `event_time` window instead (microbatch/run.ts).
 */
export const incremental: Materialization = {
  name: 'incremental',
  appliesTo: 'model',
  buildsRelation: true,
  async build(ctx) {
    const settings = incrementalSettings(ctx.node as ModelNode);
    if (settings.strategy.batched) return runMicrobatch(ctx, settings);
    if (!ctx.exists || ctx.fullRefresh) {
      const built = await table.build(ctx);
      const rows = built.rows ?? 0;
      return incrementalResult(ctx, { inserted: rows, updated: 0, deleted: 0 }, rows);
    }
    const changes = await inNodeTransaction(ctx, () => loadBatch(ctx, settings, ctx.compiled!));
    return incrementalResult(ctx, changes);
  },
};
