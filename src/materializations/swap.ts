import type { TableRelation } from '../core/relation.ts';
import { inNodeTransaction } from './transaction.ts';
import type { MaterializeContext } from './types.ts';

const TMP_SUFFIX = '__duckflow_new';

/**
 * Build into a new relation and swap it in by rename within one transaction (dbt's table
 * materialization), so a failing build leaves the previous relation in place and queryable,
 * and readers never see a half-written table. `fill` creates the new table; returns its rows.
 */
export async function buildAndSwap(
  ctx: MaterializeContext,
  fill: (staging: TableRelation) => Promise<number>,
): Promise<number> {
  const { adapter, conn, relation } = ctx;
  const { dialect } = adapter;
  const staging = { ...relation, identifier: relation.identifier + TMP_SUFFIX };
  return inNodeTransaction(ctx, async () => {
    await conn.run(dialect.drop('table', staging));
    const rows = await fill(staging);
    const existing = await adapter.relationType(conn, relation);
    if (existing) await conn.run(dialect.drop(existing, relation));
    await conn.run(dialect.rename(staging, relation.identifier));
    return rows;
  });
}
