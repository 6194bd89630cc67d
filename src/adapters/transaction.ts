import type { Connection } from './types.ts';

/** Without transactional DDL a transaction would promise what it cannot keep: run plainly. */
export async function inTransaction<T>(
  conn: Connection,
  transactional: boolean,
  fn: () => Promise<T>,
): Promise<T> {
  if (!transactional) return fn();
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
