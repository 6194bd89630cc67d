/**
 * Compiled template code is shared by every Renderer of the process: a renderer made for a unit
 * test's vars compiles nothing the run's renderer compiled, and still renders with its own vars,
 * macros and context.
 */
import nunjucks from 'nunjucks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Renderer, type RenderScope } from '../../src/templating/renderer.ts';

const macros = [
  {
    path: 'macros/greet.sql',
    text: "{% macro greet(name) %}{{ var('greeting') }}, {{ name }}{% endmacro %}",
  },
];
const target = { name: 'dev', type: 'duckdb', schema: 'main' };
const renderer = (greeting: string) =>
  new Renderer({ vars: { greeting }, target, macros, projectName: 'shop' });
const scope: RenderScope = {
  path: 'models/m.sql',
  ref: (name) => name,
  source: (source, table) => `${source}.${table}`,
};

afterEach(() => vi.restoreAllMocks());

describe('compiled template code', () => {
  it('is compiled once for every renderer, each rendering with its own vars', () => {
    // A text no other test compiles, so the first renderer below compiles it.
    const text = `select '{{ greet('${Math.random()}') }}' as g`;
    const compile = vi.spyOn(
      (nunjucks as unknown as { compiler: { compile: () => string } }).compiler,
      'compile',
    );
    const hello = renderer('hello').render(text, scope);
    const compiledFirst = compile.mock.calls.length;
    expect(compiledFirst).toBeGreaterThan(0);
    const hi = renderer('hi').render(text, scope);
    expect(compile.mock.calls.length).toBe(compiledFirst);
    expect(hello).toMatch(/^select 'hello, 0\.\d+' as g$/);
    expect(hi).toBe(hello.replace('hello', 'hi'));
  });

  it('is not kept for a template that does not compile: it fails again, at its file', () => {
    const broken = "select {{ greet('x') }";
    for (const greeting of ['a', 'b'])
      expect(() => renderer(greeting).render(broken, scope)).toThrow(/models\/m\.sql/);
  });
});
