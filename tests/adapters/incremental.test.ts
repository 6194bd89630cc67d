/**
 * The incremental materialization's contract on every registered adapter: strategies (append,
 * delete+insert, merge, microbatch), incremental_predicates, on_schema_change and the row
 * counts a build reports. Expected rows are worked out by hand in the comments.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/core/results.ts';
import type { RunOptions } from '../../src/runner/execute.ts';
import {
  engineFixture,
  engines,
  removeEngineFixtures,
  suiteOptions,
  type Engine,
} from './engines.ts';

afterAll(removeEngineFixtures);

/** A build's result for one model, and the warnings the run logged. */
async function built(p: ReturnType<typeof engineFixture>, name: string, options: RunOptions = {}) {
  const events: RunEvent[] = [];
  const report = await p.build({ ...options, onEvent: (e) => events.push(e) });
  const logs = (level: string) =>
    events.flatMap((e) => (e.type === 'log' && e.level === level ? [e.message] : []));
  return {
    report,
    result: report.results.find((r) => r.name === name)!,
    warnings: logs('warn'),
    infos: logs('info'),
  };
}

const rows = (label: string) =>
  `select * from (select 1 as id, '${label}' as v union all select 2, '${label}') as r`;

for (const engine of engines())
  describe(`incremental on ${engine.name}`, suiteOptions(engine), () => incrementalCases(engine));

