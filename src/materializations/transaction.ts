import { inTransaction } from '../adapters/transaction.ts';
import type { MaterializeContext } from './types.ts';

/**
 * Run `fn` inside one transaction with the node's hooks around it (dbt's default: pre-hooks
 * after `begin`, post-hooks before `commit`): all of it is visible afterwards or none of it.
 */
export async function inNodeTransaction<T>(
  ctx: Pick<MaterializeContext, 'adapter' | 'conn' | 'hooks'>,
  fn: () => Promise<T>,
): Promise<T> {
  const { conn, hooks } = ctx;
  return inTransaction(conn, ctx.adapter.dialect.capabilities.transactionalDdl, async () => {
    for (const sql of hooks.pre) await conn.run(sql);
    const result = await fn();
    for (const sql of hooks.post) await conn.run(sql);
    return result;
  });
}
