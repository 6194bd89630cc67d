import type { Connection } from '../adapters/types.ts';

const ROLLBACK = /^\s*rollback\b/i;

/**
 * A node's connection that refuses to start a statement once the run is interrupted, so nothing
 * new begins after Ctrl-C even between the statements of one node (an interrupt sent while no
 * statement runs would otherwise be lost). Rolling back stays allowed: it undoes the node's
 * open transaction.
 */
export function interruptible(conn: Connection, signal: AbortSignal | undefined): Connection {
  if (!signal) return conn;
  const check = (sql: string) => {
    if (signal.aborted && !ROLLBACK.test(sql))
      throw new Error('Interrupted: the run was stopped before this statement started');
  };
  return {
    run: async (sql) => {
      check(sql);
      return conn.run(sql);
    },
    query: async (sql) => {
      check(sql);
      return conn.query(sql);
    },
    interrupt: () => conn.interrupt(),
  };
}
