import { changed, type IncrementalStrategy } from './types.ts';

/**
 * Update the target's rows whose `unique_key` (and `incremental_predicates`) match a batch row,
 * insert the rest, in one MERGE statement (DuckDB 1.4+ and PostgreSQL 15+ both have it, and it
 * needs no key constraint, unlike INSERT ... ON CONFLICT). A key occurring twice in the batch is
 * an error of the database's, as in dbt: which of the two rows should win is not defined.
 */
export const merge: IncrementalStrategy = {
  name: 'merge',
  requires: 'merge',
  check({ uniqueKey }) {
    if (uniqueKey.length === 0)
      throw new Error(
        `incremental_strategy 'merge' needs a unique_key to match new rows with existing ones`,
      );
  },
  async apply({ conn, dialect, target, batch, columns, uniqueKey, predicates }) {
    // MERGE reports one count for updates and inserts together: the rows that will match are
    // counted first, under the same conditions.
    const { rows } = await conn.query(dialect.countMatching(target, batch, uniqueKey, predicates));
    const updated = Number(rows[0].n);
    const merged = await changed(
      conn,
      dialect.merge(target, batch, uniqueKey, columns, predicates),
    );
    return { inserted: merged - updated, updated, deleted: 0 };
  },
};
