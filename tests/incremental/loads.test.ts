/**
 * The webshop's loads of its export, built through duckflow's API on DuckDB: a build that fails
 * part-way and is run again gives the tables of a build that never failed; an empty export stops
 * a full build and changes nothing in an incremental one; a record that conflicts with an event
 * of an earlier load is rejected with its line. Each scenario builds in a schema of its own in
 * one DuckDB file, and is compared with `clean` (the first export, then the second) by EXCEPT
 * ALL both ways.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, openSession, query, type RunOptions } from '../../src/api.ts';
import { copyProject, type ProjectCopy } from '../webshop/project-copy.ts';
import { exceptAll } from './two-targets.ts';

/** Models that hold the last export only, not what the loads made of it. */
const PER_EXPORT = new Set(['stg_events_parsed', 'stg_events_duplicate_ids']);
const SCENARIOS = [
  'clean',
  'fails_at_stg_events',
  'fails_at_stg_events_rejected',
  'fails_at_sessions',
  'fails_at_metric_daily_sessions',
  'moves_on',
  'rerun',
  'empty',
  'empty_full',
];
/** A pre_hook of every model: a cast that fails at run time in the model named by var('fail_at'). */
const FAIL_AT = `{% if var('fail_at', '') == this.identifier %}select cast('injected failure' as integer){% endif %}`;

const event = (id: number, customer: number, ts: string, page = `/products/${id}`) =>
  JSON.stringify({
    id,
    type: 'page_view',
    event: {
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0',
      ip: '10.0.0.1',
      'customer-id': customer,
      timestamp: ts,
      page: `https://xcc-webshop.com${page}`,
    },
  });

const FIRST = [
  event(1, 1, '2024-03-10T10:00:00'),
  event(2, 1, '2024-03-10T10:20:00'),
  event(3, 2, '2024-03-10T11:00:00'),
  event(4, 1, '2024-03-10T11:30:00'),
];
/** Event 2 with another page than was loaded: rejected, with this exact text. */
const CONFLICTING = event(2, 1, '2024-03-10T10:20:00', '/products/other');
const SECOND = [
  // bridges the sessions of events 2 and 4
  event(5, 1, '2024-03-10T10:50:00'),
  // an unchanged repeat of a loaded event
  FIRST[2],
  CONFLICTING,
  '{"id": 6, "type": "page_view"',
  '',
  event(7, 3, '2024-03-10T12:00:00'),
];

type Options = Pick<RunOptions, 'fullRefresh'> & { failAt?: string };

