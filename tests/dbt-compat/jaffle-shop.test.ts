import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../../src/api.ts';
import type { RunReport } from '../../src/runner/execute.ts';
import { copyFixture, removeCopies } from './fixtures.ts';

/**
 * dbt Labs' jaffle_shop_duckdb, unchanged (fixtures/jaffle_shop_duckdb/README.md). Expected
 * values are what dbt-core 1.11.16 + dbt-duckdb built from the same files on DuckDB 1.5.5.
 */
describe('jaffle_shop_duckdb, a public dbt project, built unchanged', () => {
  let dir: string;
  let report: RunReport;
  const warnings: string[] = [];

  beforeAll(async () => {
    dir = copyFixture('jaffle_shop_duckdb');
    report = await api.build({ projectDir: dir, onWarning: (w) => warnings.push(w) });
  });
  afterAll(removeCopies);

  const rows = async (sql: string) => (await api.query(sql, { projectDir: dir })).rows;

  it('[jaffle-build] builds all 28 nodes as dbt does, with no warnings', () => {
    expect(warnings).toEqual([]);
    expect(report.success).toBe(true);
    expect(report.results).toHaveLength(28);
  });

  it('[jaffle-rows] holds the rows dbt built', async () => {
    expect(
      await rows(
        'select count(*)::int as n, sum(number_of_orders)::int as orders, sum(customer_lifetime_value)::double as value, min(first_order)::varchar as first, max(most_recent_order)::varchar as last from customers',
      ),
    ).toEqual([{ n: 100, orders: 99, value: 1672, first: '2018-01-01', last: '2018-04-09' }]);
    expect(
      await rows(
        'select status, count(*)::int as n, sum(amount)::double as amount, sum(credit_card_amount)::double as card from orders group by 1 order by 1',
      ),
    ).toEqual([
      { status: 'completed', n: 67, amount: 1103, card: 627 },
      { status: 'placed', n: 13, amount: 284, card: 69 },
      { status: 'return_pending', n: 2, amount: 38, card: 0 },
      { status: 'returned', n: 4, amount: 49, card: 46 },
      { status: 'shipped', n: 13, amount: 198, card: 129 },
    ]);
    expect(
      await rows(
        "select table_name, string_agg(column_name || ' ' || data_type, ', ' order by ordinal_position) as columns from information_schema.columns where table_name like 'raw_%' group by 1 order by 1",
      ),
    ).toEqual([
      { table_name: 'raw_customers', columns: 'id INTEGER, first_name VARCHAR, last_name VARCHAR' },
      {
        table_name: 'raw_orders',
        columns: 'id INTEGER, user_id INTEGER, order_date DATE, status VARCHAR',
      },
      {
        table_name: 'raw_payments',
        columns: 'id INTEGER, order_id INTEGER, payment_method VARCHAR, amount INTEGER',
      },
    ]);
  });

  it('[jaffle-test-ids] gives its 20 tests the unique ids dbt gives them', () => {
    const ids = api
      .list({ projectDir: dir, resourceTypes: ['test'] })
      .nodes.map((n) => n.id)
      .sort();
    // `dbt ls --resource-type test --output json --output-keys unique_id`, sorted.
    expect(ids).toEqual([
      'test.jaffle_shop.accepted_values_orders_status__placed__shipped__completed__return_pending__returned.be6b5b5ec3',
      'test.jaffle_shop.accepted_values_stg_orders_status__placed__shipped__completed__return_pending__returned.080fb20aad',
      'test.jaffle_shop.accepted_values_stg_payments_payment_method__credit_card__coupon__bank_transfer__gift_card.3c3820f278',
      'test.jaffle_shop.not_null_customers_customer_id.5c9bf9911d',
      'test.jaffle_shop.not_null_orders_amount.106140f9fd',
      'test.jaffle_shop.not_null_orders_bank_transfer_amount.7743500c49',
      'test.jaffle_shop.not_null_orders_coupon_amount.ab90c90625',
      'test.jaffle_shop.not_null_orders_credit_card_amount.d3ca593b59',
      'test.jaffle_shop.not_null_orders_customer_id.c5f02694af',
      'test.jaffle_shop.not_null_orders_gift_card_amount.413a0d2d7a',
      'test.jaffle_shop.not_null_orders_order_id.cf6c17daed',
      'test.jaffle_shop.not_null_stg_customers_customer_id.e2cfb1f9aa',
      'test.jaffle_shop.not_null_stg_orders_order_id.81cfe2fe64',
      'test.jaffle_shop.not_null_stg_payments_payment_id.c19cc50075',
      'test.jaffle_shop.relationships_orders_customer_id__customer_id__ref_customers_.c6ec7f58f2',
      'test.jaffle_shop.unique_customers_customer_id.c5af1ff4b1',
      'test.jaffle_shop.unique_orders_order_id.fed79b3a6e',
      'test.jaffle_shop.unique_stg_customers_customer_id.c7614daada',
      'test.jaffle_shop.unique_stg_orders_order_id.e3b841c71a',
      'test.jaffle_shop.unique_stg_payments_payment_id.3744510712',
    ]);
  });

  it('[jaffle-docs] renders doc() blocks into column descriptions', () => {
    const { session } = api.list({ projectDir: dir });
    expect(session.project.models.get('orders')!.columns.status.description).toMatch(
      /^Orders can be one of the following statuses:/,
    );
  });
});
