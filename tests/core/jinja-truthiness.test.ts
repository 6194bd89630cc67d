/**
 * Jinja's truth in conditions: an empty list, dict or string is false (JavaScript's `[]` and
 * `{}` are true), and `and`/`or` return an operand, evaluating the right one only when needed.
 */
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { installJinjaCompat } from '../../src/templating/jinjaCompat.ts';

installJinjaCompat();
const env = new nunjucks.Environment(null, { autoescape: false });
const render = (template: string, context: object = {}) => env.renderString(template, context);

describe('Jinja truthiness', () => {
  it('[jinja-truthiness] treats empty lists and dicts as false in if, elif, not and inline if', () => {
    const ifElse = '{% if x %}yes{% else %}no{% endif %}';
    expect([[], {}, '', 0, null].map((x) => render(ifElse, { x }))).toEqual(Array(5).fill('no'));
    expect([[0], { a: 1 }, 'a', 1].map((x) => render(ifElse, { x }))).toEqual(Array(4).fill('yes'));
    expect(render('{% if a %}A{% elif b %}B{% else %}C{% endif %}', { a: [], b: [1] })).toBe('B');
    expect(render('{% if not xs %}none{% endif %}', { xs: [] })).toBe('none');
    expect(render("{{ 'some' if xs else 'none' }}", { xs: {} })).toBe('none');
  });

  it('treats an empty captured block as false', () => {
    expect(render('{% set s %}{% endset %}{% if s %}set{% else %}empty{% endif %}')).toBe('empty');
  });

  it('[jinja-and-or] returns an operand from and/or, as Python does', () => {
    expect(render("{{ xs or 'default' }}", { xs: [] })).toBe('default');
    expect(render("{{ xs or 'default' }}", { xs: ['a'] })).toBe('a');
    expect(render("{{ (xs and 'both') | length }}", { xs: [] })).toBe('0');
    expect(render("{{ 0 or 5 }}|{{ 3 and 4 }}|{{ none or 'n' }}|{{ '' or 'e' }}")).toBe('5|4|n|e');
  });

  it('evaluates the right operand only when the left does not decide', () => {
    const calls: string[] = [];
    const f = (v: unknown) => (calls.push(String(v)), v);
    render('{{ f(1) or f(2) }}{{ f(0) and f(3) }}{{ f([]) or f(4) }}', { f });
    expect(calls).toEqual(['1', '0', '', '4']);
  });
});
