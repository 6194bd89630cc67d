import { createContracted, enforcedContract } from './contract.ts';
import { runCompiled } from './sqlError.ts';
import { buildAndSwap } from './swap.ts';
import type { Materialization, MaterializeContext } from './types.ts';

/** Create the model's table from its SELECT under `staging`; returns the row count. */
export async function createFromSelect(
  ctx: MaterializeContext,
  staging: Parameters<MaterializeContext['adapter']['dialect']['createTableAs']>[0],
): Promise<number> {
  const contract = enforcedContract(ctx.node);
  if (contract) return createContracted(ctx, staging, contract);
  const { adapter, conn, compiled } = ctx;
  const { dialect } = adapter;
  await runCompiled(adapter, conn, compiled!, dialect.createTableAs(staging, compiled!.sql));
  // Not every database reports CREATE TABLE AS's row count; counting a fresh table is cheap.
  const counted = await conn.query(`select count(*) as n from ${dialect.relation(staging)}`);
  return Number(counted.rows[0].n);
}

export const table: Materialization = {
  name: 'table',
  appliesTo: 'model',
  buildsRelation: true,
  async build(ctx) {
    const rows = await buildAndSwap(ctx, (staging) => createFromSelect(ctx, staging));
    return { rows, message: `table ${ctx.adapter.dialect.relation(ctx.relation)}` };
  },
};
