import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.ts';
import { errorOf, project, removeFixtures, type Fixture } from '../helpers/fixture.ts';

afterAll(removeFixtures);

/*
 * raw_orders (seed) ─> stg_orders ─┐
 *                  stg_customers ──┴─> int_joined ─┬─> fct_a ─┬─> report
 *                                                  └─> fct_b ─┘
 * Tags: marts/ (fct_a, fct_b, reports/report) are `finance`; fct_b is also `daily`.
 */
const files = {
  'project.yml': ['name: x', 'models:', '  x:', '    marts:', '      +tags: [finance]', ''].join(
    '\n',
  ),
  'seeds/raw_orders.csv': 'id,customer_id\n1,1\n2,1\n',
  'models/staging/stg_orders.sql': "select * from {{ ref('raw_orders') }}\n",
  'models/staging/stg_customers.sql': "select 1 as customer_id, 'ann' as name\n",
  'models/intermediate/int_joined.sql':
    "select o.id, c.name from {{ ref('stg_orders') }} o join {{ ref('stg_customers') }} c using (customer_id)\n",
  'models/marts/fct_a.sql': "select count(*) as n from {{ ref('int_joined') }}\n",
  'models/marts/fct_b.sql':
    "{{ config(tags=['daily']) }}\nselect max(id) as m from {{ ref('int_joined') }}\n",
  'models/marts/reports/report.sql':
    "select * from {{ ref('fct_a') }} cross join {{ ref('fct_b') }}\n",
};

