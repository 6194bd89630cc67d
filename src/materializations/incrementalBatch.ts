import type { CompiledSql } from '../core/compiled.ts';
import type { ModelNode } from '../core/nodes.ts';
import type { TableRelation } from '../core/relation.ts';
import { reconcileSchema, type OnSchemaChange } from './schemaChange.ts';
import { runCompiled } from './sqlError.ts';
import { incrementalStrategy } from './strategies/registry.ts';
import type { EventTimeWindow, IncrementalStrategy, RowChanges } from './strategies/types.ts';
import type { MaterializeContext, MaterializeResult, RowCounts } from './types.ts';
import { changedRowsOf } from './writeLog.ts';
import { escapeRegExp } from '../util/regexp.ts';

/**
 * What incremental builds share, whether the model runs once or once per microbatch window:
 * its settings, loading one batch through the strategy, and the result it reports.
 */

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
 * Where a batch whose rows a scoped test will read is built outside the model's transaction: a
 * table the adapter keeps aside (DuckDB: in memory, shared by its connections), so keeping it
 * costs no write. Only without pre-hooks, which must run before the model's SELECT.
 */
export async function buildBatchAside(
  ctx: MaterializeContext,
  settings: IncrementalSettings,
): Promise<TableRelation | undefined> {
  const { adapter, conn, relation } = ctx;
  if (!ctx.writeLog?.keepsBatch(settings.strategy.name) || !adapter.asideTable) return undefined;
  if (ctx.hooks.pre.length > 0) return undefined;
  const aside = await adapter.asideTable(conn, `${relation.schema}__${relation.identifier}`);
  await conn.run(adapter.dialect.drop('table', aside));
  await runCompiled(
    adapter,
    conn,
    ctx.compiled!,
    adapter.dialect.createTableAs(aside, ctx.compiled!.sql),
  );
  return aside;
}

/**
 * Put the rows of `compiled` (one batch of the model) into `target` through the strategy, with
 * the table's columns first brought in line per `on_schema_change`. Runs inside the caller's
 * transaction. `check` sees the batch table before it is applied. `aside`: the batch, built
 * already by `buildBatchAside`.
 */
export async function loadBatch(
  ctx: MaterializeContext,
  settings: IncrementalSettings,
  compiled: CompiledSql,
  window?: EventTimeWindow,
  check?: (batch: string) => Promise<void>,
  aside?: TableRelation,
): Promise<RowChanges> {
  const { adapter, conn, relation } = ctx;
  const { dialect } = adapter;
  const batchName = `${relation.identifier}__duckflow_batch`;
  // Where the batch's rows are what the strategy writes and a scoped test will read them, the
  // batch is kept as it is built (aside, or as the changed-rows table), instead of copied.
  const kept =
    aside ??
    (ctx.writeLog?.keepsBatch(settings.strategy.name) ? changedRowsOf(relation) : undefined);
  const batch = kept ? dialect.relation(kept) : dialect.quote(batchName);
  if (!aside) {
    if (kept) await conn.run(dialect.drop('table', kept));
    await runCompiled(
      adapter,
      conn,
      compiled,
      kept
        ? dialect.createTableAs(kept, compiled.sql)
        : dialect.createTempTableAs(batchName, compiled.sql),
    );
  }
  await check?.(batch);
  // The batch's own columns, read from the relation: a temporary table is not in the
  // target's catalog, so lookups by schema name do not find it.
  const selected = await adapter.describe(conn, `select * from ${batch}`);
  const { columns, changed } = await reconcileSchema(
    ctx,
    relation,
    settings.onSchemaChange,
    selected,
  );
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
  await ctx.writeLog?.record(conn, relation, {
    kind: 'batch',
    strategy: settings.strategy.name,
    uniqueKey: settings.uniqueKey,
    batch,
    keptIn: kept,
    unscopable: unscopable(ctx, changed),
  });
  if (!kept) await conn.run(`drop table ${batch}`);
  return changes;
}

/**
 * Why rows the batch did not write may have changed too: then its tests check every row. A
 * hook that names the table (`{{ this }}` or its name) may change any of its rows; one that
 * does not (it marks a load done elsewhere) is taken to leave them alone.
 */
function unscopable(ctx: MaterializeContext, schemaChanged: boolean): string | undefined {
  if (schemaChanged) return "changed the table's columns";
  const name = escapeRegExp(ctx.relation.identifier);
  const names = new RegExp(`(^|[^A-Za-z0-9_$])${name}([^A-Za-z0-9_$]|$)`, 'i');
  if ([...ctx.hooks.pre, ...ctx.hooks.post].some((sql) => names.test(sql)))
    return 'ran a hook that names the table, which may change any row';
  return undefined;
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
