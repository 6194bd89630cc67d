import { locateSqlError } from './sqlError.ts';
import { inTransaction } from './transaction.ts';
import type { MaterializeContext, MaterializeResult } from './types.ts';

export async function materializeView(ctx: MaterializeContext): Promise<MaterializeResult> {
  const { adapter, conn, schema, name, compiled } = ctx;
  const target = adapter.relation(schema, name);
  await inTransaction(conn, async () => {
    // A model that used to be a table must give up its name first.
    if ((await adapter.relationType(conn, schema, name)) === 'table')
      await conn.run(`drop table ${target}`);
    try {
      await conn.run(`create or replace view ${target} as\n${compiled.sql}`);
    } catch (e) {
      throw locateSqlError(e, compiled, 1);
    }
  });
  return { message: `view ${target}` };
}
