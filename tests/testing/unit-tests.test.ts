import { afterAll, describe, expect, it } from 'vitest';
import { runUnitTests, type NodeResult } from '../../src/api.ts';
import { textPrinter } from '../../src/cli/printer.ts';
import { errorOf, project, removeFixtures, type FileMap } from '../helpers/fixture.ts';

afterAll(removeFixtures);

/** Events split into sessions at gaps over 30 minutes: the kind of logic unit tests are for. */
const shop: FileMap = {
  'project.yml': 'name: shop\n',
  'models/sources.yml': `
sources:
  - name: raw
    tables:
      - name: events
        columns:
          - {name: id, data_type: bigint}
          - {name: user_id, data_type: varchar}
          - {name: ts, data_type: timestamp}
`,
  'models/stg_events.sql': "select id, user_id, ts from {{ source('raw', 'events') }}\n",
  'models/sessions.sql': [
    'with marked as (',
    '  select *, coalesce(ts - lag(ts) over (partition by user_id order by ts) > interval 30 minutes, true)::int as is_new',
    "  from {{ ref('stg_events') }}",
    '), numbered as (',
    '  select *, sum(is_new) over (partition by user_id order by ts) as session_number from marked',
    ')',
    'select user_id, session_number, min(ts) as started_at, max(ts) as ended_at, count(*) as events',
    'from numbered',
    'group by all',
    '',
  ].join('\n'),
};

/** A unit test of `sessions` on three events of user '007', expecting `expect` rows. */
const sessionsTest = (name: string, expectRows: string) => `
  - name: ${name}
    model: sessions
    given:
      - input: ref('stg_events')
        rows:
          - {id: 1, user_id: '007', ts: '2024-01-01 10:00:00.000001'}
          - {id: 2, user_id: '007', ts: '2024-01-01 10:20:00'}
          - {id: 3, user_id: '007', ts: '2024-01-01 11:00:00'}
    expect:
      rows:
${expectRows}`;

const unitTests = (body: string): FileMap => ({
  ...shop,
  'models/unit_tests.yml': `unit_tests:${body}`,
});

const only = async (files: FileMap, select?: string[]): Promise<NodeResult> => {
  const { results } = await runUnitTests({ projectDir: project(files).dir, select });
  expect(results).toHaveLength(1);
  return results[0];
};

describe('a unit test that passes', () => {
  it('compares only the expected columns, in any row order, to the microsecond', async () => {
    const r = await only(
      unitTests(
        sessionsTest(
          'splits_at_30_minute_gaps',
          [
            // Rows in any order; the columns compared are those the rows name (ended_at is not).
            "        - {user_id: '007', session_number: 2, started_at: '2024-01-01 11:00:00', events: 1}",
            "        - {user_id: '007', session_number: 1, started_at: '2024-01-01 10:00:00.000001', events: 2}",
            '',
          ].join('\n'),
        ),
      ),
    );
    expect(r).toMatchObject({
      kind: 'unit_test',
      name: 'splits_at_30_minute_gaps',
      status: 'pass',
      failures: 0,
      detail: 'unit',
      attachedTo: 'model.shop.sessions',
      file: 'models/unit_tests.yml',
      line: 2,
    });
    // In milliseconds, not seconds: nothing is built.
    expect(r.seconds).toBeLessThan(2);
  });
});

