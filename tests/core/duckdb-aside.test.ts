/**
 * The in-memory database that keeps incremental batches aside for scoped tests is attached once
 * per DuckDB instance. Two `attach if not exists` at once can both find it missing, and the
 * second then fails (2 in 200 tries): two incremental models built at once each failed that way.
 */
import { afterAll, expect, it } from 'vitest';
import { withFixtureDuckDB } from '../helpers/duckdb.ts';
import { removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

it('attaches the aside database once, however many models ask at the same time', async () => {
  await withFixtureDuckDB(async (adapter) => {
    const before = adapter.stats.statements;
    const asked = Array.from({ length: 8 }, (_, i) =>
      adapter.withConnection((conn) => adapter.asideTable(conn, `m${i}`)),
    );
    const tables = await Promise.all(asked);
    expect(tables.map((t) => t.database)).toEqual(Array(8).fill('duckflow_aside'));
    expect(adapter.stats.statements - before).toBe(1);
    const attached = await adapter.withConnection((conn) =>
      conn.query(
        `select count(*)::int as n from duckdb_databases() where database_name = 'duckflow_aside'`,
      ),
    );
    expect(attached.rows).toEqual([{ n: 1 }]);
  });
});
