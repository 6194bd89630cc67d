import { afterAll, describe, expect, it } from 'vitest';
import type { NodeResult } from '../../src/api.ts';
import { junitXml } from '../../src/testing/junit.ts';
import { project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const result = (
  r: Partial<NodeResult> & Pick<NodeResult, 'name' | 'kind' | 'status' | 'message'>,
): NodeResult => ({
  id: `${r.kind}.shop.${r.name}`,
  detail: '',
  startedAt: '2024-01-01T00:00:00.000Z',
  completedAt: '2024-01-01T00:00:00.250Z',
  seconds: 0.25,
  ...r,
});

describe('JUnit XML', () => {
  it('is exactly this for a small fixed run: escaped text, failure vs error, skipped, warnings', () => {
    const xml = junitXml(
      [
        result({
          name: 'orders',
          kind: 'model',
          status: 'success',
          message: 'table "main"."orders"',
        }),
        result({
          name: 'not_null_orders_id',
          kind: 'test',
          status: 'pass',
          message: 'pass',
          attachedTo: 'model.shop.orders',
          file: 'models/schema.yml',
          line: 6,
        }),
        result({
          name: 'amount_check',
          kind: 'test',
          status: 'fail',
          message: '2 failing rows',
          attachedTo: 'model.shop.orders',
          compiledPath: '/p/target/compiled/tests/amount_check.sql',
        }),
        result({
          name: 'revenue',
          kind: 'model',
          status: 'error',
          message: 'models/revenue.sql:3: Binder Error: "x" < 1 & more\n  3 | select x',
        }),
        result({
          name: 'report',
          kind: 'model',
          status: 'skipped',
          message: 'skipped: upstream revenue failed',
        }),
        result({
          name: 'emails',
          kind: 'test',
          status: 'warn',
          message: '1 failing row',
          attachedTo: 'model.shop.customers',
        }),
        result({
          name: 'splits_sessions',
          kind: 'unit_test',
          status: 'fail',
          message: 'output differs\nmissing rows:',
          attachedTo: 'model.shop.sessions',
          file: 'models/sessions.yml',
          line: 2,
        }),
      ],
      'shop build',
    );
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="duckflow" tests="7" failures="2" errors="1" skipped="1" time="1.750">',
        '  <testsuite name="shop build" tests="7" failures="2" errors="1" skipped="1" time="1.750">',
        '    <testcase classname="model.orders" name="orders" time="0.250"></testcase>',
        '    <testcase classname="test.model.shop.orders" name="not_null_orders_id" time="0.250" file="models/schema.yml" line="6"></testcase>',
        '    <testcase classname="test.model.shop.orders" name="amount_check" time="0.250"><failure message="2 failing rows" type="fail">2 failing rows\ncompiled SQL: /p/target/compiled/tests/amount_check.sql</failure></testcase>',
        '    <testcase classname="model.revenue" name="revenue" time="0.250"><error message="models/revenue.sql:3: Binder Error: &quot;x&quot; &lt; 1 &amp; more" type="error">models/revenue.sql:3: Binder Error: &quot;x&quot; &lt; 1 &amp; more\n  3 | select x</error></testcase>',
        '    <testcase classname="model.report" name="report" time="0.250"><skipped message="skipped: upstream revenue failed"/></testcase>',
        '    <testcase classname="test.model.shop.customers" name="emails" time="0.250"><system-out>warning: 1 failing row</system-out></testcase>',
        '    <testcase classname="unit_test.model.shop.sessions" name="splits_sessions" time="0.250" file="models/sessions.yml" line="2"><failure message="output differs" type="fail">output differs\nmissing rows:</failure></testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('is written by --junit-xml with one testcase per node, data tests and unit tests included', async () => {
    const p = project({
      'project.yml': 'name: shop\n',
      'models/orders.sql': 'select 1 as id union all select null\n',
      'models/schema.yml': [
        'models:',
        '  - name: orders',
        '    columns:',
        '      - name: id',
        '        data_tests: [not_null]',
        'unit_tests:',
        '  - name: keeps_rows',
        '    model: orders',
        '    given: []',
        '    expect: {rows: [{id: 1}, {id: null}]}',
        '',
      ].join('\n'),
    });
    const cli = await p.cli(['build', '--junit-xml', p.path('target/junit.xml')]);
    expect(cli.code).toBe(1);
    const xml = p.read('target/junit.xml');
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain(
      '<testsuite name="shop build" tests="3" failures="1" errors="0" skipped="0"',
    );
    expect(xml).toMatch(
      /<testcase classname="unit_test\.model\.shop\.orders" name="keeps_rows" time="[\d.]+" file="models\/schema\.yml" line="7"><\/testcase>/,
    );
    expect(xml).toMatch(
      /<testcase classname="test\.model\.shop\.orders" name="not_null_orders_id" [^>]*><failure message="1 failing row" type="fail">/,
    );
  });
});
