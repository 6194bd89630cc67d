import type { IncrementalStrategy } from './types.ts';

/** Insert the batch as it is: rows with a key already present are added again (dbt's append). */
export const append: IncrementalStrategy = {
  name: 'append',
  apply: ({ conn, dialect, target, batch, columns }) =>
    conn.run(
      `insert into ${dialect.relation(target)} (${columns}) select ${columns} from ${batch}`,
    ),
};
