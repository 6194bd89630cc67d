import { checkContract, enforcedContract } from './contract.ts';
import { runCompiled } from './sqlError.ts';
import { inNodeTransaction } from './transaction.ts';
import type { Materialization } from './types.ts';

export const view: Materialization = {
  name: 'view',
  appliesTo: 'model',
  buildsRelation: true,
  async build(ctx) {
    const { adapter, conn, relation, compiled } = ctx;
    const { dialect } = adapter;
    const contract = enforcedContract(ctx.node);
    await inNodeTransaction(ctx, async () => {
      // dbt checks a view's contract too; its constraints are not applied (warned at the start).
      if (contract) await checkContract(ctx, contract);
      const existing = await adapter.relationType(conn, relation);
      // A model that used to be a table must give up its name first; a view is replaced in place
      // where the database can, so readers never see it missing.
      if (existing === 'table' || (existing && !dialect.capabilities.createOrReplaceView))
        await conn.run(dialect.drop(existing, relation));
      await runCompiled(adapter, conn, compiled!, dialect.createView(relation, compiled!.sql));
      // A view's rows change with what it reads: a table that becomes one is no longer known.
      await ctx.writeLog?.record(conn, relation, { kind: 'replace' });
    });
    return { message: `view ${dialect.relation(relation)}` };
  },
};