describe('a unit test that fails', () => {
  it('shows a row-level diff: values differing on matched rows, missing rows, unexpected rows', async () => {
    const r = await only(
      unitTests(
        sessionsTest(
          'wrong_expectations',
          [
            // Off by one microsecond: the model keeps it.
            "        - {user_id: '007', session_number: 1, started_at: '2024-01-01 10:00:00', ended_at: '2024-01-01 10:20:00'}",
            // There is no third session.
            "        - {user_id: '007', session_number: 3, started_at: '2024-01-01 12:00:00', ended_at: '2024-01-01 12:00:00'}",
            '',
          ].join('\n'),
        ),
      ),
    );
    expect(r.status).toBe('fail');
    expect(r.failures).toBe(4); // two expected rows not produced, two produced rows not expected
    expect(r.message).toBe(
      [
        'output differs from expect (2 rows expected, 2 produced): 1 row with different values, 1 missing, 1 unexpected',
        'rows with different values (matched on user_id, session_number):',
        '  user_id | session_number | column     | expected            | actual                    ',
        '  --------+----------------+------------+---------------------+---------------------------',
        '  007     |              1 | started_at | 2024-01-01 10:00:00 | 2024-01-01 10:00:00.000001',
        'missing rows (expected, not in the output):',
        '  user_id | session_number | started_at          | ended_at           ',
        '  --------+----------------+---------------------+--------------------',
        '  007     |              3 | 2024-01-01 12:00:00 | 2024-01-01 12:00:00',
        'unexpected rows (in the output, not expected):',
        '  user_id | session_number | started_at          | ended_at           ',
        '  --------+----------------+---------------------+--------------------',
        '  007     |              2 | 2024-01-01 11:00:00 | 2024-01-01 11:00:00',
      ].join('\n'),
    );
  });

  it('counts duplicate rows: an expected row given twice must be produced twice', async () => {
    const r = await only(
      unitTests(`
  - name: one_row_per_user
    model: stg_events
    given:
      - input: source('raw', 'events')
        rows: [{id: 1, user_id: a}]
    expect:
      rows: [{user_id: a}, {user_id: a}]
`),
    );
    expect(r).toMatchObject({ status: 'fail', failures: 1 });
    expect(r.message.split('\n')[0]).toBe(
      'output differs from expect (2 rows expected, 1 produced): 1 missing',
    );
  });

  it('expects no rows with rows: [], listing every row produced as unexpected', async () => {
    const r = await only(
      unitTests(`
  - name: nothing_expected
    model: stg_events
    given:
      - input: source('raw', 'events')
        rows: [{id: 1, user_id: a, ts: '2024-01-01'}]
    expect:
      rows: []
`),
    );
    expect(r.message).toBe(
      [
        'output differs from expect (0 rows expected, 1 produced): 1 unexpected',
        'unexpected rows (in the output, not expected):',
        '  id | user_id | ts                 ',
        '  ---+---------+--------------------',
        '   1 | a       | 2024-01-01 00:00:00',
      ].join('\n'),
    );
  });

  it('prints the diff on the console under the status line, with the model and the declaration', async () => {
    const p = project(
      unitTests(
        sessionsTest('wrong', "        - {user_id: '007', session_number: 1, events: 3}\n"),
      ),
    );
    const lines: string[] = [];
    const print = textPrinter((l) => lines.push(l), false);
    const report = await p.test({ select: ['test_type:unit'], onEvent: print });
    expect(report.success).toBe(false);
    const out = lines.join('\n');
    expect(out).toMatch(
      /FAIL\s+unit_test wrong \(unit\) output differs from expect \(1 row expected, 2 produced\): 1 row with different values, 1 unexpected/,
    );
    expect(out).toContain(
      '        model sessions (unit test declared at models/unit_tests.yml:2)\n        rows with different values (matched on user_id, session_number):',
    );
    expect(out).toMatch(/compiled SQL: .*target\/compiled\/unit_tests\/sessions\/wrong\.sql/);
    // The compiled SQL reads the givens, not the real relations.
    expect(p.read('target/compiled/unit_tests/sessions/wrong.sql')).toContain(
      'from "given__stg_events"',
    );
  });
});

