import { conjunction, DEST } from '../../adapters/sqlDialect.ts';
import { stagingOf, swapIn } from '../swap.ts';
import { insertBatch } from './append.ts';
import type { RowChanges, StrategyInput } from './types.ts';

const count = async ({ conn }: StrategyInput, relation: string) =>
  Number((await conn.query(`select count(*) as n from ${relation}`)).rows[0].n);

/**
 * Where rows cannot be deleted one by one (Trino's Hive tables), the table is written anew: its
 * rows that do not meet every condition (on `DBT_INTERNAL_DEST`), then the batch, swapped in by
 * rename. A condition that is NULL for a row keeps it, as `delete ... where` would.
 */
export async function rewriteWithout(
  input: StrategyInput,
  conditions: string[],
): Promise<RowChanges> {
  const { conn, dialect, target } = input;
  const staging = stagingOf(target);
  const table = dialect.relation(target);
  await conn.run(dialect.drop('table', staging));
  await conn.run(
    dialect.createTableAs(
      staging,
      `select * from ${table} as ${DEST} where not coalesce(${conjunction(conditions)}, false)`,
    ),
  );
  const deleted = (await count(input, table)) - (await count(input, dialect.relation(staging)));
  const inserted = await insertBatch({ ...input, target: staging });
  await swapIn(conn, dialect, target, staging, 'table');
  return { inserted, updated: 0, deleted };
}
