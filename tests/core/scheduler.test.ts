import { afterAll, describe, expect, it } from 'vitest';
import type { NodeResult } from '../../src/api.ts';
import { Dag } from '../../src/graph/dag.ts';
import type { Graph, GraphNode } from '../../src/graph/resolve.ts';
import { chainLengths, schedule, type ScheduledResult } from '../../src/runner/scheduler.ts';
import { waitGraph } from '../../src/runner/waitGraph.ts';
import { spawnCli } from '../helpers/child.ts';
import { project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

describe('failures', () => {
  /*
   * bad ─> child ─> grandchild          good ─> good_child
   *    └────────────> mixed <─────────────┘
   */
  const files = {
    'project.yml': 'name: x\n',
    'models/bad.sql':
      "{{ config(materialized='table') }}\nselect no_such_column from (values (1)) t(id)\n",
    'models/child.sql': "select * from {{ ref('bad') }}\n",
    'models/grandchild.sql': "select * from {{ ref('child') }}\n",
    'models/good.sql': "{{ config(materialized='table') }}\nselect 1 as id\n",
    'models/good_child.sql': "select id + 1 as id from {{ ref('good') }}\n",
    'models/mixed.sql':
      "select * from {{ ref('good') }} union all select * from {{ ref('bad') }}\n",
  };

  it("skips a failed node's descendants with the reason, and still builds the independent branch", async () => {
    const p = project(files);
    const report = await p.build();
    expect(report.success).toBe(false);
    const byName = Object.fromEntries(report.results.map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual([
      'bad',
      'child',
      'good',
      'good_child',
      'grandchild',
      'mixed',
    ]);
    expect(byName.bad.status).toBe('error');
    for (const skipped of ['child', 'grandchild', 'mixed']) {
      expect(byName[skipped]).toMatchObject({
        status: 'skipped',
        message: 'skipped: upstream bad failed',
      });
    }
    expect(byName.good.status).toBe('success');
    expect(byName.good_child.status).toBe('success');
    expect(await p.query('select id from good_child')).toEqual([{ id: 2 }]);
    // Skipped models were never created.
    expect(
      await p.query(
        "select count(*)::int as n from information_schema.tables where table_name in ('child', 'grandchild', 'mixed')",
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('the CLI prints SKIP lines with the reason and exits 1', async () => {
    const p = project(files);
    const r = await p.cli(['run']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR +model bad \(table\) models\/bad\.sql:2: Binder Error/);
    // The three skips share their cause: one line names them all.
    expect(r.stdout).toMatch(/SKIP +3 nodes skipped: upstream bad failed: .*model grandchild/);
    expect(r.stdout).toMatch(/OK +model good_child \(view\)/);
    expect(r.stdout).toMatch(/Failed in [\d.]+s: 2 ok, 1 errored, 3 skipped/);
  });
});

describe('threads', () => {
  const heavy = (i: number) =>
    `{{ config(materialized='table') }}\nselect ${i} as part, count(*)::int as n, sum(range % 7)::bigint as s from range(4000000)\n`;
  const files = (threads: number) => {
    const models: Record<string, string> = {
      'project.yml': `name: x\ntargets:\n  dev:\n    type: duckdb\n    threads: ${threads}\n`,
      'models/all_parts.sql': `{{ config(materialized='table') }}\n${[1, 2, 3, 4, 5, 6].map((i) => `select part, n from {{ ref('part_${i}') }}`).join('\nunion all\n')}\n`,
    };
    for (let i = 1; i <= 6; i++) models[`models/part_${i}.sql`] = heavy(i);
    return models;
  };
  const parts = (results: NodeResult[]) => results.filter((r) => r.name.startsWith('part_'));
  // Two runs overlap when each started before the other completed (ISO timestamps sort as text).
  const overlapping = (rs: NodeResult[]) =>
    rs.some((a) =>
      rs.some((b) => a !== b && a.startedAt < b.completedAt && b.startedAt < a.completedAt),
    );

  it('builds independent models concurrently, without conflicts, twice over (create, then swap)', async () => {
    const p = project(files(4));
    for (let round = 0; round < 2; round++) {
      const report = await p.build();
      expect(report.results.map((r) => r.status)).toEqual(Array(7).fill('success'));
      expect(overlapping(parts(report.results))).toBe(true);
      for (const r of parts(report.results)) expect(r.seconds).toBeGreaterThan(0.002);
      // all_parts waits for every part.
      const last = report.results.find((r) => r.name === 'all_parts')!;
      for (const r of parts(report.results)) expect(r.completedAt <= last.startedAt).toBe(true);
    }
    expect(
      await p.query('select count(*)::int as parts, sum(n)::int as rows from all_parts'),
    ).toEqual([{ parts: 6, rows: 6 * 4_000_000 }]);
  });

  it('runs one node at a time with threads: 1 (and --threads overrides the target)', async () => {
    const p = project(files(1));
    const report = await p.build();
    const rs = parts(report.results);
    expect(overlapping(rs)).toBe(false);
    const parallel = await p.build({ threads: 3 });
    expect(overlapping(parts(parallel.results))).toBe(true);
  });

  it('on DuckDB loads seeds one at a time, while models run beside them', async () => {
    const seeds: Record<string, string> = {};
    for (let i = 1; i <= 4; i++)
      seeds[`seeds/seed_${i}.csv`] =
        `id,v\n${Array.from({ length: 20000 }, (_, k) => `${k},${k % 7}`).join('\n')}\n`;
    const p = project({ ...files(4), ...seeds });
    const report = await p.build();
    expect(report.results.every((r) => r.status === 'success')).toBe(true);
    const loads = report.results.filter((r) => r.kind === 'seed');
    expect(loads).toHaveLength(4);
    expect(overlapping(loads)).toBe(false);
    // The models were not held back with them.
    expect(overlapping([...loads, ...parts(report.results)])).toBe(true);
  });
});

describe('Ctrl-C', () => {
  it('interrupts the running statement, starts nothing new, keeps the previous table, exits 1', async () => {
    const p = project({
      'project.yml': 'name: x\ntargets:\n  dev: {type: duckdb, threads: 1}\n',
      // sum(range % 7) over 0..9 = 0+1+2+3+4+5+6+0+1+2 = 24
      'models/slow.sql':
        "{{ config(materialized='table') }}\nselect sum(range % 7)::bigint as s from range({{ var('n', 10) }})\n",
      'models/after_slow.sql': "select * from {{ ref('slow') }}\n",
    });
    await p.build();
    expect(await p.query('select s::int as s from slow')).toEqual([{ s: 24 }]);

    const started = Date.now();
    const child = spawnCli(['build', '--vars', '{n: 100000000000}'], p.dir);
    // Ctrl-C once the slow node has started, not after a guessed delay.
    await child.waitFor((e) => e.type === 'node_started' && e.name === 'slow', 'slow started');
    child.kill('SIGINT');
    const result = await child.exited;
    const seconds = (Date.now() - started) / 1000;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('interrupted (SIGINT): stopping running statements');
    const finished = result.events.flatMap((e) => (e.type === 'node_finished' ? [e.result] : []));
    finished.sort((a, b) => b.name.localeCompare(a.name));
    expect(finished).toEqual([
      expect.objectContaining({
        name: 'slow',
        status: 'error',
        message: expect.stringMatching(/^interrupted: .*\n.*Interrupted/),
      }),
      expect.objectContaining({
        name: 'after_slow',
        status: 'skipped',
        message: 'skipped: the run was interrupted',
      }),
    ]);
    expect(seconds).toBeLessThan(20);
    expect(await p.query('select s::int as s from slow')).toEqual([{ s: 24 }]);
  });
});

/** A hand-built graph: `test:x` nodes are data tests attached to their first parent. */
function dag(edges: Record<string, string[]>): Graph {
  return new Dag<GraphNode>(
    Object.entries(edges).map(
      ([id, dependsOn]) =>
        ({
          id,
          dependsOn,
          kind: id.startsWith('test:') ? 'test' : 'model',
          attachedTo: id.startsWith('test:') ? dependsOn[0] : undefined,
        }) as unknown as GraphNode,
    ),
  );
}

/**
 * Runs a schedule whose nodes finish when the test says so: `started` lists nodes in the order
 * they started, `finish` ends one (ok or failed), `settle` lets the scheduler react.
 */
function driven(
  graph: Graph,
  testGate: boolean,
  concurrency: number,
  byChains = false,
  exclusive?: (id: string) => string | undefined,
) {
  // In the order written, which is a topological one: the queue order is then known.
  const ids = graph.nodes().map((n) => n.id);
  const { waitsFor, guards } = waitGraph(graph, ids, testGate);
  const chains = chainLengths(waitsFor);
  const started: string[] = [];
  const pending = new Map<string, (outcome: 'ok' | 'failed') => void>();
  const done = schedule<string>({
    waitsFor,
    guards,
    concurrency,
    urgent: (id) => graph.get(id).kind === 'test',
    priority: byChains ? (id) => chains.get(id)! : undefined,
    exclusive,
    run: (id) =>
      new Promise((resolve) => {
        started.push(id);
        pending.set(id, (outcome) => resolve({ outcome, result: id }));
      }),
  });
  const settle = () => new Promise((r) => setTimeout(r, 5));
  return {
    waitsFor,
    started,
    done,
    async finish(id: string, outcome: 'ok' | 'failed' = 'ok') {
      expect(pending.has(id), `${id} is running`).toBe(true);
      pending.get(id)!(outcome);
      pending.delete(id);
      await settle();
    },
    settle,
  };
}

const byId = (rs: ScheduledResult<string>[]) => Object.fromEntries(rs.map((r) => [r.id, r]));

describe('test gating (hand-built graphs)', () => {
  /*
   * src ─> orders ─> totals ─> report          orders has test:orders_unique
   *                └─> audit <── slow           (audit also waits for slow)
   */
  const graph = () =>
    dag({
      src: [],
      slow: [],
      orders: ['src'],
      'test:orders_unique': ['orders'],
      totals: ['orders'],
      report: ['totals'],
      audit: ['orders', 'slow'],
    });

  it("by default downstream models wait for their model's tests; the test jumps the queue", async () => {
    const run = driven(graph(), true, 1);
    expect(run.waitsFor.get('totals')!.sort()).toEqual(['orders', 'test:orders_unique']);
    expect(run.waitsFor.get('test:orders_unique')).toEqual(['orders']);
    await run.settle();
    await run.finish('src');
    await run.finish('slow');
    await run.finish('orders');
    // One slot: the test runs first although totals and audit became ready at the same time.
    expect(run.started).toEqual(['src', 'slow', 'orders', 'test:orders_unique']);
    await run.finish('test:orders_unique');
    await run.finish(run.started[4]!);
    await run.finish(run.started[5]!);
    await run.finish('report');
    expect(run.started.slice(4).sort()).toEqual(['audit', 'report', 'totals']);
    expect(run.started.indexOf('report')).toBeGreaterThan(run.started.indexOf('totals'));
    expect((await run.done).every((r) => r.outcome === 'ok')).toBe(true);
  });

  it('with the gate off, downstream models start with the test; a late failure marks what ran and skips what had not started', async () => {
    const run = driven(graph(), false, 2);
    expect(run.waitsFor.get('totals')).toEqual(['orders']);
    await run.settle();
    await run.finish('src');
    await run.finish('orders');
    // slow still runs: audit cannot start; the test and totals share the other slot in turn.
    expect(run.started).toEqual(['src', 'slow', 'orders', 'test:orders_unique']);
    await run.finish('slow');
    // totals starts beside the test, before it has finished.
    expect(run.started.slice(4)).toEqual(['totals']);
    await run.finish('totals');
    expect(run.started.slice(5)).toEqual(['audit']);
    await run.finish('audit');
    expect(run.started.slice(6)).toEqual(['report']);
    // report is running when the test fails: it is marked, as are totals and audit, which ran.
    await run.finish('test:orders_unique', 'failed');
    await run.finish('report');
    const results = byId(await run.done);
    for (const id of ['totals', 'audit', 'report'])
      expect(results[id]).toMatchObject({ outcome: 'ok', unverifiedBy: 'test:orders_unique' });
    expect(results.orders!.unverifiedBy).toBeUndefined();
    expect(results.slow!.unverifiedBy).toBeUndefined();
  });

  it.each([
    ['on', true],
    ['off', false],
  ])(
    'gate %s: a test failing before anything downstream started skips it all, because of the test',
    async (_, gate) => {
      const run = driven(graph(), gate, 2);
      await run.settle();
      await run.finish('src');
      await run.finish('orders');
      expect(run.started).toEqual(['src', 'slow', 'orders', 'test:orders_unique']);
      // Both slots busy (slow, the test): nothing downstream has started when the test fails.
      await run.finish('test:orders_unique', 'failed');
      await run.finish('slow');
      const results = byId(await run.done);
      expect(run.started).toEqual(['src', 'slow', 'orders', 'test:orders_unique']);
      for (const id of ['totals', 'report', 'audit'])
        expect(results[id]).toMatchObject({
          outcome: 'skipped',
          skippedBecause: 'test:orders_unique',
        });
    },
  );

  it("a relationships test to another branch holds back only what is downstream of both (dbt's rule)", () => {
    // test:rel checks sessions against journeys; by_referrer reads sessions alone.
    const g = dag({
      sessions: [],
      journeys: ['sessions'],
      'test:rel': ['sessions', 'journeys'],
      by_referrer: ['sessions'],
      before_purchase: ['journeys'],
    });
    const { waitsFor } = waitGraph(g, g.topoOrder(), true);
    expect(waitsFor.get('by_referrer')).toEqual(['sessions']);
    expect(waitsFor.get('before_purchase')!.sort()).toEqual(['journeys', 'test:rel']);
    expect(waitGraph(g, g.topoOrder(), false).guards.get('test:rel')).toEqual(['before_purchase']);
  });

  it('nothing waits for a test of severity warn, which cannot skip it', () => {
    const g = dag({ orders: [], 'test:orders_warn': ['orders'], totals: ['orders'] });
    (g.get('test:orders_warn') as { config?: object }).config = { severity: 'warn' };
    expect(waitGraph(g, g.topoOrder(), true).waitsFor.get('totals')).toEqual(['orders']);
    (g.get('test:orders_warn') as { config?: object }).config = { severity: 'error' };
    expect(waitGraph(g, g.topoOrder(), true).waitsFor.get('totals')!.sort()).toEqual([
      'orders',
      'test:orders_warn',
    ]);
  });

  it('a relationships test reading a downstream model guards neither that model nor what it reads', () => {
    // test:rel checks orders against totals: it reads totals, so it cannot guard it.
    const g = dag({
      orders: [],
      totals: ['orders'],
      'test:rel': ['orders', 'totals'],
      report: ['totals'],
    });
    const gated = waitGraph(g, g.topoOrder(), true);
    expect(gated.waitsFor.get('totals')).toEqual(['orders']);
    expect(gated.waitsFor.get('test:rel')!.sort()).toEqual(['orders', 'totals']);
    const open = waitGraph(g, g.topoOrder(), false);
    expect(open.guards.get('test:rel')).toEqual(['report']);
  });
});

describe('queue order by chain length', () => {
  /*
   * check_a   check_b          (nothing waits for them)
   * load ─> stage ─> report    (a chain of 3)
   */
  const graph = () =>
    dag({ check_a: [], check_b: [], load: [], stage: ['load'], report: ['stage'] });

  it('counts the nodes on the longest chain of waits each node starts', () => {
    const ids = graph()
      .nodes()
      .map((n) => n.id);
    const chains = chainLengths(waitGraph(graph(), ids).waitsFor);
    expect(Object.fromEntries(chains)).toEqual({
      check_a: 1,
      check_b: 1,
      load: 3,
      stage: 2,
      report: 1,
    });
  });

  it('counts a chain through a fan-in by its longest branch, and survives a wait cycle', () => {
    const waitsFor = new Map([
      ['a', []],
      ['b', ['a']],
      ['c', ['a']],
      ['d', ['b', 'c']],
      ['e', ['d']],
      ['x', ['y']],
      ['y', ['x']],
    ]);
    const chains = chainLengths(waitsFor);
    expect([chains.get('a'), chains.get('b'), chains.get('d'), chains.get('e')]).toEqual([
      4, 3, 2, 1,
    ]);
    expect(chains.get('x')! + chains.get('y')!).toBeGreaterThan(0);
  });

  it('with one slot, starts the head of the longest chain first, and its next node before the rest', async () => {
    const run = driven(graph(), true, 1, true);
    await run.settle();
    expect(run.started).toEqual(['load']);
    await run.finish('load');
    // stage (a chain of 2) goes ahead of the two checks, which were ready first.
    expect(run.started).toEqual(['load', 'stage']);
    await run.finish('stage');
    // report ties with the checks (chains of 1): they keep the order they became ready in.
    await run.finish('check_a');
    await run.finish('check_b');
    await run.finish('report');
    expect(run.started).toEqual(['load', 'stage', 'check_a', 'check_b', 'report']);
    expect((await run.done).every((r) => r.outcome === 'ok')).toBe(true);
  });

  it('runs the nodes of one exclusive group one at a time, giving the free slot to others', async () => {
    // seed_a, seed_b and seed_c are one group; load and stage are not in it.
    const g = dag({ seed_a: [], seed_b: [], seed_c: [], load: [], stage: ['load'] });
    const run = driven(g, true, 2, false, (id) => (id.startsWith('seed') ? 'seeds' : undefined));
    await run.settle();
    // seed_b and seed_c wait behind seed_a; load takes the second slot.
    expect(run.started).toEqual(['seed_a', 'load']);
    await run.finish('load');
    expect(run.started).toEqual(['seed_a', 'load', 'stage']);
    await run.finish('seed_a');
    expect(run.started).toEqual(['seed_a', 'load', 'stage', 'seed_b']);
    await run.finish('stage');
    // A free slot, but seed_c still waits for seed_b.
    expect(run.started).toEqual(['seed_a', 'load', 'stage', 'seed_b']);
    await run.finish('seed_b');
    await run.finish('seed_c');
    expect(run.started).toEqual(['seed_a', 'load', 'stage', 'seed_b', 'seed_c']);
    expect((await run.done).every((r) => r.outcome === 'ok')).toBe(true);
  });

  it('without priorities, keeps the order nodes became ready in', async () => {
    const run = driven(graph(), true, 1);
    await run.settle();
    expect(run.started).toEqual(['check_a']);
  });
});
