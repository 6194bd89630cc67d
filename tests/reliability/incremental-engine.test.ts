/**
 * Issue 11's defects in the incremental materialization, tried as an analyst meets them: a
 * renamed column wrote NULLs with status OK, an added column vanished silently, "N rows" counted
 * inserts only and never deletions, and microbatch windows that hold nothing or the wrong rows.
 * Each test is one row of docs/reliability.md ("Incremental materialization").
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/core/results.ts';
import { project, removeFixtures, type Fixture } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const incremental = (config: string, select: string) =>
  `{{ config(materialized='incremental'${config}) }}\n${select}\n`;

/** Build and collect the run's warnings and the model's result. */
async function build(p: Fixture, options: Parameters<Fixture['build']>[0] = {}) {
  const events: RunEvent[] = [];
  const report = await p.build({ ...options, onEvent: (e) => events.push(e) });
  return {
    result: report.results.find((r) => r.name === 'm')!,
    warnings: events.flatMap((e) => (e.type === 'log' && e.level === 'warn' ? [e.message] : [])),
  };
}

describe('incremental materialization', () => {
  it('[incremental-renamed-column-ignore] a column renamed in the SELECT is an error under ignore, not NULLs', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/m.sql': incremental('', "select 1 as id, 'web' as channel"),
    });
    await p.build();
    p.write({ 'models/m.sql': incremental('', "select 2 as id, 'web' as source_channel") });
    const { result } = await build(p);
    expect(result.status).toBe('error');
    expect(result.message).toBe(
      `models/m.sql: the model's SELECT no longer yields column channel of "main"."m" (it yields source_channel instead); ` +
        `on_schema_change 'ignore' (the default) would fill it with NULL. ` +
        `Rebuild the table with --full-refresh, or set on_schema_change: sync_all_columns (drops removed columns, adds new ones)`,
    );
    // Nothing was written: the table is as the first build left it.
    expect(await p.query('select id, channel from m')).toEqual([{ id: 1, channel: 'web' }]);
  });

  it('[incremental-added-column-ignore] a column added to the SELECT is a warning under ignore', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/m.sql': incremental('', 'select 1 as id'),
    });
    await p.build();
    p.write({ 'models/m.sql': incremental('', "select 2 as id, 'web' as channel") });
    const { result, warnings } = await build(p);
    expect(result).toMatchObject({ status: 'success', rows: 2 });
    expect(warnings).toEqual([
      `model m: the SELECT has new column channel that "main"."m" lacks: not loaded (on_schema_change 'ignore'); run with --full-refresh or set on_schema_change: append_new_columns`,
    ]);
  });

  it('[incremental-rows-reported] the run line, run_results.json and the JSON log give inserted, updated, deleted and the table size', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/m.sql': incremental(
        ", unique_key='id'",
        "select * from (values (1, 'a'), (2, 'a'), (3, 'a')) as t(id, v)\n{% if is_incremental() %} where id >= 2 {% endif %}",
      ),
    });
    await p.build();
    // delete+insert of ids 2 and 3: 2 deleted, 2 inserted, 3 rows in the table.
    const text = await p.cli(['build']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/OK +model m \(incremental\) \+2 ~0 -2, 3 rows/);
    const results = JSON.parse(p.read('target/run_results.json')).results;
    expect(results[0]).toMatchObject({
      rows_affected: 3,
      adapter_response: { rows_inserted: 2, rows_updated: 0, rows_deleted: 2 },
    });
    const json = await p.cli(['--log-format', 'json', 'build']);
    const finished = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((e) => e.type === 'node_finished');
    expect(finished.result).toMatchObject({
      rows: 3,
      changes: { inserted: 2, updated: 0, deleted: 2 },
    });
  });

  it('[microbatch-empty-window] a backfill window with no events changes nothing and warns', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/events.sql':
        "{{ config(event_time='ts') }}\nselect 1 as id, timestamp '2024-03-05 10:00:00' as ts\n",
      'models/m.sql': incremental(
        ", incremental_strategy='microbatch', event_time='ts', batch_size='month', begin='2024-01-01'",
        "select id, ts from {{ ref('events') }}",
      ),
    });
    const first = await build(p, { now: new Date('2024-03-10T00:00:00Z') });
    expect(first.result).toMatchObject({
      rows: 1,
      changes: { inserted: 1, deleted: 0, batches: 3 },
    });
    const { result, warnings } = await build(p, {
      eventTimeStart: new Date('2023-01-01T00:00:00Z'),
      eventTimeEnd: new Date('2023-03-01T00:00:00Z'),
    });
    expect(result).toMatchObject({
      status: 'success',
      rows: 1,
      changes: { inserted: 0, deleted: 0, batches: 2 },
    });
    expect(warnings).toEqual([
      'model m: no rows in 2 batches from 2023-01-01 00:00:00 to 2023-03-01 00:00:00 (ts, batch_size month): the window is empty; check begin, --event-time-start/--event-time-end and the upstream event_time columns',
    ]);
  });

  it('[event-time-window-flags] half a window, a window ending before it starts, or a non-date is refused', async () => {
    const p = project({ 'project.yml': 'name: x\n', 'models/m.sql': 'select 1 as id\n' });
    const half = await p.cli(['build', '--event-time-start', '2024-01-01']);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('--event-time-start and --event-time-end go together');
    const backwards = await p.cli([
      'run',
      '--event-time-start',
      '2024-02-01',
      '--event-time-end',
      '2024-01-01',
    ]);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain('must be after --event-time-start');
    const notADate = await p.cli(['build', '--event-time-start', 'yesterday']);
    expect(notADate.code).toBe(2);
    expect(notADate.stderr).toContain(
      "--event-time-start must be an ISO date or date and time, e.g. 2024-10-01 or 2024-10-01T06:00:00 (UTC), not 'yesterday'",
    );
    // A window with no microbatch model to use it is said to be unused.
    const unused = await p.cli([
      'build',
      '--event-time-start',
      '2024-01-01',
      '--event-time-end',
      '2024-01-02',
    ]);
    expect(unused.code).toBe(0);
    expect(unused.stdout).toContain(
      'warning: --event-time-start/--event-time-end apply to microbatch models',
    );
  });

  it('[microbatch-config-outside-microbatch] batch_size, lookback or begin on another strategy is refused', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/m.sql': incremental(", unique_key='id', batch_size='day'", 'select 1 as id'),
    });
    const { result } = await build(p);
    expect(result.status).toBe('error');
    expect(result.message).toContain(
      "batch_size configure microbatch models; this one's incremental_strategy is 'delete+insert'",
    );
  });

  it('[microbatch-config-on-table] batch_size, lookback or begin on a model that is not incremental is a project error', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/m.sql': "{{ config(materialized='table', lookback=2) }}\nselect 1 as id\n",
    });
    const r = await p.cli(['ls']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("lookback configure microbatch models; m is materialized 'table'");
    expect(r.stderr).toContain('models/m.sql:1');
  });
});