describe('givens and their types', () => {
  it('a ref or source the model uses that no given provides is an error naming it', async () => {
    const r = await only(
      unitTests(`
  - name: forgot_the_events
    model: sessions
    given: []
    expect: {rows: []}
`),
    );
    expect(r.status).toBe('error');
    expect(r.message).toBe(
      `unit test 'forgot_the_events' of model 'sessions': the model uses ref('stg_events'), which no given provides: add a given with input: "ref('stg_events')" and its rows`,
    );
  });

  it('types a given like its upstream: declared data_types, then types derived through the models in between', async () => {
    // stg_events declares nothing; its types come from the source's declarations through its SQL,
    // so '007' stays text and timestamps with and without fractions are all timestamps.
    const r = await only(
      unitTests(`
  - name: typed_like_upstream
    model: sessions
    given:
      - input: ref('stg_events')
        rows:
          - {user_id: '007', ts: '2024-01-01 10:00:00.5'}
          - {user_id: '007', ts: '2024-01-01 10:00:01'}
    expect:
      rows: [{user_id: '007', started_at: '2024-01-01 10:00:00.5', ended_at: '2024-01-01 10:00:01', events: 2}]
`),
    );
    expect(r.message).toBe('pass');
  });

  it('reads a seed upstream through its declared column_types, and fills columns the rows leave out with NULL', async () => {
    const r = await only({
      'project.yml': 'name: shop\n',
      'seeds/products.csv': 'code,name,price\n007,tea,2.5\n',
      'seeds/products.yml':
        'seeds:\n  - name: products\n    config:\n      column_types: {code: varchar}\n',
      'models/priced.sql':
        "select code, name, coalesce(price, 0) as price from {{ ref('products') }}\n",
      'models/unit.yml': `unit_tests:
  - name: codes_keep_leading_zeros
    model: priced
    given:
      - input: ref('products')
        format: csv
        rows: |
          code,name
          007,tea
    expect:
      rows: [{code: '007', name: tea, price: 0}]
`,
    });
    expect(r.message).toBe('pass');
  });

  it('takes rows as CSV text, as SQL, or from fixture files (by name under tests/fixtures, or by path)', async () => {
    const { results } = await runUnitTests({
      projectDir: project({
        ...shop,
        'tests/fixtures/three_events.csv':
          'id,user_id,ts\n1,u,2024-01-01 10:00:00\n2,u,2024-01-01 10:10:00\n3,v,2024-01-01 10:00:00\n',
        'tests/fixtures/expected_sessions.sql':
          "select 'u' as user_id, 2 as events union all select 'v', 1\n",
        'data/events.json': '[{"id": 1, "user_id": "u", "ts": "2024-01-01 10:00:00"}]',
        'models/unit_tests.yml': `unit_tests:
  - name: csv_rows
    model: sessions
    given:
      - input: ref('stg_events')
        format: csv
        rows: |
          user_id,ts
          u,2024-01-01 10:00:00
          u,2024-01-01 12:00:00
    expect:
      format: csv
      rows: |
        user_id,session_number
        u,1
        u,2
  - name: sql_rows
    model: sessions
    given:
      - input: ref('stg_events')
        format: sql
        rows: select 'u' as user_id, timestamp '2024-01-01 10:00:00' as ts
    expect:
      format: sql
      rows: select 'u' as user_id, 1 as events
  - name: fixture_files
    model: sessions
    given:
      - input: ref('stg_events')
        fixture: three_events
    expect:
      fixture: expected_sessions
      format: sql
  - name: json_fixture_by_path
    model: stg_events
    given:
      - input: source('raw', 'events')
        fixture: data/events.json
    expect:
      rows: [{id: 1, ts: '2024-01-01 10:00:00'}]
`,
      }).dir,
    });
    // Results come in unique-id order: unit_test.<project>.<model>.<name>.
    expect(results.map((r) => [r.name, r.message])).toEqual([
      ['csv_rows', 'pass'],
      ['fixture_files', 'pass'],
      ['sql_rows', 'pass'],
      ['json_fixture_by_path', 'pass'],
    ]);
  });

  it('gives an ephemeral upstream like any ref, `this` with is_incremental() overridden, and overrides vars and macros', async () => {
    const { results } = await runUnitTests({
      projectDir: project({
        'project.yml': 'name: shop\nvars: {min_amount: 0}\n',
        'models/base_orders.sql':
          "{{ config(materialized='ephemeral') }}\nselect * from (values (1, 5)) t(id, amount)\n",
        'models/big_orders.sql':
          "select id from {{ ref('base_orders') }} where amount > {{ var('min_amount') }}\n",
        'macros/rate.sql': '{% macro rate() %}2{% endmacro %}\n',
        'models/converted.sql':
          "select id, amount * {{ rate() }} as converted from {{ ref('base_orders') }}\n",
        'models/orders_log.sql': [
          "{{ config(materialized='incremental') }}",
          "select id, amount from {{ ref('base_orders') }}",
          '{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}',
          '',
        ].join('\n'),
        'models/unit.yml': `unit_tests:
  - name: ephemeral_given
    model: big_orders
    overrides: {vars: {min_amount: 10}}
    given:
      - input: ref('base_orders')
        rows: [{id: 1, amount: 5}, {id: 2, amount: 50}]
    expect:
      rows: [{id: 2}]
  - name: incremental_run
    model: orders_log
    overrides: {macros: {is_incremental: true}}
    given:
      - input: ref('base_orders')
        rows: [{id: 1, amount: 5}, {id: 2, amount: 50}]
      - input: this
        rows: [{id: 1, amount: 5}]
    expect:
      rows: [{id: 2, amount: 50}]
  - name: macro_replaced
    model: converted
    overrides: {macros: {rate: 10}}
    given:
      - input: ref('base_orders')
        rows: [{id: 1, amount: 5}]
    expect:
      rows: [{id: 1, converted: 50}]
`,
      }).dir,
    });
    expect(results.map((r) => [r.name, r.message])).toEqual([
      ['ephemeral_given', 'pass'],
      ['macro_replaced', 'pass'],
      ['incremental_run', 'pass'],
    ]);
  });

  it('names expected columns the model does not output', async () => {
    const r = await only(
      unitTests(`
  - name: typo
    model: stg_events
    given:
      - input: source('raw', 'events')
        rows: [{id: 1}]
    expect:
      rows: [{idd: 1}]
`),
    );
    expect(r).toMatchObject({
      status: 'error',
      message:
        "unit test 'typo' of model 'stg_events': expect: expect names column idd that model 'stg_events' does not output (its columns: id, user_id, ts)",
    });
  });

  it('rejects broken declarations before running anything, with file and line', async () => {
    const error = await errorOf(() =>
      runUnitTests({
        projectDir: project(
          unitTests(`
  - name: wrong_model
    model: sesions
    given: []
    expect: {rows: []}
  - name: wrong_input
    model: sessions
    given:
      - input: stg_events
        rows: []
    expect: {rows: []}
  - name: text_rows_without_format
    model: sessions
    given:
      - input: ref('stg_events')
        rows: "user_id\\nu"
    expect: {rows: []}
`),
        ).dir,
      }),
    );
    expect(error.message.split('\n')).toEqual([
      "models/unit_tests.yml:2: unit test 'wrong_model': model 'sesions' does not exist (did you mean 'sessions'?)",
      "models/unit_tests.yml:6: unit test 'wrong_input': given input 'stg_events' must be ref('model'), source('source', 'table') or this",
      "models/unit_tests.yml:12: unit test 'text_rows_without_format': given ref('stg_events'): rows are text, so say which format they are in (format: csv or format: sql)",
    ]);
  });
});

