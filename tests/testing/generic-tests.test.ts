import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeResult, RunReport } from '../../src/api.ts';
import { project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

/*
 * One project, every built-in generic test declared once to pass and once to fail on hand-made
 * rows; the expected failure counts below are worked out by hand from these rows.
 *
 *   orders: id | customer_id | status   | amount | qty        customers: id
 *           1  | 10          | placed   |  10.00 | 1                     10
 *           2  | 10          | shipped  |  20.00 | 2                     11
 *           3  | 11          | returned |  -5.00 | 0                     12
 *           4  | 99          | placed   | 100.00 | 5
 *           5  | NULL        | NULL     |  50.00 | 3
 *           5  | 12          | PLACED   |   0.00 | 1
 */
const files = {
  'project.yml': 'name: shop\n',
  'models/orders.sql': [
    "{{ config(materialized='table') }}",
    'select * from (values',
    "  (1, 10, 'placed', 10.00, 1), (2, 10, 'shipped', 20.00, 2), (3, 11, 'returned', -5.00, 0),",
    "  (4, 99, 'placed', 100.00, 5), (5, null, null, 50.00, 3), (5, 12, 'PLACED', 0.00, 1)",
    ') t(id, customer_id, status, amount, qty)',
    '',
  ].join('\n'),
  'models/customers.sql': 'select * from (values (10), (11), (12)) t(id)\n',
  'models/order_lines.sql':
    "select * from (values (1, 1, 'a'), (1, 2, 'b'), (2, 1, 'c'), (2, 1, 'd')) t(order_id, line_no, sku)\n",
  'models/nothing.sql': 'select 1 as x where false\n',
  'models/orders_copy.sql': "select * from {{ ref('orders') }}\n",
  'models/fresh_events.sql': 'select now()::timestamp - interval 1 hour as ts\n',
  'models/stale_events.sql': "select timestamp '2020-01-01 00:00:00' as ts\n",
  'macros/tests.sql': [
    '{% test is_even(model, column_name, allow_null=false) %}',
    'select * from {{ model }} where {{ column_name }} % 2 <> 0{% if not allow_null %} or {{ column_name }} is null{% endif %}',
    '{% endtest %}',
    '',
  ].join('\n'),
  'tests/assert_no_negative_amounts.sql': "select * from {{ ref('orders') }} where amount < 0\n",
  'models/schema.yml': `
models:
  - name: orders
    data_tests:
      - expression_is_true: {name: expression_pass, expression: "qty >= 0"}
      - expression_is_true: {name: expression_fail, expression: "amount >= 0"}
      - not_empty: {name: not_empty_pass}
      - row_count: {name: row_count_range_pass, min: 1, max: 10}
      - row_count: {name: row_count_max_fail, max: 3}
      - row_count: {name: row_count_equal_fail, equal_to: 5}
      - row_count: {name: row_count_compare_pass, compare_model: "ref('orders_copy')"}
      - row_count: {name: row_count_compare_fail, compare_model: "ref('customers')"}
    columns:
      - name: id
        data_tests:
          - not_null: {name: not_null_pass}
          - unique: {name: unique_fail}
      - name: customer_id
        data_tests:
          - not_null: {name: not_null_fail}
          - relationships: {name: relationships_fail, to: "ref('customers')", field: id}
      - name: status
        data_tests:
          - accepted_values: {name: accepted_values_fail, values: [placed, shipped, returned]}
          - accepted_values: {name: accepted_values_pass, values: [placed, shipped, returned, PLACED]}
      - name: qty
        data_tests:
          - accepted_values: {name: unquoted_values_pass, values: [0, 1, 2, 3, 5], quote: false}
          - accepted_values: {name: unquoted_values_fail, values: [1, 2, 3], quote: false}
          - expression_is_true: {name: column_expression_pass, expression: ">= 0"}
          - is_even: {name: custom_fail}
          - is_even: {name: custom_pass, allow_null: true, config: {where: "qty % 2 = 0"}}
      - name: amount
        data_tests:
          - accepted_range: {name: range_pass, min_value: -10, max_value: 1000}
          - accepted_range: {name: range_fail, min_value: 0, max_value: 100}
          - accepted_range: {name: range_exclusive_fail, min_value: 0, max_value: 100, inclusive: false}
  - name: customers
    columns:
      - name: id
        data_tests:
          - unique: {name: unique_pass}
          - relationships: {name: relationships_pass, to: "ref('orders')", field: customer_id}
  - name: order_lines
    data_tests:
      - unique_combination_of_columns: {name: combination_fail, combination_of_columns: [order_id, line_no]}
      - unique_combination_of_columns: {name: combination_pass, combination_of_columns: [order_id, line_no, sku]}
  - name: nothing
    data_tests:
      - not_empty: {name: not_empty_fail}
  - name: fresh_events
    data_tests:
      - recency: {name: recency_pass, field: ts, max_age: 1 day}
      - recency: {name: recency_datepart_pass, field: ts, datepart: hour, interval: 2}
  - name: stale_events
    data_tests:
      - recency: {name: recency_fail, field: ts, datepart: day, interval: 1}
`,
};

/** [test name, status, failing rows]: counts from the table above. */
const EXPECTED: [string, 'pass' | 'fail', number][] = [
  ['not_null_pass', 'pass', 0],
  ['not_null_fail', 'fail', 1], // order 5 without a customer
  ['unique_pass', 'pass', 0],
  ['unique_fail', 'fail', 1], // one duplicated id (5), reported as one group
  ['accepted_values_pass', 'pass', 0],
  ['accepted_values_fail', 'fail', 1], // 'PLACED'; NULL is not a value
  ['unquoted_values_pass', 'pass', 0],
  ['unquoted_values_fail', 'fail', 2], // qty 0 and 5
  ['relationships_pass', 'pass', 0],
  ['relationships_fail', 'fail', 1], // customer 99
  ['expression_pass', 'pass', 0],
  ['expression_fail', 'fail', 1], // amount -5
  ['column_expression_pass', 'pass', 0],
  ['combination_pass', 'pass', 0],
  ['combination_fail', 'fail', 1], // (2, 1) twice
  ['range_pass', 'pass', 0],
  ['range_fail', 'fail', 1], // -5
  ['range_exclusive_fail', 'fail', 3], // -5, 100 and 0
  ['not_empty_pass', 'pass', 0],
  ['not_empty_fail', 'fail', 1],
  ['row_count_range_pass', 'pass', 0],
  ['row_count_max_fail', 'fail', 1], // 6 rows > 3
  ['row_count_equal_fail', 'fail', 1], // 6 rows, not 5
  ['row_count_compare_pass', 'pass', 0],
  ['row_count_compare_fail', 'fail', 1], // 6 orders, 3 customers
  ['recency_pass', 'pass', 0],
  ['recency_datepart_pass', 'pass', 0],
  ['recency_fail', 'fail', 1],
  ['custom_pass', 'pass', 0], // only even quantities are left by `where`
  ['custom_fail', 'fail', 4], // quantities 1, 5, 3, 1
  ['assert_no_negative_amounts', 'fail', 1], // the singular test
];

describe('built-in and custom generic tests, and a singular test', () => {
  let report: RunReport;
  const result = (name: string): NodeResult => {
    const found = report.results.find((r) => r.name === name);
    if (!found)
      throw new Error(`no result for ${name}: ${report.results.map((r) => r.name).join(', ')}`);
    return found;
  };

  beforeAll(async () => {
    const p = project(files);
    expect((await p.run()).success).toBe(true);
    report = await p.test();
  });

  it.each(EXPECTED)('%s: %s with %i failing rows', (name, status, failures) => {
    expect(result(name)).toMatchObject({ kind: 'test', status, failures });
  });

  it('runs every declared test and fails the run', () => {
    expect(report.results).toHaveLength(EXPECTED.length);
    expect(report.success).toBe(false);
  });

  it('names what failed: the message, the sample rows and the test type', () => {
    expect(result('not_null_fail')).toMatchObject({
      message: '1 failing row',
      detail: 'not_null',
      column: 'customer_id',
      attachedTo: 'model.shop.orders',
    });
    expect(result('not_null_fail').sample?.rows).toEqual([
      { id: 5, customer_id: null, status: null, amount: '50.00', qty: 3 },
    ]);
    expect(result('unique_fail').sample?.rows).toEqual([{ unique_field: 5, n_records: '2' }]);
    expect(result('assert_no_negative_amounts')).toMatchObject({
      detail: 'singular',
      attachedTo: 'model.shop.orders',
    });
    expect(result('custom_fail').detail).toBe('is_even');
  });
});
