import { changed, type IncrementalStrategy, type StrategyInput } from './types.ts';

/** Insert the batch's rows into the target; returns how many. */
export function insertBatch({ conn, dialect, target, batch, columns }: StrategyInput) {
  const list = columns.map((c) => dialect.quote(c)).join(', ');
  return changed(
    conn,
    `insert into ${dialect.relation(target)} (${list}) select ${list} from ${batch}`,
  );
}

/** Insert the batch as it is: rows with a key already present are added again (dbt's append). */
export const append: IncrementalStrategy = {
  name: 'append',
  check({ predicates }) {
    if (predicates.length > 0)
      throw new Error(
        `incremental_predicates restrict what a delete or merge touches; 'append' deletes nothing, so they would do nothing: use 'delete+insert' or 'merge', or remove them`,
      );
  },
  apply: async (input) => ({ inserted: await insertBatch(input), updated: 0, deleted: 0 }),
};