/** The cases, once per engine. */
function incrementalCases(engine: Engine): void {
  it('merge updates matched keys and inserts the rest, reporting each', async () => {
    const model = (sql: string) =>
      `{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge') }}\n${sql}\n`;
    const p = engineFixture(engine, { 'models/m.sql': model(rows('a')) });
    if (engine.hive) {
      // Refused before the first build too, not only once the table exists.
      expect((await built(p, 'm')).result).toMatchObject({
        status: 'error',
        message: expect.stringMatching(
          /incremental_strategy 'merge' needs merge, which this trino target's tables cannot do; use delete\+insert/,
        ),
      });
      return;
    }
    expect((await built(p, 'm')).result).toMatchObject({
      rows: 2,
      changes: { inserted: 2, updated: 0, deleted: 0 },
    });
    p.write({ 'models/m.sql': model(`select 2 as id, 'b' as v union all select 3, 'b'`) });
    const second = await built(p, 'm');
    // id 2 matched and updated to 'b', id 3 new, id 1 untouched.
    expect(second.result).toMatchObject({
      status: 'success',
      rows: 3,
      changes: { inserted: 1, updated: 1, deleted: 0 },
    });
    expect(await p.query(`select id, v from ${p.rel('m')} order by id`)).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
      { id: 3, v: 'b' },
    ]);
  });

  it('incremental_predicates narrow what delete+insert deletes and what merge matches', async () => {
    const model = (strategy: string) =>
      `{{ config(materialized='incremental', unique_key='id', incremental_strategy='${strategy}', incremental_predicates=['DBT_INTERNAL_DEST.id >= 2']) }}\n` +
      `${rows("{{ var('v') }}")}\n`;
    const p = engineFixture(engine, {
      'models/di.sql': model('delete+insert'),
      'models/mg.sql': model('merge'),
    });
    await p.build({ vars: { v: 'a' } });
    const events: RunEvent[] = [];
    const second = await p.build({ vars: { v: 'b' }, onEvent: (e) => events.push(e) });
    const changes = (name: string) => second.results.find((r) => r.name === name)!.changes;
    // delete+insert: only id 2 (id >= 2) is deleted; both new rows go in, so id 1 is there twice.
    expect(changes('di')).toEqual({ inserted: 2, updated: 0, deleted: 1 });
    expect(await p.query(`select id, v from ${p.rel('di')} order by id, v`)).toEqual([
      { id: 1, v: 'a' },
      { id: 1, v: 'b' },
      { id: 2, v: 'b' },
    ]);
    if (engine.hive) {
      expect(second.results.find((r) => r.name === 'mg')!.status).toBe('error');
      return;
    }
    // merge: id 1 fails the predicate, so it does not match and is inserted; id 2 is updated.
    expect(changes('mg')).toEqual({ inserted: 1, updated: 1, deleted: 0 });
    expect(await p.query(`select id, v from ${p.rel('mg')} order by id, v`)).toEqual([
      { id: 1, v: 'a' },
      { id: 1, v: 'b' },
      { id: 2, v: 'b' },
    ]);
  });

  it('refuses incremental_predicates on append and merge without a unique_key', async () => {
    const p = engineFixture(engine, {
      'models/ap.sql':
        "{{ config(materialized='incremental', incremental_predicates=['DBT_INTERNAL_DEST.id > 0']) }}\nselect 1 as id\n",
      'models/mg.sql':
        "{{ config(materialized='incremental', incremental_strategy='merge') }}\nselect 1 as id\n",
    });
    const report = await p.build();
    const message = (name: string) => report.results.find((r) => r.name === name)!.message;
    expect(message('ap')).toMatch(/incremental_predicates .*'append' deletes nothing/);
    expect(message('mg')).toMatch(/'merge' needs a unique_key/);
  });

  describe('on_schema_change', () => {
    const model = (mode: string, select: string) =>
      `{{ config(materialized='incremental', on_schema_change='${mode}') }}\n${select}\n`;

    it('ignore: a column the SELECT no longer yields is an error naming it and the fix', async () => {
      const p = engineFixture(engine, {
        'models/m.sql': model('ignore', "select 1 as id, 'x' as old_name"),
      });
      await p.build();
      p.write({ 'models/m.sql': model('ignore', "select 2 as id, 'y' as new_name") });
      const { result } = await built(p, 'm');
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/no longer yields column old_name of .*yields new_name/);
      expect(result.message).toMatch(/--full-refresh.*sync_all_columns/);
      expect(await p.query(`select id, old_name from ${p.rel('m')}`)).toEqual([
        { id: 1, old_name: 'x' },
      ]);
    });

    it('ignore: an added column is left out with a warning', async () => {
      const p = engineFixture(engine, { 'models/m.sql': model('ignore', 'select 1 as id') });
      await p.build();
      p.write({ 'models/m.sql': model('ignore', "select 2 as id, 'y' as extra") });
      const { result, warnings } = await built(p, 'm');
      expect(result).toMatchObject({ status: 'success', rows: 2 });
      expect(warnings).toEqual([
        expect.stringMatching(/^model m: the SELECT has new column extra .* not loaded/),
      ]);
      expect(await p.query(`select * from ${p.rel('m')} order by id`)).toEqual([
        { id: 1 },
        { id: 2 },
      ]);
    });

    it('fail: any difference is an error listing it', async () => {
      const p = engineFixture(engine, { 'models/m.sql': model('fail', 'select 1 as id') });
      await p.build();
      p.write({ 'models/m.sql': model('fail', "select 2 as id, 'y' as extra") });
      const { result } = await built(p, 'm');
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/on_schema_change is 'fail'.*\n\s+new in the SELECT: extra/);
    });

    it('append_new_columns adds new columns and keeps removed ones (NULL, with a warning)', async () => {
      const p = engineFixture(engine, {
        'models/m.sql': model('append_new_columns', "select 1 as id, 'x' as old_name"),
      });
      await p.build();
      p.write({
        'models/m.sql': model('append_new_columns', "select 2 as id, 'y' as new_name"),
      });
      const { result, warnings } = await built(p, 'm');
      expect(result).toMatchObject({ status: 'success', changes: { inserted: 1 } });
      expect(warnings).toEqual([expect.stringMatching(/old_name no longer in the SELECT/)]);
      expect(await p.query(`select id, old_name, new_name from ${p.rel('m')} order by id`)).toEqual(
        [
          { id: 1, old_name: 'x', new_name: null },
          { id: 2, old_name: null, new_name: 'y' },
        ],
      );
    });

    it('sync_all_columns adds, drops and retypes columns', async () => {
      const p = engineFixture(engine, {
        'models/m.sql': model(
          'sync_all_columns',
          "select 1 as id, 'x' as old_name, cast(1 as integer) as n",
        ),
      });
      await p.build();
      p.write({
        'models/m.sql': model(
          'sync_all_columns',
          "select 2 as id, 'y' as new_name, cast(5000000000 as bigint) as n",
        ),
      });
      const { result, warnings, infos } = await built(p, 'm');
      if (engine.hive) {
        // Refused before any column is added or dropped: Hive has no transactional DDL.
        expect(result.status).toBe('error');
        expect(result.message).toMatch(
          /sync_all_columns' would change column types of .*\(n integer -> bigint\), which this trino target's tables cannot do/,
        );
        expect(await p.query(`select id, old_name, n from ${p.rel('m')}`)).toEqual([
          { id: 1, old_name: 'x', n: 1 },
        ]);
        return;
      }
      expect(result.status).toBe('success');
      expect(warnings).toEqual([]);
      expect(infos).toContainEqual(
        expect.stringMatching(
          /^model m: .*"m": added new_name; dropped old_name; retyped n (INTEGER|integer) -> (BIGINT|bigint) \(on_schema_change 'sync_all_columns'\)$/,
        ),
      );
      expect(
        await p.query(
          `select id, cast(n as varchar(20)) as n, new_name from ${p.rel('m')} order by id`,
        ),
      ).toEqual([
        { id: 1, n: '1', new_name: null },
        { id: 2, n: '5000000000', new_name: 'y' },
      ]);
      expect(
        await p.query(
          `select column_name, lower(data_type) as type from information_schema.columns where table_schema = '${p.schema}' and table_name = 'm' order by ordinal_position`,
        ),
      ).toEqual([
        { column_name: 'id', type: 'integer' },
        { column_name: 'n', type: 'bigint' },
        { column_name: 'new_name', type: expect.stringMatching(/^(varchar|text)$/) },
      ]);
    });
  });

  describe('microbatch', () => {
    // Three events on three days; the model replaces whole days of them.
    const events = (rows: [number, string, string][]) =>
      `{{ config(materialized='table', event_time='ts') }}\n` +
      rows
        .map(
          ([id, ts, v]) =>
            `select ${id} as id, cast('${ts}' as timestamp(6)) as ts, cast('${v}' as varchar) as v`,
        )
        .join('\nunion all ')
        .concat('\n');
    const daily =
      "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='day', begin='2024-01-01') }}\n" +
      "select id, ts, v from {{ ref('events') }}\n";
    const at = (iso: string) => new Date(iso);
    const mb =
      "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='day', begin='2024-01-01') }}\n";

    it('builds from begin, reruns lookback windows, backfills a window, warns on an empty one', async () => {
      const p = engineFixture(engine, {
        'models/events.sql': events([
          [1, '2024-01-01 10:00:00', 'a'],
          [2, '2024-01-02 11:00:00', 'b'],
          [3, '2024-01-03 12:00:00', 'c'],
        ]),
        'models/daily.sql': daily,
      });
      const table = () =>
        p.query(`select id, cast(ts as varchar(30)) as ts, v from ${p.rel('daily')} order by id`);
      // First build at 2024-01-03 05:00: days 01, 02 and 03 (the day holding now).
      const first = await built(p, 'daily', { now: at('2024-01-03T05:00:00Z') });
      expect(first.result).toMatchObject({
        status: 'success',
        rows: 3,
        changes: { inserted: 3, updated: 0, deleted: 0, batches: 3 },
      });
      expect(first.infos.filter((m) => m.startsWith('model daily: batch'))).toEqual([
        'model daily: batch 1/3 2024-01-01: +1 -0',
        'model daily: batch 2/3 2024-01-02: +1 -0',
        'model daily: batch 3/3 2024-01-03: +1 -0',
      ]);
      // Upstream changes in every day: a -> a2 (day 1), b -> b2 (day 2), c gone and d new (day 3).
      p.write({
        'models/events.sql': events([
          [1, '2024-01-01 10:00:00', 'a2'],
          [2, '2024-01-02 11:00:00', 'b2'],
          [4, '2024-01-03 20:00:00', 'd'],
        ]),
      });
      // At 2024-01-03 22:00 with lookback 1: days 02 and 03 are replaced, day 01 is not.
      const second = await built(p, 'daily', { now: at('2024-01-03T22:00:00Z') });
      expect(second.result).toMatchObject({
        rows: 3,
        changes: { inserted: 2, updated: 0, deleted: 2, batches: 2 },
      });
      expect(await table()).toEqual([
        { id: 1, ts: expect.stringMatching(/^2024-01-01 10:00:00/), v: 'a' },
        { id: 2, ts: expect.stringMatching(/^2024-01-02 11:00:00/), v: 'b2' },
        { id: 4, ts: expect.stringMatching(/^2024-01-03 20:00:00/), v: 'd' },
      ]);
      // The compiled SQL of the last batch reads events filtered to day 03.
      expect(p.read('target/compiled/models/daily.sql')).toContain(
        `"ts" >= timestamp '2024-01-03 00:00:00' and "ts" < timestamp '2024-01-04 00:00:00'`,
      );
      // A backfill of day 01 alone replaces a with a2.
      const backfill = await built(p, 'daily', {
        eventTimeStart: at('2024-01-01T00:00:00Z'),
        eventTimeEnd: at('2024-01-02T00:00:00Z'),
      });
      expect(backfill.result.changes).toEqual({ inserted: 1, updated: 0, deleted: 1, batches: 1 });
      expect((await table()).map((r) => r.v)).toEqual(['a2', 'b2', 'd']);
      // A window holding no events changes nothing and says so.
      const empty = await built(p, 'daily', {
        eventTimeStart: at('2023-06-01T00:00:00Z'),
        eventTimeEnd: at('2023-06-03T00:00:00Z'),
      });
      expect(empty.result).toMatchObject({
        status: 'success',
        rows: 3,
        changes: { inserted: 0, deleted: 0, batches: 2 },
      });
      expect(empty.warnings).toEqual([
        expect.stringMatching(
          /^model daily: no rows in 2 batches from 2023-06-01 00:00:00 to 2023-06-03 00:00:00 .*the window is empty/,
        ),
      ]);
    });

    it('filters sources and seeds that declare event_time; model.batch gives the window', async () => {
      // Two events a day on 2024-01-01..03, in a source table, a seed, and an unfiltered model.
      const day = (d: number, h: number) => `2024-01-0${d} ${String(h).padStart(2, '0')}:00:00`;
      const all = [1, 2, 3].flatMap((d) => [day(d, 1), day(d, 23)]);
      const p = engineFixture(
        engine,
        {
          'seeds/seeded.csv': `ts\n${all.join('\n')}\n`,
          'seeds/seeded.yml':
            'seeds:\n  - name: seeded\n    config: {event_time: ts, column_types: {ts: "timestamp(6)"}}\n',
          'models/plain.sql': `{{ config(materialized='table') }}\n${all.map((t) => `select cast('${t}' as timestamp(6)) as ts`).join(' union all ')}\n`,
          'models/from_source.sql': `${mb}select ts from {{ source('raw', 'events') }}\n`,
          'models/from_seed.sql': `${mb}select ts from {{ ref('seeded') }} as s\n`,
          'models/from_vars.sql':
            `${mb}select ts from {{ ref('plain') }}\n` +
            "{% if model.batch %}where ts >= timestamp '{{ model.batch.event_time_start }}' and ts < timestamp '{{ model.batch.event_time_end }}'{% endif %}\n",
        },
        {
          'on-run-start': [
            `create table if not exists {{ target.schema }}.raw_events as ${all.map((t) => `select cast('${t}' as timestamp(6)) as ts`).join(' union all ')}`,
          ],
        },
      );
      p.write({
        'models/sources.yml': `sources:\n  - name: raw\n    schema: ${p.schema}\n    tables:\n      - name: events\n        identifier: raw_events\n        config: {event_time: ts}\n`,
      });
      // A backfill of 2024-01-02 alone: each model holds that day's two events, and nothing else.
      const report = await p.build({
        eventTimeStart: at('2024-01-02T00:00:00Z'),
        eventTimeEnd: at('2024-01-03T00:00:00Z'),
      });
      expect(report.results.filter((r) => r.status !== 'success' && r.status !== 'pass')).toEqual(
        [],
      );
      for (const name of ['from_source', 'from_seed', 'from_vars'])
        expect(
          await p.query(`select cast(ts as varchar(30)) as ts from ${p.rel(name)} order by ts`),
        ).toEqual([
          { ts: expect.stringMatching(/^2024-01-02 01:00:00/) },
          { ts: expect.stringMatching(/^2024-01-02 23:00:00/) },
        ]);
    });

    it('refuses a batch holding rows outside its window, committing the batches before it', async () => {
      // events declares no event_time: the model reads every day in every batch.
      const p = engineFixture(engine, {
        'models/events.sql': events([
          [1, '2024-01-01 10:00:00', 'a'],
          [2, '2024-01-02 11:00:00', 'b'],
        ]).replace(", event_time='ts'", ''),
        'models/daily.sql': daily,
      });
      const { result } = await built(p, 'daily', { now: at('2024-01-02T05:00:00Z') });
      expect(result.status).toBe('error');
      expect(result.message).toMatch(
        /batch 1\/2 2024-01-01 .* failed \(none committed\): .*returned 1 row whose ts is outside batch 2024-01-01/,
      );
    });
  });
}
