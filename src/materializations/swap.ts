import type { Connection } from '../adapters/types.ts';
import type { Dialect, RelationType } from '../core/dialect.ts';
import type { TableRelation } from '../core/relation.ts';
import { inNodeTransaction } from './transaction.ts';
import type { MaterializeContext } from './types.ts';

const TMP_SUFFIX = '__duckflow_new';
const BACKUP_SUFFIX = '__duckflow_old';

/** Where a new table is built before it is swapped in. */
export const stagingOf = (relation: TableRelation): TableRelation => ({
  ...relation,
  identifier: relation.identifier + TMP_SUFFIX,
});

/**
 * Build into a new relation and swap it in by rename within one transaction (dbt's table
 * materialization), so a failing build leaves the previous relation in place and queryable,
 * and readers never see a half-written table. `fill` creates the new table; its result is returned.
 * A database that replaces a table atomically in one statement but has no transactional DDL
 * (Trino's Iceberg) builds it in place.
 */
export async function buildAndSwap<T>(
  ctx: MaterializeContext,
  fill: (staging: TableRelation) => Promise<T>,
): Promise<T> {
  const { adapter, conn, relation } = ctx;
  const { capabilities } = adapter.dialect;
  if (!capabilities.transactionalDdl && capabilities.createOrReplaceTable)
    return inNodeTransaction(ctx, async () => {
      if ((await adapter.relationType(conn, relation)) === 'view')
        await conn.run(adapter.dialect.drop('view', relation));
      const rows = await fill(relation);
      await ctx.writeLog?.record(conn, relation, { kind: 'replace' });
      return rows;
    });
  const staging = stagingOf(ctx.relation);
  return inNodeTransaction(ctx, async () => {
    await conn.run(adapter.dialect.drop('table', staging));
    const rows = await fill(staging);
    await replaceWith(ctx, staging);
    await ctx.writeLog?.record(conn, relation, { kind: 'replace' });
    return rows;
  });
}

/** Drop the relation and rename `staging` to its name (inside the caller's transaction). */
export async function replaceWith(
  ctx: Pick<MaterializeContext, 'adapter' | 'conn' | 'relation'>,
  staging: TableRelation,
): Promise<void> {
  const { adapter, conn, relation } = ctx;
  const existing = await adapter.relationType(conn, relation);
  await swapIn(conn, adapter.dialect, relation, staging, existing);
}

/**
 * Put `staging` in the place of `relation` (of type `existing`, if any). Without transactional
 * DDL the old table is first renamed aside and dropped only once the new one is in (dbt-trino's
 * way): a failed rename puts it back, so the name never ends up empty.
 */
export async function swapIn(
  conn: Connection,
  dialect: Dialect,
  relation: TableRelation,
  staging: TableRelation,
  existing: RelationType | undefined,
): Promise<void> {
  if (existing !== 'table' || dialect.capabilities.transactionalDdl) {
    const views =
      existing === 'table' && dialect.dependentViews
        ? (await conn.query(dialect.dependentViews(relation))).rows
        : [];
    for (const view of [...views].reverse()) await conn.run(`drop view ${String(view.name)}`);
    if (existing) await conn.run(dialect.drop(existing, relation));
    await conn.run(dialect.rename(staging, relation.identifier));
    for (const view of views) await conn.run(String(view.definition));
    return;
  }
  const backup = { ...relation, identifier: relation.identifier + BACKUP_SUFFIX };
  await conn.run(dialect.drop('table', backup));
  await conn.run(dialect.rename(relation, backup.identifier));
  try {
    await conn.run(dialect.rename(staging, relation.identifier));
  } catch (e) {
    await conn.run(dialect.rename(backup, relation.identifier)).catch(() => undefined);
    throw e;
  }
  await conn.run(dialect.drop('table', backup));
}
