import { describe, expect, it } from 'vitest';
import { TrinoClient, TrinoQueryError } from '../../src/adapters/trino/client.ts';
import { TRINO_URL } from './server.ts';

describe.skipIf(!TRINO_URL)('Trino REST client against a real server', () => {
  const client = new TrinoClient({
    // The body is collected even when skipped: no URL must not throw here.
    url: TRINO_URL ?? '',
    user: 'duckflow',
    catalog: 'memory',
    schema: 'default',
  });

  it('keeps integers beyond 2^53 exact and timestamps to the microsecond', async () => {
    const r = await client.query(
      "select cast(9007199254740993 as bigint) as big, 42 as small, timestamp '2022-05-01 08:00:00.648681' as ts, cast(null as varchar) as nothing",
    );
    expect(r.columns.map((c) => c.name)).toEqual(['big', 'small', 'ts', 'nothing']);
    expect(r.columns[2]!.type).toBe('timestamp(6)');
    expect(r.rows).toEqual([['9007199254740993', 42, '2022-05-01 08:00:00.648681', null]]);
  });

  it('follows nextUri across pages until every row has arrived', async () => {
    // tpch.tiny.orders has 15,000 rows; TPC-H's sparse keys give row i the key
    // ((i >> 3) << 5) | (i & 7): 1..7, 32..39, 64..71, ..., 60000.
    const r = await client.query('select orderkey from tpch.tiny.orders');
    expect(r.rows).toHaveLength(15000);
    const keys = r.rows.map(([k]) => k as number).sort((a, b) => a - b);
    const expected = Array.from({ length: 15000 }, (_, j) => (((j + 1) >> 3) << 5) | ((j + 1) & 7));
    expect(keys).toEqual(expected);
  });

  it('reports rows written by CREATE TABLE AS and INSERT', async () => {
    await client.query('drop table if exists memory.default.client_rows');
    const created = await client.query(
      'create table memory.default.client_rows as select n from unnest(sequence(1, 7)) as t(n)',
    );
    expect(created.updateType).toBe('CREATE TABLE');
    expect(created.updateCount).toBe(7);
    const inserted = await client.query('insert into memory.default.client_rows values (8), (9)');
    expect(inserted.updateCount).toBe(2);
  });

  it("throws a failed query with Trino's error name and its line and column", async () => {
    const failure = client.query('select 1\nfrom no_such_table');
    await expect(failure).rejects.toBeInstanceOf(TrinoQueryError);
    const error = (await failure.catch((e: unknown) => e)) as TrinoQueryError;
    expect(error.errorName).toBe('TABLE_NOT_FOUND');
    expect([error.line, error.column]).toEqual([2, 6]);
  });

  it('cancels a running query', async () => {
    const slow = client.query('select count(distinct partkey * suppkey) from tpch.sf100.lineitem');
    const outcome = slow.catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 1500));
    await client.cancelAll();
    const error = (await outcome) as TrinoQueryError;
    expect(error).toBeInstanceOf(TrinoQueryError);
    expect(error.errorName).toBe('USER_CANCELED');
  });
});
