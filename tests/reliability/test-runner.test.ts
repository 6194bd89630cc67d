/**
 * Reliability cases for the test runner and the rendering cache (issue 13): each test is one
 * case of docs/reliability.md's "Test runner and parse cache" section.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { project, removeFixtures, type Fixture } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const CACHE = 'target/partial_parse.json';
type Rendered = { calls: unknown[]; sql: string };
type CacheFile = { entries: Record<string, unknown> };

/**
 * Rewrites every cached rendering whose SQL contains `find`: the cache is data, so this shows
 * whether a compile served it (the marker appears) or rendered afresh.
 */
function tamper(p: Fixture, find: string, replace: string): void {
  const cache = JSON.parse(p.read(CACHE)) as CacheFile;
  let changed = 0;
  for (const [key, value] of Object.entries(cache.entries)) {
    if (!key.startsWith('render:')) continue;
    for (const r of value as Rendered[])
      if (r.sql.includes(find)) {
        r.sql = r.sql.replace(find, replace);
        changed++;
      }
  }
  expect(changed, `a cached rendering containing ${find}`).toBeGreaterThan(0);
  p.write({ [CACHE]: JSON.stringify(cache) });
}

const compiledSql = (p: Fixture, name: string) =>
  p.compile({ select: [name] }).compiled.find((c) => c.node.name === name)!.sql;

describe('the rendering cache never serves stale SQL', () => {
  const files = {
    'project.yml': 'name: shop\n',
    'macros/money.sql': '{% macro cents(col) %}({{ col }} * 100){% endmacro %}\n',
    'models/orders.sql': 'select 1 as id, 10 as amount\n',
    'models/totals.sql':
      "select id, {{ cents('amount') }} as amount_cents, '{{ env_var('SHOP_REGION', 'eu') }}' as region\nfrom {{ ref('orders') }}\n",
  };

  it('[render-cache-macro-change] a warm compile after a macro changes renders the new macro, not the cached SQL', () => {
    const p = project(files);
    expect(compiledSql(p, 'totals')).toBe(
      'select id, (amount * 100) as amount_cents, \'eu\' as region\nfrom "main"."orders"',
    );
    // The cache is live: a marked rendering is what an unchanged project compiles to.
    tamper(p, '(amount * 100)', '(amount * 100 /* from the cache */)');
    expect(compiledSql(p, 'totals')).toContain('/* from the cache */');

    p.write({ 'macros/money.sql': '{% macro cents(col) %}round({{ col }} * 100){% endmacro %}\n' });
    expect(compiledSql(p, 'totals')).toBe(
      'select id, round(amount * 100) as amount_cents, \'eu\' as region\nfrom "main"."orders"',
    );
  });

  it('[render-cache-context-change] a changed env_var, a renamed upstream relation or a changed var re-renders the model', () => {
    const p = project({
      ...files,
      'models/flagged.sql': "select {{ var('flag', 0) }} as flag\n",
    });
    compiledSql(p, 'totals');
    compiledSql(p, 'flagged');
    tamper(p, "'eu'", "'eu' /* from the cache */");
    tamper(p, 'select 0 as flag', 'select 0 /* from the cache */ as flag');
    const previous = process.env.SHOP_REGION;
    process.env.SHOP_REGION = 'us';
    try {
      expect(compiledSql(p, 'totals')).toBe(
        'select id, (amount * 100) as amount_cents, \'us\' as region\nfrom "main"."orders"',
      );
    } finally {
      if (previous === undefined) delete process.env.SHOP_REGION;
      else process.env.SHOP_REGION = previous;
    }
    // The upstream model now builds under another name: ref() answers differently.
    p.write({
      'models/schema.yml': 'models:\n  - name: orders\n    config:\n      alias: order_lines\n',
    });
    expect(compiledSql(p, 'totals')).toBe(
      'select id, (amount * 100) as amount_cents, \'eu\' as region\nfrom "main"."order_lines"',
    );
    expect(
      p.compile({ vars: '{flag: 1}' }).compiled.find((c) => c.node.name === 'flagged')!.sql,
    ).toBe('select 1 as flag');
  });
});

describe('the test gate', () => {
  // The test takes a second or more (a 60M-row scan), its downstream models milliseconds: with
  // the gate off they are built while it runs, and it fails after them. Gated runs need no wait.
  const files = {
    'project.yml': 'name: shop\ntargets:\n  dev: {type: duckdb, threads: 2}\n',
    'models/orders.sql':
      "{{ config(materialized='table') }}\nselect * from (values (1), (1), (2)) t(id)\n",
    'models/totals.sql':
      "{{ config(materialized='table') }}\nselect count(*)::int as n from {{ ref('orders') }}\n",
    'models/report.sql': "select n * 2 as doubled from {{ ref('totals') }}\n",
    'tests/orders_slow_check.sql':
      "select id from {{ ref('orders') }}\nwhere id = 1 and (select sum(hash(range)) from range({{ var('scan', 60000000) }})) is not null\n",
  };
  type RunResults = { success: boolean; results: Record<string, unknown>[] };

  it('[early-start-rollback] with --no-test-gate a failing test fails the run and marks the nodes that ran on its model', async () => {
    const p = project(files);
    const gated = await p.cli(['build', '--vars', '{scan: 1}']);
    expect(gated.code).toBe(1);
    expect(gated.stdout).toMatch(/SKIP +2 nodes skipped: upstream orders_slow_check failed/);

    const open = await p.cli(['build', '--no-test-gate']);
    expect(open.code).toBe(1);
    expect(open.stdout).toMatch(
      /error: test orders_slow_check failed after 2 downstream nodes had started on its model's data \(test gate off\): totals, report/,
    );
    const recorded = JSON.parse(p.read('target/run_results.json')) as RunResults;
    expect(recorded.success).toBe(false);
    const byName = Object.fromEntries(recorded.results.map((r) => [r.name, r]));
    for (const name of ['totals', 'report'])
      expect(byName[name]).toMatchObject({
        status: 'success',
        unverified_by: 'orders_slow_check',
        message: expect.stringContaining(
          'unverified: ran before upstream test orders_slow_check failed',
        ),
      });
    expect(byName.orders!.unverified_by).toBeUndefined();
    expect(byName.orders_slow_check).toMatchObject({ status: 'fail', failures: 2 });
    // The models did run: the database holds what they built.
    expect(await p.query('select doubled from report')).toEqual([{ doubled: 6 }]);
  });

  it('[test-gate-project-key] `build: test-gate: false` in project.yml is the default for build, and --test-gate overrides it', async () => {
    const p = project({
      ...files,
      'project.yml': `${files['project.yml']}build:\n  test-gate: false\n`,
    });
    const open = await p.build();
    expect(open.success).toBe(false);
    expect(open.results.find((r) => r.name === 'report')!.unverifiedBy).toBe('orders_slow_check');
    const gated = await p.build({ testGate: true, vars: { scan: 1 } });
    expect(gated.results.find((r) => r.name === 'report')).toMatchObject({
      status: 'skipped',
      message: 'skipped: upstream orders_slow_check failed',
    });
    p.write({ 'project.yml': `${files['project.yml']}build:\n  test-gate: no-thanks\n` });
    const invalid = await p.cli(['ls']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('project.yml:5');
  });
});
