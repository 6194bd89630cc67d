import { stagingOf, swapIn } from '../swap.ts';
import { append } from './append.ts';
import type { IncrementalStrategy } from './types.ts';

type Input = Parameters<IncrementalStrategy['apply']>[0];

/** Delete the target's rows whose `unique_key` occurs in the batch, then insert the batch. */
export const deleteInsert: IncrementalStrategy = {
  name: 'delete+insert',
  async apply(input) {
    const { conn, dialect, target, batch, uniqueKey } = input;
    if (uniqueKey.length === 0)
      throw new Error(`incremental_strategy 'delete+insert' needs a unique_key`);
    if (!dialect.capabilities.rowLevelDelete) return rewrite(input);
    await conn.run(dialect.deleteMatching(target, batch, uniqueKey));
    return append.apply(input);
  },
};

/**
 * Where rows cannot be deleted one by one (Trino's Hive tables), the table is written anew: its
 * rows without a match in the batch, then the batch, swapped in by rename.
 */
async function rewrite(input: Input): Promise<number | undefined> {
  const { conn, dialect, target, batch, uniqueKey } = input;
  const staging = stagingOf(target);
  const table = dialect.relation(target);
  const matches = uniqueKey
    .map((k) => `${batch}.${dialect.quote(k)} = ${table}.${dialect.quote(k)}`)
    .join(' and ');
  await conn.run(dialect.drop('table', staging));
  await conn.run(
    dialect.createTableAs(
      staging,
      `select * from ${table} where not exists (select 1 from ${batch} where ${matches})`,
    ),
  );
  const inserted = await append.apply({ ...input, target: staging });
  await swapIn(conn, dialect, target, staging, 'table');
  return inserted;
}
