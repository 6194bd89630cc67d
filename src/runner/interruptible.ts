import type { Connection } from '../adapters/types.ts';

const ROLLBACK = /^\s*rollback\b/i;
const SQL_METHODS = new Set<PropertyKey>(['run', 'query']);

/**
 * A node's connection that refuses to start anything once the run is interrupted, so nothing
 * new begins after Ctrl-C even between the statements of one node (an interrupt sent while no
 * statement runs would otherwise be lost). Rolling back stays allowed: it undoes the node's
 * open transaction. A proxy, not a new object: adapters' connections carry methods of their
 * own (PostgreSQL's COPY), which are guarded the same way.
 */
export function interruptible<C extends Connection>(conn: C, signal: AbortSignal | undefined): C {
  if (!signal) return conn;
  return new Proxy(conn, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop === 'interrupt') return value.bind(target);
      return async (...args: unknown[]) => {
        const rollingBack = SQL_METHODS.has(prop) && ROLLBACK.test(String(args[0]));
        if (signal.aborted && !rollingBack)
          throw new Error('Interrupted: the run was stopped before this statement started');
        return value.apply(target, args);
      };
    },
  });
}
