/**
 * A unit test whose inputs are unchanged since it passed is not run again (target/
 * unit_test_passes.json); any change to what its result depends on runs it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { test } from '../../src/api.ts';
import { callsVolatile } from '../../src/testing/unit/passes.ts';
import { project, removeFixtures, type FileMap } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const files: FileMap = {
  'project.yml': 'name: shop\nvars:\n  vip_from: 100\n',
  'models/orders.sql': 'select 1::bigint as id, 10.5::double as amount\n',
  'models/big_orders.sql':
    "select id, amount >= {{ var('vip_from') }} as is_vip from {{ ref('orders') }} where amount > 0\n",
  'models/unit_tests.yml': `unit_tests:
  - name: flags_vip_orders
    model: big_orders
    given:
      - input: ref('orders')
        fixture: orders_given
    expect:
      rows:
        - {id: 1, is_vip: false}
        - {id: 2, is_vip: true}
`,
  'tests/fixtures/orders_given.csv': 'id,amount\n1,99.5\n2,100\n',
};

/** Run the unit tests of `dir`; what the one of them said. */
async function once(dir: string, rerun = false): Promise<{ status: string; ran: boolean }> {
  const { results } = await test({
    projectDir: dir,
    select: ['test_type:unit'],
    rerunUnitTests: rerun,
  });
  expect(results).toHaveLength(1);
  const [r] = results;
  return { status: r.status, ran: !/not run again/.test(r.message ?? '') };
}

it('[unit-test-passes] skips an unchanged unit test, and runs it again when any input changes', async () => {
  const { dir } = project(files);
  expect(await once(dir)).toEqual({ status: 'pass', ran: true });
  expect(await once(dir)).toEqual({ status: 'pass', ran: false });
  expect(await once(dir, true)).toEqual({ status: 'pass', ran: true });

  // the model's SQL (the same result, other SQL)
  writeFileSync(
    join(dir, 'models/big_orders.sql'),
    "select id, amount >= {{ var('vip_from') }} as is_vip from {{ ref('orders') }} where amount >= 0\n",
  );
  expect(await once(dir)).toEqual({ status: 'pass', ran: true });
  expect(await once(dir)).toEqual({ status: 'pass', ran: false });

  // a var the model renders with: order 2 is no longer a VIP, and the test fails
  writeFileSync(join(dir, 'project.yml'), 'name: shop\nvars:\n  vip_from: 101\n');
  expect(await once(dir)).toEqual({ status: 'fail', ran: true });
  // a failure is never kept: it runs until it passes
  expect(await once(dir)).toEqual({ status: 'fail', ran: true });
  writeFileSync(join(dir, 'project.yml'), 'name: shop\nvars:\n  vip_from: 100\n');
  expect(await once(dir)).toEqual({ status: 'pass', ran: true });
  expect(await once(dir)).toEqual({ status: 'pass', ran: false });

  // the given's fixture file
  writeFileSync(join(dir, 'tests/fixtures/orders_given.csv'), 'id,amount\n1,99.5\n2,100.0\n');
  expect(await once(dir)).toEqual({ status: 'pass', ran: true });
  expect(await once(dir)).toEqual({ status: 'pass', ran: false });

  // the upstream's columns, which type the given (amount becomes a decimal)
  writeFileSync(
    join(dir, 'models/orders.sql'),
    'select 1::bigint as id, 10.5::decimal(10, 2) as amount\n',
  );
  expect(await once(dir)).toEqual({ status: 'pass', ran: true });
  expect(await once(dir)).toEqual({ status: 'pass', ran: false });

  // an unreadable passes file is as if absent
  writeFileSync(join(dir, 'target/unit_test_passes.json'), '{"format": 1, "passes": ');
  expect(await once(dir)).toEqual({ status: 'pass', ran: true });
});

it('always runs a unit test whose SQL can give another result on the same inputs', async () => {
  const { dir } = project({
    ...files,
    'models/big_orders.sql':
      "select id, amount >= {{ var('vip_from') }} and current_date > date '2020-01-01' as is_vip from {{ ref('orders') }}\n",
  });
  expect(await once(dir)).toEqual({ status: 'pass', ran: true });
  expect(await once(dir)).toEqual({ status: 'pass', ran: true });
});

it('finds such a call on a line of its own, in the model or in rows given as SQL', () => {
  expect(callsVolatile('select\n  current_date as d', [])).toBe(true);
  expect(callsVolatile('select 1', [{ format: 'sql', rows: 'select\nnow() as t' }])).toBe(true);
  expect(callsVolatile('select 1', [{ format: 'sql', fixture: 'select\nrandom()' }])).toBe(true);
  // rows as data are not SQL: a value 'now' is a value
  expect(callsVolatile('select 1', [{ format: 'dict', rows: [{ word: 'now' }] }])).toBe(false);
  expect(callsVolatile('select nowhere, known from t', [])).toBe(false);
});
