import type { TableRelation } from '../core/relation.ts';
import { inNodeTransaction } from './transaction.ts';
import type { MaterializeContext } from './types.ts';

const TMP_SUFFIX = '__duckflow_new';

/** Where a new table is built before it is swapped in. */
export const stagingOf = (relation: TableRelation): TableRelation => ({
  ...relation,
  identifier: relation.identifier + TMP_SUFFIX,
});

/**
 * Build into a new relation and swap it in by rename within one transaction (dbt's table
 * materialization), so a failing build leaves the previous relation in place and queryable,
 * and readers never see a half-written table. `fill` creates the new table; its result is returned.
 */
export async function buildAndSwap<T>(
  ctx: MaterializeContext,
  fill: (staging: TableRelation) => Promise<T>,
): Promise<T> {
  const staging = stagingOf(ctx.relation);
  return inNodeTransaction(ctx, async () => {
    await ctx.conn.run(ctx.adapter.dialect.drop('table', staging));
    const rows = await fill(staging);
    await replaceWith(ctx, staging);
    return rows;
  });
}

/** Drop the relation and rename `staging` to its name (inside the caller's transaction). */
export async function replaceWith(ctx: MaterializeContext, staging: TableRelation): Promise<void> {
  const { adapter, conn, relation } = ctx;
  const existing = await adapter.relationType(conn, relation);
  if (existing) await conn.run(adapter.dialect.drop(existing, relation));
  await conn.run(adapter.dialect.rename(staging, relation.identifier));
}
