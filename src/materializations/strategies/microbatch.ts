import { insertBatch } from './append.ts';
import { rewriteWithout } from './rewrite.ts';
import { changed, type IncrementalStrategy } from './types.ts';

/**
 * dbt 1.9's microbatch: the model is rendered once per `event_time` window (its upstream refs
 * filtered to it) and each batch replaces its window in the target: the target's rows in the
 * window (and meeting the `incremental_predicates`) are deleted, the batch inserted. Replacing
 * by window rather than merging on a key (dbt-postgres's choice) makes a rerun idempotent and
 * removes rows that vanished upstream; no unique_key is needed.
 */
export const microbatch: IncrementalStrategy = {
  name: 'microbatch',
  batched: true,
  check() {},
  async apply(input) {
    const { conn, dialect, target, window, predicates } = input;
    if (!window) throw new Error('microbatch: a batch runs with its event_time window');
    const column = `DBT_INTERNAL_DEST.${dialect.quote(window.eventTime)}`;
    const inWindow = [
      `${column} >= ${dialect.timestamp(window.start)}`,
      `${column} < ${dialect.timestamp(window.end)}`,
      ...predicates,
    ];
    if (!dialect.capabilities.rowLevelDelete) return rewriteWithout(input, inWindow);
    const deleted = await changed(conn, dialect.deleteWhere(target, inWindow));
    return { inserted: await insertBatch(input), updated: 0, deleted };
  },
};
