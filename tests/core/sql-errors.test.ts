import { afterAll, describe, expect, it } from 'vitest';
import { project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

/*
 * The compiled SQL has fewer lines than the source: the 4-line config() header renders to one
 * empty line and the {% if %} tags to empty lines, so compiled line 8 is source line 11.
 */
const revenue = (gross: string, net: string, materialized = 'table') =>
  [
    '{{ config(',
    `    materialized='${materialized}',`,
    "    tags=['finance']",
    ') }}',
    '-- revenue per customer',
    'select',
    '  customer_id,',
    "{% if var('with_tax', true) %}",
    `  ${gross} * 1.2 as gross,`,
    '{% endif %}',
    `  ${net} as net`,
    "from {{ ref('orders') }}",
    '',
  ].join('\n');

const files = {
  'project.yml': 'name: x\n',
  'models/orders.sql': 'select * from (values (1, 10.0), (2, 5.0)) t(customer_id, amount)\n',
};

const errorOf = async (
  p: ReturnType<typeof project>,
  name: string,
  vars?: Record<string, unknown>,
) => {
  const report = await p.build({ vars });
  const result = report.results.find((r) => r.name === name)!;
  expect(result.status).toBe('error');
  return result;
};

describe('database errors point at the source file and line', () => {
  it('maps a compiled line below a config() header and an {% if %} block back to the source line', async () => {
    const p = project({ ...files, 'models/revenue.sql': revenue('amount', 'amount_x') });
    const result = await errorOf(p, 'revenue');
    expect(result.message.split('\n')[0]).toMatch(
      /^models\/revenue\.sql:11: Binder Error: Referenced column "amount_x" not found/,
    );
    expect(result.message).toContain('\n  11 |   amount_x as net');
    expect(result).toMatchObject({ file: 'models/revenue.sql', line: 11 });
    // The compiled file really is shorter: the error is on its line 8.
    expect(p.read('target/compiled/models/revenue.sql').split('\n')[7]).toBe('  amount_x as net');
  });

  it('maps the same line when the {% if %} block renders nothing', async () => {
    const p = project({ ...files, 'models/revenue.sql': revenue('amount', 'amount_x') });
    const result = await errorOf(p, 'revenue', { with_tax: false });
    expect(result.message.split('\n')[0]).toMatch(/^models\/revenue\.sql:11: Binder Error: /);
  });

  it('maps a line inside the {% if %} block, for a view and an incremental model too', async () => {
    for (const materialized of ['table', 'view', 'incremental']) {
      const p = project({
        ...files,
        'models/revenue.sql': revenue('amount_y', 'amount', materialized),
      });
      const result = await errorOf(p, 'revenue');
      expect(result.message.split('\n')[0]).toMatch(
        /^models\/revenue\.sql:9: Binder Error: Referenced column "amount_y" not found/,
      );
      expect(result.message).toContain('\n  9 |   amount_y * 1.2 as gross,');
    }
  });

  it('maps lines past the CTEs of inlined ephemeral models, and errors inside one to its own file', async () => {
    const p = project({
      ...files,
      'models/eph.sql':
        "{{ config(materialized='ephemeral') }}\nselect\n  customer_id\nfrom {{ ref('orders') }}\n",
      'models/uses_eph.sql': "select\n  customer_id,\n  nope\nfrom {{ ref('eph') }}\n",
    });
    let result = await errorOf(p, 'uses_eph');
    expect(result.message.split('\n')[0]).toMatch(/^models\/uses_eph\.sql:3: Binder Error: /);
    p.write({
      'models/eph.sql':
        "{{ config(materialized='ephemeral') }}\nselect\n  customer_id,\n  broken_col\nfrom {{ ref('orders') }}\n",
      'models/uses_eph.sql': "select\n  customer_id\nfrom {{ ref('eph') }}\n",
    });
    result = await errorOf(p, 'uses_eph');
    expect(result.message.split('\n')[0]).toMatch(
      /^models\/eph\.sql:4: Binder Error: Referenced column "broken_col" not found/,
    );
    expect(result.message).toContain('\n  4 |   broken_col');
    expect(result).toMatchObject({ file: 'models/eph.sql', line: 4 });
  });

  it('the CLI prints file:line: message, then the source line, and exits 1', async () => {
    const p = project({ ...files, 'models/revenue.sql': revenue('amount', 'amount_x') });
    const r = await p.cli(['build']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) =>
      l.includes('models/revenue.sql:11: Binder Error: Referenced column "amount_x" not found'),
    );
    expect(at).toBeGreaterThan(-1);
    expect(lines[at]).toMatch(/ERROR +model revenue \(table\)/);
    expect(
      lines
        .slice(at + 1)
        .find((l) => l.includes(' | '))
        ?.trim(),
    ).toBe('11 |   amount_x as net');
    expect(r.stdout).toContain('compiled SQL: ');
  });
});
