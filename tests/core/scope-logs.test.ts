/**
 * The logs scoped tests keep (testing/scope/). The generation log is read by every scoped test;
 * within a run, a relation's generation is read once (its node is done before any test reads
 * it), and a write recorded later is read again. Test results are kept during the run and
 * written together at its end.
 */
import { afterAll, expect, it } from 'vitest';
import { table } from '../../src/core/relation.ts';
import { WriteLog } from '../../src/materializations/writeLog.ts';
import { TestOutcomes } from '../../src/testing/scope/outcomes.ts';
import { withFixtureDuckDB } from '../helpers/duckdb.ts';
import { removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

it('reads each relation from the log once per run, and again after a write', async () => {
  await withFixtureDuckDB(async (adapter) => {
    const events = table('main', 'events');
    const sessions = table('main', 'sessions');
    await adapter.withConnection(async (conn) => {
      const log = new WriteLog(adapter.dialect, 'main', 'run-1');
      await log.ensure(conn);
      await log.record(conn, events, { kind: 'replace' });

      const before = adapter.stats.statements;
      const asked = await Promise.all(
        Array.from({ length: 5 }, () => log.current(conn, [events, sessions])),
      );
      expect(adapter.stats.statements - before).toBe(1);
      for (const generations of asked) {
        expect([...generations.keys()]).toEqual(['"main"."events"']);
        expect(generations.get('"main"."events"')).toMatchObject({
          generation: 1,
          kind: 'replace',
          invocationId: 'run-1',
        });
      }

      await log.record(conn, events, { kind: 'replace' });
      const afterWrite = adapter.stats.statements;
      const again = await log.current(conn, [events]);
      expect(again.get('"main"."events"')?.generation).toBe(2);
      // only the relation written is read again; `sessions` (no generation) stays known
      await log.current(conn, [sessions]);
      expect(adapter.stats.statements - afterWrite).toBe(1);
    });
  });
});

it('writes the results kept during a run in one transaction, the latest of each test', async () => {
  await withFixtureDuckDB(async (adapter) => {
    await adapter.withConnection(async (conn) => {
      const outcomes = new TestOutcomes(adapter.dialect, 'main');
      await outcomes.ensure(conn);
      await conn.run(
        `insert into main.duckflow_test_results values ('t1', 'old', 'fail', '{}', '2026-01-01T00:00:00.000Z')`,
      );
      outcomes.record('t1', { checksum: 'c1', status: 'pass', generations: { a: 1 } });
      outcomes.record('t2', { checksum: 'c2', status: 'fail', generations: { a: 1 } });
      outcomes.record('t2', { checksum: 'c2', status: 'pass', generations: { a: 2 } });
      // nothing is written before the flush
      const before = await conn.query('select count(*)::int as n from main.duckflow_test_results');
      expect(before.rows).toEqual([{ n: 1 }]);

      const statements = adapter.stats.statements;
      expect(await outcomes.flush(conn)).toBe(2);
      // begin, one delete, one insert, commit
      expect(adapter.stats.statements - statements).toBe(4);
      const { rows } = await conn.query(
        'select test_id, checksum, status, generations from main.duckflow_test_results order by test_id',
      );
      expect(rows).toEqual([
        { test_id: 't1', checksum: 'c1', status: 'pass', generations: '{"a":1}' },
        { test_id: 't2', checksum: 'c2', status: 'pass', generations: '{"a":2}' },
      ]);
      expect(await outcomes.flush(conn)).toBe(0);
    });
  });
});
