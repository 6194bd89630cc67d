/**
 * Slim CI as dbt users run it: `--state` with state:new/state:modified, `--defer`, `retry`,
 * `--fail-fast` and `--empty`, on a fixture with hand-computed rows.
 */
import { cpSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { project, removeFixtures, errorOf, type Fixture } from '../helpers/fixture.ts';
import * as api from '../../src/api.ts';

afterAll(removeFixtures);

const FILES = {
  'project.yml': [
    'name: slim',
    'target: prod',
    'targets:',
    '  prod: {type: duckdb, path: target/db.duckdb, schema: prod, threads: 1}',
    '  ci: {type: duckdb, path: target/db.duckdb, schema: ci, threads: 1}',
    '',
  ].join('\n'),
  'seeds/customers.csv': 'id,name\n1,ann\n2,bob\n3,cy\n',
  'macros/cents.sql': '{% macro cents(x) %}({{ x }} * 100){% endmacro %}\n',
  'models/stg.sql': "select id, name from {{ ref('customers') }}\n",
  'models/priced.sql':
    "{{ config(materialized='table') }}\nselect id, {{ cents('id') }} as c from {{ ref('stg') }}\n",
  'models/other.sql': 'select 1 as one\n',
  'models/schema.yml':
    'models:\n  - name: stg\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
};

/** Builds prod and keeps its target folder as the state CI compares with. */
async function withProdState(): Promise<{ p: Fixture; state: string }> {
  const p = project(FILES);
  expect((await p.build()).success).toBe(true);
  const state = p.path('prod-state');
  cpSync(p.path('target/manifest.json'), `${state}/manifest.json`);
  return { p, state };
}

describe('--state selection', () => {
  it('selects nothing when nothing changed, and each kind of change by its subselector', async () => {
    const { p, state } = await withProdState();
    const ls = (select: string) => p.list({ select: [select], state });
    expect(ls('state:modified')).toEqual([]);
    p.write({
      'models/stg.sql': "select id, name, 1 as v from {{ ref('customers') }}\n",
      'macros/cents.sql': '{% macro cents(x) %}({{ x }} * 1000){% endmacro %}\n',
      'models/props.yml': 'models:\n  - name: other\n    config: {materialized: table}\n',
      'models/fresh.sql': 'select 2 as two\n',
    });
    expect(ls('state:modified.body')).toEqual(['stg']);
    expect(ls('state:modified.macros')).toEqual(['priced']);
    expect(ls('state:modified.configs')).toEqual(['other']);
    expect(ls('state:new')).toEqual(['fresh']);
    expect(new Set(ls('state:modified'))).toEqual(new Set(['stg', 'priced', 'other', 'fresh']));
    expect(new Set(ls('state:modified+'))).toEqual(
      new Set(['stg', 'priced', 'other', 'fresh', 'not_null_stg_id']),
    );
  });
});

describe('--defer', () => {
  it('builds one changed model in CI against prod relations it does not build', async () => {
    const { p, state } = await withProdState();
    const run = (defer: boolean) => p.run({ target: 'ci', select: ['priced'], state, defer });
    const without = await run(false);
    expect(without.success).toBe(false);
    const deferred = await run(true);
    expect(deferred.success).toBe(true);
    expect(await p.query('select id::int as id, c::int as c from ci.priced order by id')).toEqual([
      { id: 1, c: 100 },
      { id: 2, c: 200 },
      { id: 3, c: 300 },
    ]);
    expect(p.read('target/compiled/models/priced.sql')).toContain('"prod"."stg"');
  });

  it('needs --state', async () => {
    const p = project(FILES);
    expect((await errorOf(() => p.run({ defer: true }))).message).toContain('--state <dir>');
  });
});

describe('retry', () => {
  it('re-runs the failed node and what it skipped, with the same selection', async () => {
    const p = project(FILES);
    p.write({ 'models/stg.sql': "select id, name, no_such_column from {{ ref('customers') }}\n" });
    const first = await p.build({ exclude: ['other'] });
    const status = Object.fromEntries(first.results.map((r) => [r.name, r.status]));
    expect(status).toEqual({
      customers: 'success',
      stg: 'error',
      not_null_stg_id: 'skipped',
      priced: 'skipped',
    });
    p.write({ 'models/stg.sql': FILES['models/stg.sql'] });
    const again = await api.retry({ projectDir: p.dir });
    expect(again.command).toBe('build');
    expect(again.results.map((r) => [r.name, r.status])).toEqual([
      ['stg', 'success'],
      ['not_null_stg_id', 'pass'],
      ['priced', 'success'],
    ]);
    const nothing = await api.retry({ projectDir: p.dir });
    expect(nothing.results).toEqual([]);
    expect(nothing.success).toBe(true);
  });
});

describe('--fail-fast and --empty', () => {
  it('--fail-fast skips everything after the first failure, naming it', async () => {
    const p = project({
      ...FILES,
      'models/a_bad.sql': 'select * from no_such_table\n',
    });
    const report = await p.build({ failFast: true });
    expect(report.success).toBe(false);
    const bad = report.results.find((r) => r.name === 'a_bad')!;
    expect(bad.status).toBe('error');
    const after = report.results.slice(report.results.indexOf(bad) + 1);
    expect(after.length).toBeGreaterThan(0);
    for (const r of after) {
      expect(r.status).toBe('skipped');
      expect(r.message).toBe('skipped: --fail-fast: a_bad failed');
    }
    // Without the flag, the independent nodes run on.
    const carryOn = await p.build();
    expect(carryOn.results.filter((r) => r.status === 'skipped')).toEqual([]);
  });

  it('--empty builds every model with its columns and no rows', async () => {
    const p = project(FILES);
    const report = await p.build({ empty: true });
    expect(report.success).toBe(true);
    expect(await p.query('select count(*)::int as n from prod.priced')).toEqual([{ n: 0 }]);
    expect(await p.query('select count(*)::int as n from prod.customers')).toEqual([{ n: 3 }]);
    expect(
      await p.query(
        "select column_name, data_type from information_schema.columns where table_schema = 'prod' and table_name = 'priced' order by ordinal_position",
      ),
    ).toEqual([
      { column_name: 'id', data_type: 'BIGINT' },
      { column_name: 'c', data_type: 'BIGINT' },
    ]);
  });
});
