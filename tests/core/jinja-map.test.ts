/** Jinja's `map` filter, which dbt macros use to list columns (nunjucks has none). */
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { addDbtTestsAndFilters } from '../../src/templating/jinjaCompat.ts';

// As duckflow renders SQL: nothing HTML-escaped.
const env = new nunjucks.Environment(null, { autoescape: false });
addDbtTestsAndFilters(env);
const render = (template: string, context: object) => env.renderString(template, context);

describe('the map filter', () => {
  it('takes an attribute of each item, a dotted path reaching into nested objects', () => {
    const columns = [{ quoted: '"a"' }, { quoted: '"b c"' }];
    expect(render("{{ cs | map(attribute='quoted') | join(', ') }}", { cs: columns })).toBe(
      '"a", "b c"',
    );
    expect(
      render("{{ xs | map(attribute='a.b') | join('|') }}", { xs: [{ a: { b: 1 } }, { a: {} }] }),
    ).toBe('1|');
  });

  it('passes each item through a filter named by its first argument', () => {
    expect(render("{{ xs | map('upper') | join(',') }}", { xs: ['x', 'y'] })).toBe('X,Y');
  });

  it('refuses a call that says neither', () => {
    expect(() => render('{{ xs | map | join }}', { xs: [1] })).toThrow(
      /map needs attribute='name' or the name of a filter/,
    );
  });
});