describe('in test and build runs', () => {
  const files = unitTests(
    sessionsTest(
      'passes',
      "        - {user_id: '007', events: 2}\n        - {user_id: '007', events: 1}\n",
    ) +
      `
  - name: stg_fails
    model: stg_events
    given:
      - input: source('raw', 'events')
        rows: [{id: 1}]
    expect:
      rows: [{id: 2}]
`,
  );

  it('test --select test_type:unit runs only unit tests, never opening the target database', async () => {
    const p = project(files);
    const cli = await p.cli(['test', '--select', 'test_type:unit']);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/PASS\s+unit_test passes/);
    expect(cli.stdout).toMatch(/FAIL\s+unit_test stg_fails/);
    expect(p.exists('target/shop.duckdb')).toBe(false);
    const results = JSON.parse(p.read('target/run_results.json')).results;
    expect(
      results.map((r: { unique_id: string; kind: string }) => [r.unique_id, r.kind]).sort(),
    ).toEqual([
      ['unit_test.shop.sessions.passes', 'unit_test'],
      ['unit_test.shop.stg_events.stg_fails', 'unit_test'],
    ]);
  });

  it('selects unit tests by name, by the model they test, and with data tests in a plain test run', async () => {
    const p = project({
      ...files,
      'models/other.sql': 'select 1 as n\n',
      'models/schema.yml':
        'models:\n  - name: other\n    columns:\n      - name: n\n        data_tests: [not_null]\n',
    });
    expect(p.list({ select: ['stg_fails'] })).toEqual(['stg_fails']);
    expect(
      (await runUnitTests({ projectDir: p.dir, select: ['sessions'] })).results.map((r) => r.name),
    ).toEqual(['passes']);
    await p.run({ select: ['other'] });
    const report = await p.test();
    expect(report.results.map((r) => [r.name, r.kind, r.status]).sort()).toEqual([
      ['not_null_other_n', 'test', 'pass'],
      ['passes', 'unit_test', 'pass'],
      ['stg_fails', 'unit_test', 'fail'],
    ]);
  });

  it("build runs a model's unit tests first: a failing one skips the model and what depends on it", async () => {
    const p = project({ ...files, 'models/other.sql': 'select 1 as n\n' });
    const report = await p.build();
    const status = Object.fromEntries(report.results.map((r) => [r.name, r.status]));
    expect(status).toEqual({
      stg_fails: 'fail',
      passes: 'pass',
      stg_events: 'skipped',
      sessions: 'skipped',
      other: 'success',
    });
    expect(report.results.find((r) => r.name === 'stg_events')?.message).toBe(
      'skipped: upstream stg_fails failed',
    );
  });
});
