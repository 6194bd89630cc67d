import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { errorOf, project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

describe('templating', () => {
  it('macros by name, var, env_var with defaults, this, target', async () => {
    process.env.DUCKFLOW_TEST_REGION = 'eu';
    try {
      const p = project({
        'project.yml': 'name: x\nvars:\n  rate: 2\n',
        'macros/money.sql':
          '{% macro cents(col) %}({{ col }} * 100)::int{% endmacro %}\n{% macro times_rate(col) %}{{ col }} * {{ var("rate") }}{% endmacro %}\n',
        'models/m.sql': [
          "{{ config(materialized='table') }}",
          'select',
          '  {{ cents("1.25") }} as cents,',
          '  {{ times_rate(3) }} as scaled,',
          '  \'{{ env_var("DUCKFLOW_TEST_REGION") }}\' as region,',
          '  \'{{ env_var("DUCKFLOW_TEST_UNSET", "none") }}\' as unset,',
          "  '{{ this }}' as me,",
          "  '{{ target.name }}/{{ target.schema }}' as tgt",
          '',
        ].join('\n'),
      });
      expect((await p.build()).success).toBe(true);
      expect(await p.query('select * from m')).toEqual([
        { cents: 125, scaled: 6, region: 'eu', unset: 'none', me: '"main"."m"', tgt: 'dev/main' },
      ]);
    } finally {
      delete process.env.DUCKFLOW_TEST_REGION;
    }
  });

  it('an unset env_var without default is an error naming the model', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/m.sql': 'select \'{{ env_var("DUCKFLOW_SURELY_UNSET") }}\' as v\n',
    });
    expect((await errorOf(() => p.list())).message).toMatch(
      /^models\/m\.sql:1(:\d+)?: template error: env_var\('DUCKFLOW_SURELY_UNSET'\) is not set and has no default$/,
    );
  });
});

describe('sources', () => {
  it('reads a table in the database, CSV, NDJSON globs and Parquet files, relative to the project', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'data/orders.csv': 'id,amount\n1,10\n2,20\n',
      'data/events/2024-01.ndjson': '{"id": 1}\n{"id": 2}\n',
      'data/events/2024-02.ndjson': '{"id": 3}\n',
      'models/sources.yml': [
        'sources:',
        '  - name: app',
        '    tables:',
        '      - name: users',
        '  - name: files',
        '    tables:',
        '      - name: orders',
        '        external_location: data/orders.csv',
        '      - name: events',
        "        external_location: 'data/events/*.ndjson'",
        '        format: ndjson',
        '      - name: totals',
        '        external_location: data/totals.parquet',
        '',
      ].join('\n'),
      'models/summary.sql': [
        "{{ config(materialized='table') }}",
        'select',
        "  (select count(*) from {{ source('app', 'users') }})::int as users,",
        "  (select sum(amount) from {{ source('files', 'orders') }})::int as amount,",
        "  (select count(*) from {{ source('files', 'events') }})::int as events,",
        "  (select max(total) from {{ source('files', 'totals') }})::int as total",
        '',
      ].join('\n'),
    });
    mkdirSync(p.path('target'), { recursive: true });
    const db = await DuckDBInstance.create(p.path('target/x.duckdb'));
    const conn = await db.connect();
    await conn.run(
      "create schema app; create table app.users as select * from (values ('ann'), ('bob'), ('cy')) t(name)",
    );
    await conn.run(
      `copy (select 42 as total) to '${p.path('data/totals.parquet')}' (format parquet)`,
    );
    conn.closeSync();
    db.closeSync();

    const report = await p.build();
    expect(report.results.map((r) => [r.name, r.status, r.message.split('\n')[0]])).toEqual([
      ['summary', 'success', 'table "main"."summary"'],
    ]);
    expect(await p.query('select * from summary')).toEqual([
      { users: 3, amount: 30, events: 3, total: 42 },
    ]);
    expect(p.list({ select: ['+summary'] }).sort()).toEqual(
      ['files.events', 'files.orders', 'files.totals', 'summary', 'app.users'].sort(),
    );
  });
});
