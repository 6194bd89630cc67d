import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/api.ts';
import { textPrinter } from '../../src/cli/printer.ts';
import { project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

/** Four rows with an empty email in two of them, and one with a negative amount. */
const base = {
  'project.yml': 'name: shop\n',
  'models/customers.sql': [
    "{{ config(materialized='table') }}",
    "select * from (values (1, 'a@x.io', 5), (2, null, 10), (3, null, -1), (4, 'd@x.io', 7)) t(id, email, amount)",
    '',
  ].join('\n'),
};

const withTests = (tests: string) => ({
  ...base,
  'models/schema.yml': `models:\n  - name: customers\n    columns:\n      - name: email\n        data_tests:\n${tests}`,
});

describe('severity and thresholds', () => {
  it('a warn-severity failure warns and the run still succeeds (CLI exit 0)', async () => {
    const p = project(withTests('          - not_null:\n              config: {severity: warn}\n'));
    const cli = await p.cli(['build']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(
      /WARN\s+test\s+not_null_customers_email \(not_null\) 2 failing rows/,
    );
    const results = JSON.parse(p.read('target/run_results.json')).results;
    expect(
      results.find((r: { name: string }) => r.name === 'not_null_customers_email'),
    ).toMatchObject({ status: 'warn', failures: 2 });
  });

  it('an error-severity failure fails the run (CLI exit 1)', async () => {
    const p = project(withTests('          - not_null\n'));
    const cli = await p.cli(['build']);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/FAIL\s+test\s+not_null_customers_email/);
  });

  it('error_if and warn_if decide between fail, warn and pass on the failure count', async () => {
    const p = project(
      withTests(
        [
          // 2 failures: not > 2, so no error; warn_if's default (!= 0) warns.
          '          - not_null: {name: above_two_errors, config: {error_if: ">2"}}',
          // 2 failures: >= 2 errors.
          '          - not_null: {name: two_or_more_errors, config: {error_if: ">=2"}}',
          // 2 failures: neither threshold is reached.
          '          - not_null: {name: quiet, config: {error_if: ">2", warn_if: ">5"}}',
          '',
        ].join('\n'),
      ),
    );
    const report = await p.build();
    const status = (name: string) => report.results.find((r) => r.name === name)?.status;
    expect([status('above_two_errors'), status('two_or_more_errors'), status('quiet')]).toEqual([
      'warn',
      'fail',
      'pass',
    ]);
  });
});

describe('where, limit and store_failures', () => {
  it('where filters the rows under test; limit caps the failing rows counted', async () => {
    const p = project(
      withTests(
        [
          '          - not_null: {name: filtered, config: {where: "id <> 2"}}', // only id 3 remains null
          '          - not_null: {name: filtered_away, config: {where: "id in (1, 4)"}}',
          '          - not_null: {name: limited, config: {limit: 1}}',
          '          - relationships: {name: related_where, to: "ref(\'customers\')", field: email, config: {where: "email is not null"}}',
          '',
        ].join('\n'),
      ),
    );
    const report = await p.build();
    const failures = Object.fromEntries(
      report.results.filter((r) => r.kind === 'test').map((r) => [r.name, [r.status, r.failures]]),
    );
    expect(failures).toEqual({
      filtered: ['fail', 1],
      filtered_away: ['pass', 0],
      limited: ['fail', 1],
      related_where: ['pass', 0],
    });
  });

  it('store_failures keeps the failing rows in the audit schema, tagged with the run id', async () => {
    const p = project({
      ...withTests('          - not_null: {config: {store_failures: true}}\n'),
      'models/more.yml': 'models: []\n',
      'tests/negative_amounts.sql':
        "{{ config(store_failures=true, schema='checks') }}\nselect id, amount from {{ ref('customers') }} where amount < 0\n",
    });
    const report = await p.build({ threads: 4 });
    expect(report.results.find((r) => r.name === 'not_null_customers_email')).toMatchObject({
      storedIn: '"audit"."not_null_customers_email"',
    });
    const stored = await p.query(
      'select id, duckflow_invocation_id as run from audit.not_null_customers_email order by id',
    );
    expect(stored).toEqual([
      { id: 2, run: report.invocationId },
      { id: 3, run: report.invocationId },
    ]);
    expect(
      await p.query(
        'select id, amount, duckflow_invocation_id = $$' +
          report.invocationId +
          '$$ as same_run from checks.negative_amounts',
      ),
    ).toEqual([{ id: 3, amount: -1, same_run: true }]);
  });
});

describe('build semantics', () => {
  it("a failing error test skips the model's descendants while other branches build", async () => {
    const p = project({
      ...withTests('          - not_null\n'),
      'models/customer_emails.sql': "select email from {{ ref('customers') }}\n",
      'models/email_domains.sql':
        "select split_part(email, '@', 2) as domain from {{ ref('customer_emails') }}\n",
      'models/numbers.sql': 'select 1 as n\n',
      'models/numbers_doubled.sql': "select n * 2 as n from {{ ref('numbers') }}\n",
    });
    const report = await p.build();
    const status = Object.fromEntries(report.results.map((r) => [r.name, r.status]));
    expect(status).toEqual({
      customers: 'success',
      not_null_customers_email: 'fail',
      customer_emails: 'skipped',
      email_domains: 'skipped',
      numbers: 'success',
      numbers_doubled: 'success',
    });
    expect(report.results.find((r) => r.name === 'customer_emails')?.message).toBe(
      'skipped: upstream not_null_customers_email failed',
    );
  });

  it('a warning does not skip anything', async () => {
    const p = project({
      ...withTests('          - not_null: {severity: warn}\n'),
      'models/customer_emails.sql': "select email from {{ ref('customers') }}\n",
    });
    const report = await p.build();
    expect(report.success).toBe(true);
    expect(report.results.find((r) => r.name === 'customer_emails')?.status).toBe('success');
  });
});

describe('output and artifacts of a failing test', () => {
  it('prints the test, model and column, the failing count, up to 5 sample rows and the compiled SQL path', async () => {
    const p = project({
      ...base,
      'models/schema.yml':
        'models:\n  - name: customers\n    columns:\n      - name: id\n        data_tests:\n          - accepted_values: {values: [1]}\n',
      'models/many.sql': "{{ config(materialized='table') }}\nselect range as id from range(10)\n",
      'models/many.yml':
        'models:\n  - name: many\n    columns:\n      - name: id\n        data_tests:\n          - expression_is_true: {expression: "< 0"}\n',
    });
    const lines: string[] = [];
    const printer = textPrinter((l) => lines.push(l), false);
    await p.build({ onEvent: (e: RunEvent) => printer(e) });
    const out = lines.join('\n');
    expect(out).toContain(
      [
        '        customers column id: 3 failing rows (declared at models/schema.yml:6)',
        '        value_field | n_records',
        '        ------------+----------',
        '                  2 |         1',
        '                  3 |         1',
        '                  4 |         1',
      ].join('\n'),
    );
    expect(out).toMatch(
      /compiled SQL: .*target\/compiled\/tests\/accepted_values_customers_id\.sql/,
    );
    // Ten failing rows: the sample stops at five.
    const from = lines.findIndex((l) => l.includes('many column id: 10 failing rows'));
    const to = lines.findIndex((l, i) => i > from && l.includes('compiled SQL'));
    expect(to - from - 1).toBe(2 + 5);
  });

  it('run_results.json holds status, failures, message and the compiled path of each test', async () => {
    const p = project(withTests('          - not_null\n          - unique\n'));
    const report = await p.build();
    const results = JSON.parse(p.read('target/run_results.json'));
    expect(results.invocation_id ?? results.metadata.invocation_id).toBe(report.invocationId);
    const notNull = results.results.find(
      (r: { name: string }) => r.name === 'not_null_customers_email',
    );
    expect(notNull).toMatchObject({
      unique_id: 'test.shop.not_null_customers_email',
      kind: 'test',
      status: 'fail',
      failures: 2,
      message: '2 failing rows',
      detail: 'not_null',
      file: 'models/schema.yml',
      line: 6,
    });
    expect(readFileSync(notNull.compiled_path, 'utf8')).toContain('where "email" is null');
    expect(notNull.sample.rows).toEqual([
      { id: 2, email: null, amount: 10 },
      { id: 3, email: null, amount: -1 },
    ]);
    expect(
      results.results.find((r: { name: string }) => r.name === 'unique_customers_email'),
    ).toMatchObject({ status: 'pass', failures: 0, message: 'pass' });
  });
});
