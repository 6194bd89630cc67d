/**
 * Model contracts: names and types checked before the build with dbt's mismatch table, the
 * table created with the contract's types and constraints, views checked but unconstrained.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/api.ts';
import { engines, freshSchema } from '../adapters/engines.ts';
import { project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const CONTRACT = [
  'models:',
  '  - name: orders',
  '    config: {contract: {enforced: true}}',
  '    columns:',
  '      - name: id',
  '        data_type: int',
  '        constraints: [{type: not_null}, {type: primary_key}, {type: check, expression: "id > 0"}]',
  '      - {name: name, data_type: text}',
  '      - {name: amount, data_type: double precision}',
  '',
].join('\n');

const ORDERS =
  "{{ config(materialized='table') }}\nselect cast(2 as integer) as id, 'b' as name, cast(1.5 as double precision) as amount\nunion all select 1, 'a', 10.5\n";

function shop(target: Record<string, unknown>) {
  return project({
    'project.yml': `name: c\ntargets:\n  dev: ${JSON.stringify(target)}\n`,
    'models/orders.sql': ORDERS,
    'models/schema.yml': CONTRACT,
  });
}

// Engines that enforce constraints; Trino's catalogs enforce none (its own case below).
const featureEngines = engines().filter((e) => e.type !== 'trino');
describe.each(featureEngines)('contracts: $type', (engine) => {
  it('builds a table with the contract types and enforces its constraints', async () => {
    const schema = freshSchema();
    const p = shop(engine.target(schema));
    expect((await p.build()).success).toBe(true);
    expect(await p.query(`select id, name from ${schema}.orders order by id`)).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    // Rows breaking each constraint fail the build, and the previous table stays.
    const failing = async (select: string) => {
      p.write({ 'models/orders.sql': `{{ config(materialized='table') }}\n${select}\n` });
      const r = (await p.run()).results[0];
      expect(r.status).toBe('error');
      return r.message;
    };
    const row = (id: string) =>
      `select ${id} as id, 'x' as name, cast(1 as double precision) as amount`;
    expect(await failing(row('cast(null as integer)'))).toMatch(/null/i);
    expect(await failing(`${row('1')} union all ${row('1')}`)).toMatch(
      /duplicate|unique|primary key/i,
    );
    expect(await failing(row('-1'))).toMatch(/check/i);
    expect(await p.query(`select count(*) as n from ${schema}.orders`)).toEqual([{ n: '2' }]);
  });
});

// Trino's catalogs enforce no constraint: the contract's names and types hold, its
// constraints are warned of; its SQL has no `text` or `double precision` types.
describe.each(engines().filter((e) => e.type === 'trino'))('contracts: $name', (engine) => {
  it('builds the table with the contract types, warns of every constraint, fails a mismatch', async () => {
    const schema = freshSchema();
    const p = project({
      'project.yml': `name: c\ntargets:\n  dev: ${JSON.stringify(engine.target(schema))}\n`,
      'models/orders.sql':
        "{{ config(materialized='table') }}\nselect 2 as id, cast('b' as varchar) as name, 1.5e0 as amount\n",
      'models/schema.yml': CONTRACT.replace('data_type: text', 'data_type: varchar').replace(
        'data_type: double precision',
        'data_type: double',
      ),
    });
    const events: RunEvent[] = [];
    expect((await p.build({ onEvent: (e) => events.push(e) })).success).toBe(true);
    expect(events).toContainEqual({
      type: 'log',
      level: 'warn',
      message:
        'constraints not enforced on trino (views apply none): orders.id: not_null, orders.id: primary_key, orders.id: check; data tests can check them',
    });
    expect(
      await p.query(
        `select column_name, data_type from information_schema.columns where table_schema = '${schema}' and table_name = 'orders' order by ordinal_position`,
      ),
    ).toEqual([
      { column_name: 'id', data_type: 'integer' },
      { column_name: 'name', data_type: 'varchar' },
      { column_name: 'amount', data_type: 'double' },
    ]);
    p.write({
      'models/orders.sql': "{{ config(materialized='table') }}\nselect 'x' as id, 'a' as name\n",
    });
    const failed = (await p.run()).results[0];
    expect(failed.status).toBe('error');
    expect(failed.message).toContain(
      '| id          | varchar(1)      | integer       | data type mismatch    |',
    );
    expect(await p.query(`select id, name from ${schema}.orders`)).toEqual([{ id: 2, name: 'b' }]);
  });
});

describe('contracts on DuckDB', () => {
  const target = { type: 'duckdb', path: 'target/db.duckdb' };

  it("fails a model whose columns differ, with dbt's mismatch table, keeping the old table", async () => {
    const p = shop(target);
    expect((await p.build()).success).toBe(true);
    p.write({
      'models/orders.sql':
        "{{ config(materialized='table') }}\nselect 'x' as id, 'a' as name, 1 as extra\n",
    });
    const report = await p.run();
    const orders = report.results.find((r) => r.name === 'orders')!;
    expect(orders.status).toBe('error');
    expect(orders.message).toBe(
      [
        'models/orders.sql: This model has an enforced contract that failed.',
        "Please ensure the name, data_type, and number of columns in your contract match the columns in your model's definition.",
        '',
        '| column_name | definition_type | contract_type | mismatch_reason       |',
        '| ----------- | --------------- | ------------- | --------------------- |',
        '| id          | VARCHAR         | INTEGER       | data type mismatch    |',
        '| amount      |                 | DOUBLE        | missing in definition |',
        '| extra       | INTEGER         |               | missing in contract   |',
      ].join('\n'),
    );
    expect(await p.query('select count(*)::int as n from main.orders')).toEqual([{ n: 2 }]);
  });

  it('fails on a row breaking a constraint, and warns of constraints a view cannot hold', async () => {
    const p = shop(target);
    p.write({
      'models/orders.sql':
        "{{ config(materialized='table') }}\nselect 0 as id, 'z' as name, 1.0::double as amount\n",
    });
    const bad = await p.run();
    expect(bad.results[0].status).toBe('error');
    expect(bad.results[0].message).toMatch(/CHECK constraint/i);

    p.write({
      'models/orders.sql': "select 1 as id, 'z' as name, 1.0::double as amount\n",
    });
    const events: RunEvent[] = [];
    const view = await p.run({ onEvent: (e) => events.push(e) });
    expect(view.success).toBe(true);
    expect(events).toContainEqual({
      type: 'log',
      level: 'warn',
      message:
        'constraints not enforced on duckdb (views apply none): orders.id: not_null, orders.id: primary_key, orders.id: check; data tests can check them',
    });
  });

  it('needs a data_type on every column', async () => {
    const p = shop(target);
    p.write({
      'models/schema.yml': CONTRACT.replace('data_type: text', 'description: no type'),
    });
    const report = await p.run();
    expect(report.results[0].message).toContain(
      'the contract is enforced: give every column a data_type (missing for name)',
    );
  });
});
