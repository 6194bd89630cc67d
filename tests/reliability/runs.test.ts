/**
 * Reliability of runs: signals, kill -9, artifacts under faults, the database lock, and
 * selections that match nothing. Each test is one row of docs/reliability.md ("Runs, signals,
 * artifacts and selection").
 */
import { existsSync, readdirSync, symlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/api.ts';
import { spawnCli, started, type Exited } from '../helpers/child.ts';
import { project, removeFixtures, type Fixture } from '../helpers/fixture.ts';

afterAll(removeFixtures);

type Finished = Extract<RunEvent, { type: 'node_finished' }>;
const finishedEvents = (r: Exited) =>
  r.events.filter((e): e is Finished => e.type === 'node_finished');
const byName = (r: Exited) =>
  Object.fromEntries(finishedEvents(r).map((e) => [e.result.name, e.result]));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- artifacts are checked field by field
const runResults = (p: Fixture): Record<string, any> =>
  JSON.parse(p.read('target/run_results.json'));

/**
 * Two slow tables that run at once (threads: 2), a view on one of them and an independent
 * model. `n` rows: 10 builds in no time (sum of range % 7 over 0..9 = 24); 10^11 runs until
 * interrupted.
 */
function slowProject(): Fixture {
  const slow = (k: number) =>
    `{{ config(materialized='table') }}\nselect ${k} as k, sum(range % 7)::bigint as s from range({{ var('n', 10) }})\n`;
  return project({
    'project.yml': 'name: x\ntargets:\n  dev: {type: duckdb, threads: 2}\n',
    'models/slow_a.sql': slow(1),
    'models/slow_b.sql': slow(2),
    'models/after_a.sql': "select * from {{ ref('slow_a') }}\n",
    'models/z_later.sql': "{{ config(materialized='table') }}\nselect 1 as one\n",
  });
}
const HUGE = ['--vars', '{n: 100000000000}'];

/** Starts a build that runs until stopped, and waits until both slow tables are being built. */
async function slowBuild(p: Fixture) {
  const child = spawnCli(['build', ...HUGE], p.dir);
  await child.waitFor(started('slow_a'), 'slow_a started');
  await child.waitFor(started('slow_b'), 'slow_b started');
  return child;
}

describe('signals and kill -9', () => {
  it('[sigint-records-running-node-once] Ctrl-C while two nodes run records each node once, interrupted, and skips the rest because of the interrupt', async () => {
    const p = slowProject();
    expect((await p.build()).success).toBe(true);
    const child = await slowBuild(p);
    child.kill('SIGINT');
    const r = await child.exited;
    expect(r.code).toBe(1);
    const finished = finishedEvents(r);
    const total = (r.events[0] as Extract<RunEvent, { type: 'run_started' }>).total;
    expect(total).toBe(4);
    expect(finished.map((e) => [e.index, e.total])).toEqual([1, 2, 3, 4].map((k) => [k, total]));
    expect(finished.map((e) => e.result.name).sort()).toEqual([
      'after_a',
      'slow_a',
      'slow_b',
      'z_later',
    ]);
    const results = byName(r);
    for (const name of ['slow_a', 'slow_b'])
      expect(results[name]).toMatchObject({
        status: 'error',
        message: expect.stringMatching(/^interrupted: the run was stopped while this node ran/),
      });
    for (const name of ['after_a', 'z_later'])
      expect(results[name]).toMatchObject({
        status: 'skipped',
        message: 'skipped: the run was interrupted',
      });
    expect(await p.query('select k, s::int as s from slow_a')).toEqual([{ k: 1, s: 24 }]);
  });

  it('[sigterm-like-sigint] SIGTERM stops a run as Ctrl-C does: statements interrupted, tables kept, run_results says interrupted, exit 1', async () => {
    const p = slowProject();
    await p.build();
    const child = await slowBuild(p);
    child.kill('SIGTERM');
    const r = await child.exited;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('interrupted (SIGTERM)');
    expect(runResults(p)).toMatchObject({ status: 'interrupted', success: false });
    expect(await p.query('select k, s::int as s from slow_b')).toEqual([{ k: 2, s: 24 }]);
  });

  it('[kill9-run-results-not-stale] after kill -9 mid-run, run_results.json says the run is running and not successful, not the previous run’s success', async () => {
    const p = slowProject();
    await p.build();
    const before = runResults(p);
    expect(before).toMatchObject({ status: 'finished', success: true });
    const child = await slowBuild(p);
    child.kill('SIGKILL');
    await child.exited;
    const after = runResults(p);
    expect(after.metadata.invocation_id).not.toBe(before.metadata.invocation_id);
    expect(after).toMatchObject({ status: 'running', success: false, command: 'build' });
    expect(after.metadata.pid).toBe(child.pid);
  });

  it('[kill9-tables-old-or-new] kill -9 at three points of a build leaves every table wholly old or wholly new', async () => {
    // t1 -> t2 -> t3, one at a time; each table holds N rows of one version `v`.
    const N = 1_000_000;
    const table = (from: string) =>
      `{{ config(materialized='table') }}\nselect {{ var('v') }} as v, i, md5(i::varchar) as h from ${from}\n`;
    const p = project({
      'project.yml': 'name: x\ntargets:\n  dev: {type: duckdb, threads: 1}\n',
      'models/t1.sql': table(`(select range as i from range(${N}))`),
      'models/t2.sql': table("{{ ref('t1') }}"),
      'models/t3.sql': table("{{ ref('t2') }}"),
    });
    expect((await p.build({ vars: { v: 0 } })).success).toBe(true);
    const versions = async () =>
      Object.fromEntries(
        await Promise.all(
          ['t1', 't2', 't3'].map(async (t) => {
            const [row] = await p.query(
              `select count(*)::int as n, sum(i)::bigint::varchar as total, min(v) as lo, max(v) as hi from ${t}`,
            );
            // Wholly one version: every row there (0 + 1 + … + N-1), every row of the same version.
            expect(row, t).toMatchObject({ n: N, total: String((N * (N - 1)) / 2) });
            expect(row.lo, t).toBe(row.hi);
            return [t, row.lo];
          }),
        ),
      );
    for (const [k, name] of [
      [1, 't1'],
      [2, 't2'],
      [3, 't3'],
    ] as const) {
      const child = spawnCli(['build', '--vars', `{v: ${k}}`], p.dir);
      await child.waitFor(started(name), `${name} started`);
      // Into the middle of the CREATE TABLE AS, not before it.
      await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');
      const v = await versions();
      // Tables finished before the kill are new; those after it were never started.
      for (let j = 1; j < k; j++) expect(v[`t${j}`]).toBe(k);
      for (let j = k + 1; j <= 3; j++) expect(v[`t${j}`]).not.toBe(k);
    }
  });

  it('[duckdb-lock-names-pid] a second process opening the database a run holds gets an error naming the PID that holds it; a second build records that it errored', async () => {
    const p = slowProject();
    await p.build();
    const child = await slowBuild(p);
    const [query, build] = [await p.cli(['query', 'select 1 as one']), await p.cli(['build'])];
    const record = runResults(p);
    child.kill('SIGINT');
    await child.exited;
    for (const second of [query, build]) {
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/Could not set lock on file/);
      expect(second.stderr).toContain(`(PID ${child.pid})`);
    }
    // Not `running` forever: the second build says it stopped on an error.
    expect(record).toMatchObject({ status: 'errored', success: false });
    expect(record.metadata.pid).not.toBe(child.pid);
  });
});

