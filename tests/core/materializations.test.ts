import { afterAll, describe, expect, it } from 'vitest';
import { errorOf, project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const relations = (p: ReturnType<typeof project>) =>
  p.query(
    `select table_schema as s, table_name as t, table_type as type from information_schema.tables where table_name not like 'duckdb_%' order by all`,
  );

describe('view and table', () => {
  it('builds a view and a table with the right relation types and rows, schemas from folder config', async () => {
    const p = project({
      'project.yml': [
        'name: shop',
        'models:',
        '  shop:',
        '    marts:',
        '      materialized: table',
        '      schema: marts',
        '',
      ].join('\n'),
      'models/staging/stg_orders.sql':
        'select * from (values (1, 10.0), (2, 32.5), (3, 7.5)) t(id, amount)\n',
      'models/marts/revenue.sql':
        "select count(*)::int as orders, sum(amount)::double as total from {{ ref('stg_orders') }}\n",
    });
    const report = await p.build();
    expect(report.success).toBe(true);
    expect(await relations(p)).toEqual([
      { s: 'main', t: 'stg_orders', type: 'VIEW' },
      { s: 'marts', t: 'revenue', type: 'BASE TABLE' },
    ]);
    expect(await p.query('select * from marts.revenue')).toEqual([{ orders: 3, total: 50 }]);
    expect(report.results.find((r) => r.name === 'revenue')).toMatchObject({
      status: 'success',
      rows: 1,
      detail: 'table',
    });
    // The compiled SQL carries real relation names.
    expect(p.read('target/compiled/models/marts/revenue.sql')).toContain(
      'from "main"."stg_orders"',
    );
  });

  it('switches a model between view and table across builds', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/m.sql': "{{ config(materialized='view') }}\nselect 1 as n\n",
    });
    await p.build();
    expect(await relations(p)).toEqual([{ s: 'main', t: 'm', type: 'VIEW' }]);
    p.write({ 'models/m.sql': "{{ config(materialized='table') }}\nselect 2 as n\n" });
    await p.build();
    expect(await relations(p)).toEqual([{ s: 'main', t: 'm', type: 'BASE TABLE' }]);
    expect(await p.query('select n from m')).toEqual([{ n: 2 }]);
    p.write({ 'models/m.sql': "{{ config(materialized='view') }}\nselect 3 as n\n" });
    expect((await p.build()).success).toBe(true);
    expect(await relations(p)).toEqual([{ s: 'main', t: 'm', type: 'VIEW' }]);
    expect(await p.query('select n from m')).toEqual([{ n: 3 }]);
  });

  it('uses an alias as the relation name', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/m.sql': "{{ config(materialized='table', alias='renamed') }}\nselect 1 as n\n",
    });
    await p.build();
    expect(await relations(p)).toEqual([{ s: 'main', t: 'renamed', type: 'BASE TABLE' }]);
  });
});

