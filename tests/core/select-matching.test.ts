/**
 * `Dialect.selectMatching`: the target rows a delete+insert batch deletes, each once. DuckDB
 * writes it as a SEMI JOIN (an EXISTS with incremental_predicates is slow there); it must
 * select what the standard EXISTS selects, which both run here on one DuckDB database.
 */
import { afterAll, expect, it } from 'vitest';
import { duckdbDialect } from '../../src/adapters/duckdb/dialect.ts';
import { postgresDialect } from '../../src/adapters/postgres/dialect.ts';
import { DEST } from '../../src/adapters/sqlDialect.ts';
import { table } from '../../src/core/relation.ts';
import { withFixtureDuckDB } from '../helpers/duckdb.ts';
import { removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

it('selects the rows matching a batch by key and predicates, each once, as EXISTS does', async () => {
  const rows = await withFixtureDuckDB((adapter) =>
    adapter.withConnection(async (conn) => {
      await conn.run(
        `create table parents as select * from (values (1, 1, 10), (1, 2, 20), (1, 3, 21), (2, 1, 30), (3, 5, null)) as t(grp, ver, pid)`,
      );
      // Group 1 twice (versions 2 and 3), group 3 at a later version than stored: group 1's
      // versions 2 and 3 match, pid 21 once although both of group 1's batch rows match it.
      await conn.run(
        `create table batch as select * from (values (1, 2), (1, 3), (3, 6)) as t(grp, ver)`,
      );
      const parents = table('main', 'parents');
      const predicates = ['DBT_INTERNAL_DEST.ver >= DBT_INTERNAL_SOURCE.ver'];
      const selected = async (sql: string) =>
        (await conn.query(`${sql} order by 1`)).rows.map((r) => r.pid);
      return Promise.all(
        [duckdbDialect, postgresDialect].map((d) =>
          selected(d.selectMatching(parents, 'batch', ['grp'], predicates, `${DEST}.pid`)),
        ),
      );
    }),
  );
  expect(rows[0]).toEqual([20, 21]);
  expect(rows[1]).toEqual(rows[0]);
});
