import { DEST } from '../adapters/sqlDialect.ts';
import type { TableRelation } from '../core/relation.ts';
import type { IncrementalSettings } from './incrementalBatch.ts';
import type { MaterializeContext } from './types.ts';
import { removedValuesOf } from './writeLog.ts';

/**
 * The values a write takes out of the fields that scoped relationships tests check other models
 * against (`WriteLog.watch`), kept aside (DuckDB: in memory) before the write's transaction: a
 * child row can only lose its parent through one of them, so those tests check the rows pointing
 * at them instead of every row (testing/scope/premise.ts). The caller notes them in the write
 * log once its transaction committed.
 */
export interface RemovedValues {
  table: TableRelation;
  fields: string[];
}

/**
 * A delete+insert batch, kept aside, deletes the rows holding its keys and inserts itself as it
 * is: it removes the values of the deleted rows that it does not hold (a batch rewriting groups
 * of rows mostly puts their values back: in the benchmark, 190 of 9,154 ids taken out are lost).
 * The keys it re-inserts.
 */
export function keepBatchRemovals(
  ctx: MaterializeContext,
  settings: IncrementalSettings,
  aside: TableRelation | undefined,
): Promise<RemovedValues | undefined> {
  if (!aside || settings.strategy.name !== 'delete+insert') return Promise.resolve(undefined);
  const { dialect } = ctx.adapter;
  const batch = dialect.relation(aside);
  const fields = watched(ctx).filter((f) => !settings.uniqueKey.includes(f));
  return keep(
    ctx,
    fields,
    (f) =>
      `${dialect.selectMatching(ctx.relation, batch, settings.uniqueKey, settings.predicates, `${DEST}.${f}`)} except select ${f} from ${batch}`,
  );
}

/** A table replaced whole by `staging` (a seed) loses the values the new rows do not have. */
export function keepReplacementRemovals(
  ctx: MaterializeContext,
  staging: TableRelation,
): Promise<RemovedValues | undefined> {
  // A hook may change the rows after the load: then the staged rows are not the table's.
  if (!ctx.exists || ctx.hooks.pre.length + ctx.hooks.post.length > 0)
    return Promise.resolve(undefined);
  const { dialect } = ctx.adapter;
  return keep(
    ctx,
    watched(ctx),
    (f) =>
      `select ${f} from ${dialect.relation(ctx.relation)} except select ${f} from ${dialect.relation(staging)}`,
  );
}

const watched = (ctx: MaterializeContext) => ctx.writeLog?.watchedFields(ctx.relation) ?? [];

/**
 * One column per field; each row holds one removed value of one of them. Values that cannot be
 * read (the old table lacks a field the write adds) are not kept: the tests then check every
 * row, and the write goes on.
 */
async function keep(
  ctx: MaterializeContext,
  fields: string[],
  removedOf: (quoted: string) => string,
): Promise<RemovedValues | undefined> {
  const { adapter, conn, relation } = ctx;
  if (!adapter.asideTable || fields.length === 0) return undefined;
  const { dialect } = adapter;
  const table = await adapter.asideTable(
    conn,
    `${relation.schema}__${removedValuesOf(relation).identifier}`,
  );
  await conn.run(dialect.drop('table', table));
  const columns = fields.map((f) => dialect.quote(f));
  const rows = columns.map(
    (column, i) =>
      `select ${columns.map((c, j) => (i === j ? c : `null as ${c}`)).join(', ')} from (${removedOf(column)}) as removed`,
  );
  try {
    await conn.run(dialect.createTableAs(table, rows.join(' union all ')));
  } catch {
    return undefined;
  }
  return { table, fields };
}