describe('artifacts', () => {
  const files = {
    'project.yml': 'name: x\n',
    'models/m.sql': "{{ config(materialized='table') }}\nselect 1 as id\n",
  };

  it('[run-results-running-record] while a run is in progress, run_results.json already says running (written before the first node)', async () => {
    const p = project(files);
    const seen: unknown[] = [];
    const report = await p.build({
      onEvent: (e) => {
        if (e.type === 'node_started') seen.push(runResults(p));
      },
    });
    expect(seen).toEqual([
      expect.objectContaining({
        status: 'running',
        success: false,
        metadata: expect.objectContaining({ invocation_id: report.invocationId }),
      }),
    ]);
    expect(runResults(p)).toMatchObject({ status: 'finished', success: true });
    // Written by rename: no temp file is left behind.
    expect(readdirSync(p.path('target')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('[artifacts-enospc] when the disk fills up during a run, no artifact is left stale or empty: run_results.json and manifest.json are removed, and the run fails saying why', async () => {
    const p = project(files);
    expect((await p.build()).success).toBe(true);
    expect(runResults(p)).toMatchObject({ status: 'finished', success: true });
    const logs: string[] = [];
    const report = await p.build({
      onEvent: (e) => {
        if (e.type === 'log') logs.push(`${e.level}: ${e.message}`);
        // The disk fills up while the node runs: the temp files the artifacts are written to
        // before their rename now hit a full disk (/dev/full answers every write with ENOSPC).
        if (e.type === 'node_started')
          for (const name of ['run_results.json', 'manifest.json'])
            symlinkSync('/dev/full', p.path(`target/${name}.${process.pid}.tmp`));
      },
    });
    expect(report.success).toBe(false);
    expect(logs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^error: could not write .*run_results\.json: .*ENOSPC/),
        expect.stringMatching(/^error: could not write .*manifest\.json: .*ENOSPC/),
      ]),
    );
    // Neither the previous run's record (which said success) nor a 0-byte file is left.
    expect(existsSync(p.path('target/run_results.json'))).toBe(false);
    expect(existsSync(p.path('target/manifest.json'))).toBe(false);
    // The table itself was built: only the record of the run is missing, and that is said.
    expect(report.results.map((r) => r.status)).toEqual(['success']);
  });
});

describe('selections that match nothing', () => {
  const files = {
    'project.yml': 'name: x\n',
    'seeds/raw_orders.csv': 'id,amount\n1,10\n',
    'models/stg_orders.sql': "select * from {{ ref('raw_orders') }}\n",
    'models/fct_daily.sql':
      "{{ config(materialized='table', tags=['daily']) }}\nselect count(*)::int as n from {{ ref('stg_orders') }}\n",
  };
  let p: Fixture;
  const fixture = () => (p ??= project(files));

  it('[select-unknown-name] --select naming a node that does not exist exits 2 with "did you mean", building nothing', async () => {
    const r = await fixture().cli(['build', '--select', 'stg_ordrs']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "error: --select 'stg_ordrs' matches no node (did you mean 'stg_orders'?)",
    );
    expect(fixture().exists('target/run_results.json')).toBe(false);
  });

  it('[exclude-unknown-name] --exclude naming a node that does not exist exits 2 rather than building what was meant to be left out', async () => {
    const r = await fixture().cli(['run', '--exclude', 'fct_dayly']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "error: --exclude 'fct_dayly' matches no node (did you mean 'fct_daily'?)",
    );
  });

  it('[select-unknown-path] a path: selector naming no file of the project exits 2', async () => {
    const r = await fixture().cli(['ls', '--select', 'path:models/stagin']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: --select 'path:models/stagin' matches no node");
    expect(r.stdout).toBe('');
  });

  it('[select-tag-matches-nothing] a tag: selector that matches nothing warns with "did you mean" and exits 0 with nothing to do', async () => {
    const r = await fixture().cli(['build', '--select', 'tag:dayly']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "warning: --select 'tag:dayly' matches no node (did you mean 'tag:daily'?)",
    );
    expect(r.stdout).toContain('nothing to do: the selection matches no node');
  });

  it('[select-wrong-kind-for-command] a selection of nodes the command does not run warns that there is nothing to do', async () => {
    const r = await fixture().cli(['seed', '--select', 'fct_daily']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'nothing to do: the selection matches 1 node, none of which seed runs',
    );
  });
});
