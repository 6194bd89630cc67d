/**
 * `scope: changed_rows` on every registered adapter: the generation log and the test results
 * are adapter SQL, created in the target's schema, and the kept batch rows are read by the
 * tests from another pooled connection. Failing rows worked out by hand in the comments.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  engineFixture,
  engines,
  removeEngineFixtures,
  suiteOptions,
  type Engine,
} from './engines.ts';

afterAll(removeEngineFixtures);

for (const engine of engines())
  describe(`scope: changed_rows on ${engine.name}`, suiteOptions(engine), () => cases(engine));

function cases(engine: Engine): void {
  it('scopes a batch, leaves nothing after a full refresh, then catches a duplicate of an old row', async () => {
    const p = engineFixture(engine, {
      'models/events.sql':
        "{{ config(materialized='incremental', unique_key='id') }}\nselect cast(id as integer) as id, cast(code as varchar(8)) as code from (values {{ var('batch') }}) as t(id, code)\n",
      'models/schema.yml':
        'models:\n  - name: events\n    columns:\n      - name: code\n        data_tests:\n          - unique: {config: {scope: changed_rows}}\n',
    });
    const build = (batch: string, fullRefresh = false) => p.build({ vars: { batch }, fullRefresh });
    const message = (r: Awaited<ReturnType<typeof build>>) =>
      r.results.find((x) => x.name === 'unique_events_code')!.message;

    expect(message(await build("(1, 'a'), (2, 'b')"))).toBe(
      'pass (all rows: no earlier result of this test is recorded)',
    );
    expect(message(await build("(3, 'c')"))).toBe(
      'pass (changed rows: 1 row written by this batch of events)',
    );
    const full = await build("(1, 'a'), (2, 'b')", true);
    expect(message(full)).toBe('pass (all rows: events was rebuilt whole in this run)');
    const kept = await p.query(
      `select count(*) as n from information_schema.tables where table_schema = '${p.schema}' and table_name = 'events__duckflow_changed'`,
    );
    expect(Number(kept[0]!.n)).toBe(0);
    // Key 4 repeats old row 1's code.
    const dup = await build("(4, 'a')");
    expect(message(dup)).toBe(
      '1 failing row (changed rows: 1 row written by this batch of events)',
    );
    expect(dup.results.find((x) => x.name === 'unique_events_code')!.sample!.rows).toEqual([
      { unique_field: 'a', n_records: expect.anything() },
    ]);
  });

  it("looks up only the parent ids outside the parent's batch of the same run", async () => {
    const p = engineFixture(engine, {
      'models/parents.sql':
        "{{ config(materialized='incremental', unique_key='pid') }}\nselect cast(pid as integer) as pid from (values {{ var('parents') }}) as t(pid)\n",
      'models/events.sql':
        "{{ config(materialized='incremental', unique_key='id') }}\nselect cast(id as integer) as id, cast(pid as integer) as pid from (values {{ var('batch') }}) as t(id, pid)\n",
      'models/schema.yml':
        "models:\n  - name: events\n    columns:\n      - name: pid\n        data_tests:\n          - relationships: {to: ref('parents'), field: pid, config: {scope: changed_rows}}\n",
    });
    const build = (batch: string, parents: string) => p.build({ vars: { batch, parents } });
    const test = (r: Awaited<ReturnType<typeof build>>) =>
      r.results.find((x) => x.name === 'relationships_events_pid')!;
    expect(test(await build('(1, 10), (2, 20)', '(10), (20)')).status).toBe('pass');
    // parents' batch writes pid 30. Row 3 points into it; row 4 at pid 10, stored before and
    // looked up; row 5 at pid 40, in neither: the one orphan. Both models are written at once:
    // on Iceberg their writes of the generation log take turns.
    const r = test(await build('(3, 30), (4, 10), (5, 40)', '(30)'));
    expect(r.message).toBe(
      "1 failing row (changed rows: 3 rows written by this batch of events; the pid values in this run's batch of parents not looked up again)",
    );
    expect(r.sample!.rows).toEqual([{ from_field: 40 }]);
  });
}
