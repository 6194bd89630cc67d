/**
 * `unique` tests on whole-number columns of tables run with a perfect-hash aggregate in DuckDB
 * when the column's range allows (adapters/duckdb/perfectHash.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBAdapter } from '../../src/adapters/duckdb/adapter.ts';
import {
  memoryBytes,
  requiredBits,
  withPerfectHash,
} from '../../src/adapters/duckdb/perfectHash.ts';
import type { DuckDBTarget } from '../../src/adapters/duckdb/target.ts';
import type { Connection } from '../../src/adapters/types.ts';
import { openSession } from '../../src/runner/session.ts';
import { project, removeFixtures, type Fixture } from '../helpers/fixture.ts';

afterAll(removeFixtures);

describe('the range a perfect hash table needs', () => {
  it("counts DuckDB's bits: the range, one more for NULL, one-indexed", () => {
    // 0..10,000,018 is 10,000,019 values + NULL + 1 = 10,000,020 < 2^24.
    expect(requiredBits(0n, 10_000_018n)).toBe(24);
    expect(requiredBits(5n, 5n)).toBe(2); // range 0, + 2 = 0b10
    expect(requiredBits(-3n, 2n)).toBe(3); // range 5, + 2 = 7 = 0b111
  });

  it('reads memory sizes as DuckDB prints them', () => {
    expect(memoryBytes('7.4 GiB')).toBeCloseTo(7.4 * 2 ** 30);
    expect(memoryBytes('300.0 MiB')).toBe(300 * 2 ** 20);
    expect(memoryBytes('512 bytes')).toBe(512);
    expect(memoryBytes('lots')).toBeUndefined();
  });
});

describe('unique tests on a DuckDB table', () => {
  let p: Fixture;
  beforeAll(async () => {
    p = project({
      'project.yml': 'name: shop\ntargets:\n  dev: {type: duckdb, memory_limit: 1GB}\n',
      // ids 1..100,000 with 3 and 7 twice: 2 failing values; range needs 17 bits (> 12).
      'models/orders.sql':
        "{{ config(materialized='table') }}\nselect range::int as id, 'x' || range as code from range(1, 100001)\nunion all select 3, 'x3' union all select 7, 'x7'\n",
      'models/orders_view.sql': "select * from {{ ref('orders') }}\n",
      // 100 ids spread over 1,000..100,000: 17 bits, 1,311 groups a row.
      'models/sparse_ids.sql':
        "{{ config(materialized='table') }}\nselect range * 1000 as id from range(1, 101)\n",
      'models/schema.yml': [
        'models:',
        '  - name: orders',
        '    columns:',
        '      - name: id',
        '        data_tests: [unique]',
        '      - name: code',
        '        data_tests: [unique]',
        '  - name: orders_view',
        '    columns:',
        '      - name: id',
        '        data_tests: [unique]',
        '',
      ].join('\n'),
    });
    // Models only: build would skip the view, downstream of failing tests.
    await p.run();
  });

  const target = () => openSession({ projectDir: p.dir }).project.target as DuckDBTarget;
  const withConn = async <T>(fn: (conn: Connection) => Promise<T>): Promise<T> => {
    const adapter = await DuckDBAdapter.open(target());
    try {
      return await adapter.withConnection(fn);
    } finally {
      await adapter.close();
    }
  };
  const plan = async (conn: Connection, column: string) =>
    (
      await conn.query(
        `explain select ${column}, count(*) from main.orders where ${column} is not null group by ${column} having count(*) > 1`,
      )
    ).rows
      .map((r) => Object.values(r).join('\n'))
      .join('\n');

  it('finds the same failures as the plain query, and marks only unique tests on table columns', async () => {
    const report = await p.test();
    const byName = Object.fromEntries(report.results.map((r) => [r.name, r]));
    expect(byName.unique_orders_id).toMatchObject({ status: 'fail', failures: 2 });
    expect(byName.unique_orders_code).toMatchObject({ status: 'fail', failures: 2 });
    expect(byName.unique_orders_view_id).toMatchObject({ status: 'fail', failures: 2 });
    const tests = openSession({ projectDir: p.dir })
      .graph.nodes()
      .filter((n) => n.kind === 'test');
    const keys = Object.fromEntries(tests.map((t) => [t.name, t.kind === 'test' && t.uniqueKey]));
    expect(keys).toEqual({
      unique_orders_id: { relation: '"main"."orders"', column: '"id"' },
      unique_orders_code: { relation: '"main"."orders"', column: '"code"' },
      // A view's statistics could cost computing the view: left alone.
      unique_orders_view_id: undefined,
    });
  });

  it('raises perfect_ht_threshold for the statements only: a perfect-hash plan inside, the setting restored after', async () => {
    await withConn(async (conn) => {
      expect(await plan(conn, 'id')).not.toContain('PERFECT_HASH_GROUP_BY');
      const inside = await withPerfectHash(conn, '"main"."orders"', '"id"', async () => ({
        plan: await plan(conn, 'id'),
        threshold: (await conn.query(`select current_setting('perfect_ht_threshold') as t`))
          .rows[0]!.t,
      }));
      expect(inside.plan).toContain('PERFECT_HASH_GROUP_BY');
      expect(Number(inside.threshold)).toBe(17);
      const after = await conn.query(`select current_setting('perfect_ht_threshold') as t`);
      expect(Number(after.rows[0]!.t)).toBe(12);
    });
  });

  it('leaves text columns, and tables too large for the memory budget, to the ordinary hash aggregate', async () => {
    await withConn(async (conn) => {
      const threshold = () =>
        withPerfectHash(conn, '"main"."orders"', '"code"', async () =>
          Number(
            (await conn.query(`select current_setting('perfect_ht_threshold') as t`)).rows[0]!.t,
          ),
        );
      expect(await threshold()).toBe(12);
      // 2^17 groups x 16 bytes x threads over an eighth of 1 MB: too big.
      await conn.run(`set memory_limit = '1MB'`);
      const tight = await withPerfectHash(conn, '"main"."orders"', '"id"', async () =>
        Number(
          (await conn.query(`select current_setting('perfect_ht_threshold') as t`)).rows[0]!.t,
        ),
      );
      await conn.run(`set memory_limit = '1GB'`);
      expect(tight).toBe(12);
    });
  });

  it('leaves a table with few rows over a wide range to the ordinary hash aggregate', async () => {
    await withConn(async (conn) => {
      const threshold = await withPerfectHash(conn, '"main"."sparse_ids"', '"id"', async () =>
        Number(
          (await conn.query(`select current_setting('perfect_ht_threshold') as t`)).rows[0]!.t,
        ),
      );
      expect(threshold).toBe(12);
    });
  });
});