describe('webshop event loads', () => {
  let project: ProjectCopy;
  let memory: string;
  let compared: string[];
  const logs: string[] = [];
  const file = (name: string, lines: string[]) => {
    const path = join(project.dir, name);
    writeFileSync(path, lines.length ? `${lines.join('\n')}\n` : '');
    return path;
  };
  let first: string;
  let second: string;
  let empty: string;

  /** A build of `target` on the export `events`, failing at the model `failAt` if given. */
  const run = (target: string, events: string, { failAt, ...options }: Options = {}) =>
    build({
      ...options,
      projectDir: project.dir,
      target,
      exclude: ['resource_type:unit_test'],
      vars: { events_path: events, ...(failAt ? { fail_at: failAt } : {}) },
      log: (m) => logs.push(m),
    });
  const ok = async (target: string, events: string, options: Options = {}) => {
    const report = await run(target, events, options);
    const failed = report.results.filter((r) => r.status === 'error' || r.status === 'fail');
    expect(failed.map((r) => `${r.name}: ${r.message}`)).toEqual([]);
    return report;
  };
  const rows = async (sql: string) =>
    (await query(sql, { projectDir: project.dir, target: 'clean' })).rows;
  /** Rows of every compared model found in one schema and not the other. */
  const differences = async (a: string, b: string) => {
    const counts = await rows(
      compared
        .map(
          (r) =>
            `select '${r}' as relation, (select count(*) from (${exceptAll(r, a, b)}) as d)::integer + (select count(*) from (${exceptAll(r, b, a)}) as d)::integer as differing`,
        )
        .join(' union all '),
    );
    return counts.filter((c) => c.differing !== 0).map((c) => String(c.relation));
  };

  beforeAll(async () => {
    project = copyProject({ withCommittedEvents: false });
    memory = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : project.dir, 'duckflow-'));
    first = file('first.ndjson', FIRST);
    second = file('second.ndjson', SECOND);
    empty = file('empty.ndjson', []);
    const path = join(memory, 'loads.duckdb');
    writeFileSync(
      join(project.dir, 'project.yml'),
      stringify({
        name: 'webshop',
        vars: {
          session_gap_minutes: 30,
          purchase_event_types: ['PLACED_ORDER'],
          events_path: first,
          // this little export rejects 2 of its 9 records on purpose
          max_rejected_share: 1,
        },
        'test-paths': ['tests/data'],
        models: { pre_hook: FAIL_AT },
        target: 'clean',
        targets: Object.fromEntries(
          SCENARIOS.map((s) => [s, { type: 'duckdb', path, schema: s, threads: 2 }]),
        ),
      }),
    );
    const { project: loaded } = openSession({ projectDir: project.dir });
    compared = [...loaded.models.values()]
      .map((m) => m.name)
      .filter((name) => !PER_EXPORT.has(name))
      .sort();
    await ok('clean', first, { fullRefresh: true });
    await ok('clean', second);
  }, 120_000);
  afterAll(() => {
    project?.remove();
    if (memory) rmSync(memory, { recursive: true, force: true });
  });

  it.each(['stg_events', 'stg_events_rejected', 'sessions', 'metric_daily_sessions'])(
    'a build that fails at %s, run again, gives the tables of a build that never failed',
    async (model) => {
      const target = `fails_at_${model}`;
      await ok(target, first, { fullRefresh: true });
      const failed = await run(target, second, { failAt: model });
      expect(failed.success).toBe(false);
      expect(failed.results.find((r) => r.name === model)?.message).toMatch(/injected failure/);
      await ok(target, second);
      expect(await differences('clean', target)).toEqual([]);
    },
    120_000,
  );

  it('another export after a failed build is a new load, and the unfinished one fails the reconciliation', async () => {
    await ok('moves_on', first, { fullRefresh: true });
    expect((await run('moves_on', second, { failAt: 'stg_events' })).success).toBe(false);
    const third = file('third.ndjson', [event(8, 4, '2024-03-10T13:00:00')]);
    const report = await run('moves_on', third);
    expect(
      report.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.name),
    ).toEqual(['expression_is_true_stg_events_reconciliation']);
    // The second export's 5 records are neither staged nor rejected.
    expect(
      await rows(
        `select raw_record_count::integer as records, (staged_record_count + rejected_record_count)::integer as accounted from moves_on.stg_events_reconciliation`,
      ),
    ).toEqual([{ records: 10, accounted: 5 }]);
  }, 120_000);

  it('a build on the export of the last load again changes nothing', async () => {
    await ok('rerun', first, { fullRefresh: true });
    await ok('rerun', second);
    await ok('rerun', second);
    expect(await differences('clean', 'rerun')).toEqual([]);
    expect(
      await rows(
        `select load_number::integer as n, lines_before::integer as before, line_count::integer as lines from rerun.stg_event_loads order by 1`,
      ),
    ).toEqual([
      { n: 1, before: 0, lines: 4 },
      { n: 2, before: 4, lines: 6 },
    ]);
    // The fingerprint is of each line's number and text: one byte changed (a space after the
    // invalid line), or two lines swapped, is another export and a new load.
    const invalid = SECOND.indexOf('{"id": 6, "type": "page_view"');
    const changed = SECOND.map((l, i) => (i === invalid ? `${l} ` : l));
    await ok('rerun', file('changed.ndjson', changed));
    await ok('rerun', file('swapped.ndjson', [changed[1], changed[0], ...changed.slice(2)]));
    expect(
      await rows(
        `select load_number::integer as n, lines_before::integer as before, count(distinct export_fingerprint) over ()::integer as fingerprints from rerun.stg_event_loads order by 1`,
      ),
    ).toEqual([
      { n: 1, before: 0, fingerprints: 4 },
      { n: 2, before: 4, fingerprints: 4 },
      { n: 3, before: 10, fingerprints: 4 },
      { n: 4, before: 16, fingerprints: 4 },
    ]);
  }, 120_000);

  it('an incremental build on an empty export warns and changes no table', async () => {
    await ok('empty', first, { fullRefresh: true });
    await ok('empty', second);
    logs.length = 0;
    const report = await ok('empty', empty);
    expect(report.success).toBe(true);
    expect(logs.filter((m) => m.includes('0 new events in'))).toEqual([
      expect.stringContaining(`0 new events in ${empty}: every table stays as it was`),
    ]);
    expect(await differences('clean', 'empty')).toEqual([]);
  }, 120_000);

  it('a full build on an empty export stops the build', async () => {
    const report = await run('empty_full', empty, { fullRefresh: true });
    expect(report.success).toBe(false);
    const loads = report.results.find((r) => r.name === 'stg_event_loads');
    expect(loads?.status).toBe('error');
    expect(loads?.message).toContain(
      `0 events in ${empty}: a full build needs an export with events`,
    );
    expect(report.results.find((r) => r.name === 'sessions')?.status).toBe('skipped');
  }, 120_000);

  it('a record conflicting with an event of an earlier load is rejected with its exact line', async () => {
    expect(
      await rows(
        `select record_number::integer as n, event_id::integer as id, rejection_reason, raw from clean.stg_events_rejected order by 1`,
      ),
    ).toEqual([
      {
        n: 7,
        id: 2,
        rejection_reason: 'conflicts_with_loaded_event',
        raw: CONFLICTING,
      },
      { n: 8, id: null, rejection_reason: 'invalid_json', raw: SECOND[3] },
    ]);
  });
});
