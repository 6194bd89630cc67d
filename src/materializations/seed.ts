import type { SeedNode } from '../core/nodes.ts';
import { keepReplacementRemovals } from './removedValues.ts';
import { replaceWith, stagingOf } from './swap.ts';
import { inNodeTransaction } from './transaction.ts';
import type { Materialization } from './types.ts';

/**
 * A seed's file loaded into a new table (read by DuckDB, whatever the target) and swapped in.
 * The load runs before the swap's transaction: reading an export may take a second attempt
 * after a failed first one (adapters/duckdb/seeds/load.ts), which an aborted transaction
 * would refuse. The swap itself is atomic as for any table.
 */
export const seed: Materialization = {
  name: 'seed',
  appliesTo: 'seed',
  buildsRelation: true,
  async build(ctx) {
    const { adapter, conn } = ctx;
    const staging = stagingOf(ctx.relation);
    await conn.run(adapter.dialect.drop('table', staging));
    let rows: number;
    try {
      rows = await adapter.loadSeed(conn, ctx.node as SeedNode, staging, ctx.gzipChecks);
      const removed = await keepReplacementRemovals(ctx, staging);
      await inNodeTransaction(ctx, async () => {
        await replaceWith(ctx, staging);
        await ctx.writeLog?.record(conn, ctx.relation, { kind: 'replace' });
      });
      if (removed) ctx.writeLog!.keptRemoved(ctx.relation, removed.table, removed.fields);
    } catch (e) {
      await conn.run(adapter.dialect.drop('table', staging)).catch(() => undefined);
      throw e;
    }
    return { rows, message: `seed ${adapter.dialect.relation(ctx.relation)}` };
  },
};
