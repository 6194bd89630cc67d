import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import * as api from '../../src/api.ts';
import type { RunReport } from '../../src/runner/execute.ts';
import { copyFixture, removeCopies } from './fixtures.ts';

/**
 * The `shop` fixture: a dbt project (dbt_project.yml + profiles.yml + packages.yml with a local
 * package written in dbt_utils' style) built unchanged.
 */
describe('a dbt project with a profile and a local package', () => {
  let dir: string;
  let report: RunReport;
  const warnings: string[] = [];

  beforeAll(async () => {
    dir = copyFixture('shop');
    api.deps({ projectDir: dir });
    report = await api.build({ projectDir: dir, onWarning: (w) => warnings.push(w) });
  });
  afterAll(removeCopies);

  const rows = async (sql: string) => (await api.query(sql, { projectDir: dir })).rows;

  it('[shop-deps-local] deps links the local package into dbt_packages/', () => {
    expect(lstatSync(join(dir, 'dbt_packages', 'pkg_utils')).isSymbolicLink()).toBe(true);
  });

  it('[shop-node-names] builds every node, with dbt node names', () => {
    expect(report.success).toBe(true);
    // As `dbt ls --resource-type test` names them for this fixture (dbt-core 1.11).
    expect(report.results.map((r) => r.name).sort()).toEqual(
      [
        'raw_orders',
        'raw_payments',
        'stg_orders',
        'stg_payments',
        'order_facts',
        'assert_positive_amount',
        'not_null_stg_orders_order_id',
        'unique_stg_orders_order_id',
        'accepted_values_stg_orders_status__placed__shipped__completed__returned',
        'relationships_stg_payments_order_id__order_id__ref_stg_orders_',
        'pkg_utils_at_least_order_facts_order_id__1',
      ].sort(),
    );
  });

  it('[shop-unique-ids] gives tests the unique ids dbt gives them, and --select takes a dbt test name', () => {
    const { nodes } = api.list({
      projectDir: dir,
      select: ['accepted_values_stg_orders_status__placed__shipped__completed__returned'],
    });
    expect(nodes.map((n) => n.id)).toEqual([
      'test.shop.accepted_values_stg_orders_status__placed__shipped__completed__returned.7511f2d274',
    ]);
    const ids = api
      .list({ projectDir: dir, resourceTypes: ['test'] })
      .nodes.map((n) => n.id)
      .sort();
    // `dbt ls --resource-type test --output json --output-keys unique_id` on this fixture.
    expect(ids).toEqual([
      'test.shop.accepted_values_stg_orders_status__placed__shipped__completed__returned.7511f2d274',
      'test.shop.assert_positive_amount',
      'test.shop.not_null_stg_orders_order_id.81cfe2fe64',
      'test.shop.pkg_utils_at_least_order_facts_order_id__1.df02731f47',
      'test.shop.relationships_stg_payments_order_id__order_id__ref_stg_orders_.8426a3f3d3',
      'test.shop.unique_stg_orders_order_id.e3b841c71a',
    ]);
  });

  it('[shop-profile] reads the profile: database file from env_var default, schema, custom schema naming', async () => {
    expect(existsSync(join(dir, 'target', 'shop.duckdb'))).toBe(true);
    // generate_schema_name's default: <target schema>_<custom schema>; alias from config().
    expect(
      await rows(
        "select table_schema, table_name from information_schema.tables where table_schema like 'analytics%' order by 1, 2",
      ),
    ).toEqual([
      { table_schema: 'analytics', table_name: 'raw_orders' },
      { table_schema: 'analytics', table_name: 'raw_payments' },
      { table_schema: 'analytics', table_name: 'stg_orders' },
      { table_schema: 'analytics', table_name: 'stg_payments' },
      { table_schema: 'analytics_marts', table_name: 'facts_of_orders' },
    ]);
  });

  it('[shop-context] renders package macros, dispatch, return(), do, run_query, this and vars', async () => {
    // Cancelled order 4 is left out (var include_cancelled: false); amounts in units via the
    // package's duckdb__ implementation; one column per payment method found by run_query.
    expect(
      await rows(
        'select order_id, amount::varchar as amount, tax::varchar as tax, card_amount::varchar as card, coupon_amount::varchar as coupon, built_as, has_invocation, joined from analytics_marts.facts_of_orders order by order_id',
      ),
    ).toEqual([
      {
        order_id: 1,
        amount: '10.00',
        tax: '2.50',
        card: '10.00',
        coupon: '0.00',
        built_as: 'analytics_marts.facts_of_orders',
        has_invocation: true,
        joined: 3,
      },
      {
        order_id: 2,
        amount: '25.00',
        tax: '6.25',
        card: '25.00',
        coupon: '0.00',
        built_as: 'analytics_marts.facts_of_orders',
        has_invocation: true,
        joined: 3,
      },
      {
        order_id: 3,
        amount: '4.00',
        tax: '1.00',
        card: '0.00',
        coupon: '4.00',
        built_as: 'analytics_marts.facts_of_orders',
        has_invocation: true,
        joined: 3,
      },
      {
        order_id: 5,
        amount: '12.00',
        tax: '3.00',
        card: '12.00',
        coupon: '0.00',
        built_as: 'analytics_marts.facts_of_orders',
        has_invocation: true,
        joined: 3,
      },
    ]);
  });

  it('[shop-seed-types] types seed columns as dbt-duckdb does: whole numbers INTEGER, declared types kept', async () => {
    // As dbt-core 1.11 + dbt-duckdb built this fixture (information_schema of its database).
    expect(
      await rows(
        "select table_name, column_name, data_type from information_schema.columns where table_name like 'raw%' order by 1, ordinal_position",
      ),
    ).toEqual(
      [
        ['raw_orders', 'id', 'INTEGER'],
        ['raw_orders', 'user_id', 'INTEGER'],
        ['raw_orders', 'order_date', 'DATE'],
        ['raw_orders', 'status', 'VARCHAR'],
        ['raw_orders', 'amount_cents', 'INTEGER'],
        ['raw_payments', 'id', 'INTEGER'],
        ['raw_payments', 'order_id', 'INTEGER'],
        ['raw_payments', 'method', 'VARCHAR'],
        ['raw_payments', 'amount', 'DECIMAL(10,2)'],
        ['raw_payments', 'paid', 'BOOLEAN'],
      ].map(([table_name, column_name, data_type]) => ({ table_name, column_name, data_type })),
    );
  });

  it('[shop-warnings] warns once, at file and line, about what it does not honour', () => {
    expect(warnings).toEqual([
      "profiles.yml:9:7: 'keep_open' of a duckdb output is not supported by duckflow; ignored",
      "dbt_project.yml:27:5: config 'persist_docs': comments are not written to the database; ignored",
      "dbt_project.yml:39:5: config 'quote_columns': seed columns are always quoted; ignored",
      "dbt_project.yml:44:1: 'semantic-models': semantic models are not supported; ignored",
      "models/marts/order_facts.sql:1: config 'persist_docs': comments are not written to the database; ignored",
    ]);
  });

  it('[shop-doc-blocks] shows doc() blocks in descriptions', () => {
    const { session } = api.list({ projectDir: dir });
    expect(session.project.models.get('stg_orders')!.description).toBe(
      'One row per order, cancelled orders left out.',
    );
  });

  it('[shop-clean] clean removes the clean-targets', () => {
    expect(api.clean({ projectDir: dir }).sort()).toEqual(['dbt_packages', 'target']);
    expect(existsSync(join(dir, 'target'))).toBe(false);
    expect(existsSync(join(dir, 'dbt_packages'))).toBe(false);
  });
});