describe('ephemeral', () => {
  const files = {
    'project.yml': 'name: x\n',
    'models/base_numbers.sql':
      "{{ config(materialized='ephemeral') }}\nselect * from range(1, 5) t(n)\n",
    'models/evens.sql':
      "{{ config(materialized='ephemeral') }}\nselect n from {{ ref('base_numbers') }} where n % 2 = 0\n",
    'models/report.sql':
      "{{ config(materialized='table') }}\nselect sum(n)::int as total, (select count(*)::int from {{ ref('base_numbers') }}) as all_numbers from {{ ref('evens') }}\n",
  };

  it('is inlined as a CTE into its dependents and never created in the database', async () => {
    const p = project(files);
    const report = await p.build();
    expect(report.success).toBe(true);
    // Only `report` runs: ephemeral models are not nodes of the run.
    expect(report.results.map((r) => r.name)).toEqual(['report']);
    // range(1, 5) = 1..4: evens are 2 + 4 = 6.
    expect(await p.query('select * from report')).toEqual([{ total: 6, all_numbers: 4 }]);
    expect(await relations(p)).toEqual([{ s: 'main', t: 'report', type: 'BASE TABLE' }]);
    const compiled = p.read('target/compiled/models/report.sql');
    expect(compiled).toMatch(/^with __duckflow_cte__\w+ as \(/);
    expect(compiled).toContain('__duckflow_cte__evens as (');
    expect(compiled).toContain('__duckflow_cte__base_numbers as (');
    expect(compiled).not.toContain('"main"."evens"');
  });

  it('is listed but has nothing to show', async () => {
    const p = project(files);
    expect(p.list()).toEqual(['base_numbers', 'evens', 'report']);
    await p.build();
    const r = await p.cli(['show', 'evens']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'evens' is ephemeral: it has no relation to show");
  });
});

describe('incremental', () => {
  const seedV1 = 'id,val,updated_at\n1,a,1\n2,b,1\n';
  const seedV2 = 'id,val,updated_at\n1,a,1\n2,B,2\n3,c,2\n';
  const body = (config: string) =>
    [
      `{{ config(materialized='incremental'${config}) }}`,
      "select id, val, updated_at from {{ ref('events') }}",
      '{% if is_incremental() %}',
      'where updated_at > (select max(updated_at) from {{ this }})',
      '{% endif %}',
      '',
    ].join('\n');
  const files = {
    'project.yml':
      'name: x\nseeds:\n  column_types: {id: integer, val: varchar, updated_at: integer}\n',
    'seeds/events.csv': seedV1,
    'models/appended.sql': body(''),
    'models/merged.sql': body(", unique_key='id'"),
  };
  const rows = (p: ReturnType<typeof project>, model: string) =>
    p.query(`select id, val, updated_at from ${model} order by id, updated_at`);

  it('first builds a table, then appends or delete+inserts the rows is_incremental() selects', async () => {
    const p = project(files);
    await p.build();
    const v1 = [
      { id: 1, val: 'a', updated_at: 1 },
      { id: 2, val: 'b', updated_at: 1 },
    ];
    expect(await rows(p, 'appended')).toEqual(v1);
    expect(await rows(p, 'merged')).toEqual(v1);
    // First build: is_incremental() is false, so there is no filter.
    expect(p.read('target/compiled/models/merged.sql')).not.toContain('where');

    p.write({ 'seeds/events.csv': seedV2 });
    const report = await p.build();
    expect(report.success).toBe(true);
    // Second build selects updated_at > 1: rows 2 (B) and 3; row 2 (b) is deleted for it. The
    // table then holds 3 rows.
    expect(report.results.find((r) => r.name === 'merged')).toMatchObject({
      rows: 3,
      changes: { inserted: 2, updated: 0, deleted: 1 },
    });
    expect(p.read('target/compiled/models/merged.sql')).toContain(
      'where updated_at > (select max(updated_at) from "main"."merged")',
    );
    expect(await rows(p, 'appended')).toEqual([
      { id: 1, val: 'a', updated_at: 1 },
      { id: 2, val: 'b', updated_at: 1 },
      { id: 2, val: 'B', updated_at: 2 },
      { id: 3, val: 'c', updated_at: 2 },
    ]);
    expect(await rows(p, 'merged')).toEqual([
      { id: 1, val: 'a', updated_at: 1 },
      { id: 2, val: 'B', updated_at: 2 },
      { id: 3, val: 'c', updated_at: 2 },
    ]);

    // Nothing new: an incremental build adds nothing.
    await p.build();
    expect(await p.query('select count(*)::int as n from appended')).toEqual([{ n: 4 }]);

    // --full-refresh rebuilds from scratch.
    await p.build({ fullRefresh: true });
    expect(await p.query('select count(*)::int as n from appended')).toEqual([{ n: 3 }]);
    expect(p.read('target/compiled/models/appended.sql')).not.toContain('where');
  });

  it('keeps the table unchanged when the incremental SELECT fails', async () => {
    const p = project(files);
    await p.build();
    p.write({
      'models/merged.sql': body(", unique_key='id'").replace(
        'select id,',
        'select id, no_such_column,',
      ),
    });
    const report = await p.build();
    expect(report.success).toBe(false);
    expect(report.results.find((r) => r.name === 'merged')?.message).toMatch(
      /^models\/merged\.sql:2: Binder Error: .*no_such_column/,
    );
    expect(await p.query('select count(*)::int as n from merged')).toEqual([{ n: 2 }]);
  });

  it('renders hooks in the model context: is_incremental() is that of the build, a false guard runs nothing', async () => {
    const hook = `{% if is_incremental() %}insert into audit select count(*) from {{ this }}{% endif %}`;
    const p = project({
      ...files,
      'models/audit.sql': "{{ config(materialized='incremental') }}\nselect 0 as n where false\n",
      'models/appended.sql': body(`, post_hook="${hook}"`).replace(
        'select id,',
        "-- depends_on: {{ ref('audit') }}\nselect id,",
      ),
    });
    expect((await p.build()).success).toBe(true);
    expect(await p.query('select n::int as n from audit')).toEqual([]);
    p.write({ 'seeds/events.csv': seedV2 });
    expect((await p.build()).success).toBe(true);
    // After the batch, in its transaction: 2 rows loaded before, 2 appended.
    expect(await p.query('select n::int as n from audit')).toEqual([{ n: 4 }]);
    expect((await p.build({ fullRefresh: true })).success).toBe(true);
    expect(await p.query('select n::int as n from audit')).toEqual([]);
  });

  it('rejects a model with an unknown materialization', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/m.sql': "{{ config(materialized='snapshot') }}\nselect 1\n",
    });
    expect((await errorOf(() => p.list())).message).toBe(
      'models/m.sql:1: materialized must be one of: view, table, ephemeral, incremental',
    );
  });
});
