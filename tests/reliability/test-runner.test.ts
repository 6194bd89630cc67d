/**
 * Reliability cases for the test runner and the rendering cache (issue 13): each test is one
 * case of docs/reliability.md's "Test runner and parse cache" section.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { project, removeFixtures, type Fixture } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const CACHE = 'target/partial_parse.json';
type Rendered = { calls: unknown[]; sql: string };
type CacheFile = { entries: Record<string, unknown> };

/**
 * Rewrites every cached rendering whose SQL contains `find`: the cache is data, so this shows
 * whether a compile served it (the marker appears) or rendered afresh.
 */
function tamper(p: Fixture, find: string, replace: string): void {
  const cache = JSON.parse(p.read(CACHE)) as CacheFile;
  let changed = 0;
  for (const [key, value] of Object.entries(cache.entries)) {
    if (!key.startsWith('render:')) continue;
    for (const r of value as Rendered[])
      if (r.sql.includes(find)) {
        r.sql = r.sql.replace(find, replace);
        changed++;
      }
  }
  expect(changed, `a cached rendering containing ${find}`).toBeGreaterThan(0);
  p.write({ [CACHE]: JSON.stringify(cache) });
}

const compiledSql = (p: Fixture, name: string) =>
  p.compile({ select: [name] }).compiled.find((c) => c.node.name === name)!.sql;

describe('the rendering cache never serves stale SQL', () => {
  const files = {
    'project.yml': 'name: shop\n',
    'macros/money.sql': '{% macro cents(col) %}({{ col }} * 100){% endmacro %}\n',
    'models/orders.sql': 'select 1 as id, 10 as amount\n',
    'models/totals.sql':
      "select id, {{ cents('amount') }} as amount_cents, '{{ env_var('SHOP_REGION', 'eu') }}' as region\nfrom {{ ref('orders') }}\n",
  };

  it('[render-cache-macro-change] a warm compile after a macro changes renders the new macro, not the cached SQL', () => {
    const p = project(files);
    expect(compiledSql(p, 'totals')).toBe(
      'select id, (amount * 100) as amount_cents, \'eu\' as region\nfrom "main"."orders"',
    );
    // The cache is live: a marked rendering is what an unchanged project compiles to.
    tamper(p, '(amount * 100)', '(amount * 100 /* from the cache */)');
    expect(compiledSql(p, 'totals')).toContain('/* from the cache */');

    p.write({ 'macros/money.sql': '{% macro cents(col) %}round({{ col }} * 100){% endmacro %}\n' });
    expect(compiledSql(p, 'totals')).toBe(
      'select id, round(amount * 100) as amount_cents, \'eu\' as region\nfrom "main"."orders"',
    );
  });

  it('[render-cache-context-change] a changed env_var, a renamed upstream relation or a changed var re-renders the model', () => {
    const p = project({
      ...files,
      'models/flagged.sql': "select {{ var('flag', 0) }} as flag\n",
    });
    compiledSql(p, 'totals');
    compiledSql(p, 'flagged');
    tamper(p, "'eu'", "'eu' /* from the cache */");
    tamper(p, 'select 0 as flag', 'select 0 /* from the cache */ as flag');
    const previous = process.env.SHOP_REGION;
    process.env.SHOP_REGION = 'us';
    try {
      expect(compiledSql(p, 'totals')).toBe(
        'select id, (amount * 100) as amount_cents, \'us\' as region\nfrom "main"."orders"',
      );
    } finally {
      if (previous === undefined) delete process.env.SHOP_REGION;
      else process.env.SHOP_REGION = previous;
    }
    // The upstream model now builds under another name: ref() answers differently.
    p.write({
      'models/schema.yml': 'models:\n  - name: orders\n    config:\n      alias: order_lines\n',
    });
    expect(compiledSql(p, 'totals')).toBe(
      'select id, (amount * 100) as amount_cents, \'eu\' as region\nfrom "main"."order_lines"',
    );
    expect(
      p.compile({ vars: '{flag: 1}' }).compiled.find((c) => c.node.name === 'flagged')!.sql,
    ).toBe('select 1 as flag');
  });
});
