import type { Connection } from '../adapters/types.ts';

/** Run `fn` inside one transaction: either all of it is visible afterwards or none of it. */
export async function inTransaction<T>(conn: Connection, fn: () => Promise<T>): Promise<T> {
  await conn.run('begin transaction');
  try {
    const result = await fn();
    await conn.run('commit');
    return result;
  } catch (e) {
    await conn.run('rollback').catch(() => undefined);
    throw e;
  }
}
