import type { SeedNode } from '../core/nodes.ts';
import { buildAndSwap } from './swap.ts';
import type { Materialization } from './types.ts';

/** A seed's file loaded into a new table (read by DuckDB, whatever the target) and swapped in. */
export const seed: Materialization = {
  name: 'seed',
  appliesTo: 'seed',
  buildsRelation: true,
  async build(ctx) {
    const rows = await buildAndSwap(ctx, (staging) =>
      ctx.adapter.loadSeed(ctx.conn, ctx.node as SeedNode, staging),
    );
    return { rows, message: `seed ${ctx.adapter.dialect.relation(ctx.relation)}` };
  },
};