describe('node selection', () => {
  let p: Fixture;
  const sel = (select: string[], exclude?: string[]) => p.list({ select, exclude }).sort();

  beforeAll(() => {
    p = project(files);
  });

  it('selects everything by default, in dependency order', () => {
    const all = p.list();
    expect([...all].sort()).toEqual([
      'fct_a',
      'fct_b',
      'int_joined',
      'raw_orders',
      'report',
      'stg_customers',
      'stg_orders',
    ]);
    const before = (a: string, b: string) => expect(all.indexOf(a)).toBeLessThan(all.indexOf(b));
    before('raw_orders', 'stg_orders');
    before('stg_orders', 'int_joined');
    before('stg_customers', 'int_joined');
    before('int_joined', 'fct_a');
    before('int_joined', 'fct_b');
    before('fct_a', 'report');
    before('fct_b', 'report');
  });

  it('name, +name, name+, +name+', () => {
    expect(sel(['int_joined'])).toEqual(['int_joined']);
    expect(sel(['+int_joined'])).toEqual([
      'int_joined',
      'raw_orders',
      'stg_customers',
      'stg_orders',
    ]);
    expect(sel(['int_joined+'])).toEqual(['fct_a', 'fct_b', 'int_joined', 'report']);
    expect(sel(['+fct_a+'])).toEqual([
      'fct_a',
      'int_joined',
      'raw_orders',
      'report',
      'stg_customers',
      'stg_orders',
    ]);
  });

  it('n+name and name+n walk n edges', () => {
    expect(sel(['1+int_joined'])).toEqual(['int_joined', 'stg_customers', 'stg_orders']);
    expect(sel(['2+int_joined'])).toEqual([
      'int_joined',
      'raw_orders',
      'stg_customers',
      'stg_orders',
    ]);
    expect(sel(['2+report'])).toEqual(['fct_a', 'fct_b', 'int_joined', 'report']);
    expect(sel(['int_joined+1'])).toEqual(['fct_a', 'fct_b', 'int_joined']);
    expect(sel(['1+fct_a+1'])).toEqual(['fct_a', 'int_joined', 'report']);
  });

  it('tag: (folder and in-model tags) and path:', () => {
    expect(sel(['tag:finance'])).toEqual(['fct_a', 'fct_b', 'report']);
    expect(sel(['tag:daily'])).toEqual(['fct_b']);
    expect(sel(['path:models/staging'])).toEqual(['stg_customers', 'stg_orders']);
    expect(sel(['path:models/marts/reports'])).toEqual(['report']);
    expect(sel(['path:models/marts/fct_a.sql'])).toEqual(['fct_a']);
    // A bare word with a slash is a path, as in dbt.
    expect(sel(['models/intermediate'])).toEqual(['int_joined']);
    expect(sel(['path:seeds'])).toEqual(['raw_orders']);
  });

  it('space is union, comma is intersection', () => {
    expect(sel(['stg_orders fct_a'])).toEqual(['fct_a', 'stg_orders']);
    expect(sel(['stg_orders', 'fct_a'])).toEqual(['fct_a', 'stg_orders']);
    expect(sel(['tag:finance,int_joined+1'])).toEqual(['fct_a', 'fct_b']);
    expect(sel(['+report,path:models/staging'])).toEqual(['stg_customers', 'stg_orders']);
    expect(sel(['tag:finance,tag:daily stg_customers'])).toEqual(['fct_b', 'stg_customers']);
  });

  it('--exclude removes nodes last', () => {
    expect(sel(['int_joined+'], ['report'])).toEqual(['fct_a', 'fct_b', 'int_joined']);
    expect(sel([], ['tag:finance'])).toEqual([
      'int_joined',
      'raw_orders',
      'stg_customers',
      'stg_orders',
    ]);
    expect(sel(['+report'], ['+int_joined'])).toEqual(['fct_a', 'fct_b', 'report']);
    expect(sel(['tag:finance'], ['tag:finance,tag:daily'])).toEqual(['fct_a', 'report']);
  });

  it('wildcards', () => {
    expect(sel(['stg_*'])).toEqual(['stg_customers', 'stg_orders']);
    expect(sel(['fct_*+'])).toEqual(['fct_a', 'fct_b', 'report']);
    expect(sel(['*_a'])).toEqual(['fct_a']);
  });

  it('resource_type:, no match, and an unknown method', async () => {
    expect(sel(['resource_type:seed'])).toEqual(['raw_orders']);
    const missing = await errorOf(() => p.list({ select: ['nothing_like_this'] }));
    expect(missing).toBeInstanceOf(UsageError);
    expect(missing.message).toBe("--select 'nothing_like_this' matches no node");
    const e = await errorOf(() => p.list({ select: ['colour:red'] }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/^unknown selector method 'colour:'/);
  });

  it('a selector naming something that does not exist is an error; one that may match nothing is a warning', async () => {
    const warnings: string[] = [];
    const list = (select: string[], exclude?: string[]) =>
      p.list({ select, exclude, onWarning: (m) => warnings.push(m) });
    // Named: a node, a file or folder, a source, a value of a closed list.
    for (const [select, message] of [
      [['+fct_c+'], "--select '+fct_c+' matches no node (did you mean '+fct_a+'?)"],
      [
        ['path:models/mart'],
        "--select 'path:models/mart' matches no node (did you mean 'path:models/marts'?)",
      ],
      [
        ['models/staging/stg_order.sql'],
        "--select 'models/staging/stg_order.sql' matches no node (did you mean 'models/staging/stg_orders.sql'?)",
      ],
      [
        ['resource_type:modle'],
        "--select 'resource_type:modle' matches no node (did you mean 'resource_type:model'?)",
      ],
      [
        ['test_type:singulr'],
        "--select 'test_type:singulr' matches no node (did you mean 'test_type:singular'?)",
      ],
      [['source:web'], "--select 'source:web' matches no node"],
    ] as const) {
      const e = await errorOf(() => list([...select]));
      expect(e, select[0]).toBeInstanceOf(UsageError);
      expect(e.message).toBe(message);
    }
    expect(warnings).toEqual([]);
    // Patterns, tags, config values and kinds with no node today: warnings, and nothing selected.
    expect(
      list(['fct_z*', 'tag:financ', 'config.materialized:table', 'resource_type:unit_test']),
    ).toEqual([]);
    expect(list(['tag:finance,tag:nightly'])).toEqual([]);
    expect(list(['fct_a,stg_orders'])).toEqual([]);
    expect(warnings).toEqual([
      "--select 'fct_z*' matches no node",
      "--select 'tag:financ' matches no node (did you mean 'tag:finance'?)",
      "--select 'config.materialized:table' matches no node",
      "--select 'resource_type:unit_test' matches no node",
      "--select 'tag:nightly' matches no node",
      "--select 'fct_a,stg_orders' matches no node: each part matches some, but no node matches them all",
    ]);
  });

  it('run executes only the selected models; build adds selected seeds', async () => {
    const q = project(files);
    const built = await q.build({ select: ['+stg_orders'] });
    expect(built.results.map((r) => r.name)).toEqual(['raw_orders', 'stg_orders']);
    const ran = await q.run({ select: ['+int_joined'] });
    expect(ran.results.map((r) => r.name).sort()).toEqual([
      'int_joined',
      'stg_customers',
      'stg_orders',
    ]);
  });

  it('ls on the CLI: names, paths, JSON lines; exit 2 on a bad selector', async () => {
    const names = await p.cli(['ls', '--select', 'int_joined+1', '--exclude', 'fct_b']);
    expect(names.code).toBe(0);
    expect(names.stdout.trim().split('\n')).toEqual(['int_joined', 'fct_a']);
    const json = await p.cli(['ls', '-s', 'tag:daily', '--output', 'json']);
    expect(
      json.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        unique_id: 'model.x.fct_b',
        name: 'fct_b',
        resource_type: 'model',
        path: 'models/marts/fct_b.sql',
        tags: ['finance', 'daily'],
        depends_on: ['model.x.int_joined'],
        materialized: 'view',
      },
    ]);
    const bad = await p.cli(['ls', '-s', 'colour:red']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown selector method 'colour:'");
  });
});
