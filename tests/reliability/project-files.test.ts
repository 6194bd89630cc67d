/**
 * Reliability cases for project files, templates, error mapping and the parse cache (issue 9):
 * each test is one case of docs/reliability.md's "Project files and templates" section.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import * as api from '../../src/api.ts';
import { schemasStamp } from '../../src/project/schemas.ts';
import { ParseCache } from '../../src/util/parseCache.ts';
import { project, removeFixtures, type Fixture } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const CACHE = 'target/partial_parse.json';

/** Two models, one described in YAML: enough for the parse cache to hold a properties entry. */
const shop = () =>
  project({
    'project.yml': 'name: shop\n',
    'models/orders.sql': 'select 1 as id, 10 as amount\n',
    'models/totals.sql': "select id, amount * 2 as doubled\nfrom {{ ref('orders') }}\n",
    'models/schema.yml':
      'models:\n  - name: totals\n    description: doubled amounts\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
  });

const descriptionOf = (p: Fixture, name: string) =>
  api
    .list({ projectDir: p.dir })
    .nodes.find((n) => n.name === name && n.kind === 'model')
    ?.description.toString();

/** `duckflow ls` on a broken project: exits 2, and what it printed on stderr. */
async function lsFails(p: Fixture): Promise<string> {
  const result = await p.cli(['ls']);
  expect(result.code, result.stderr).toBe(2);
  return result.stderr;
}

type CacheFile = { entries: Record<string, unknown> } & Record<string, unknown>;

/** The cache a first `ls` wrote, to be tampered with the way an attacker with write access would. */
function writtenCache(p: Fixture): CacheFile {
  api.list({ projectDir: p.dir });
  return JSON.parse(p.read(CACHE)) as CacheFile;
}

describe('the parse cache (target/partial_parse.json) is data, never code', () => {
  it('[parse-cache-code-not-run] a cache entry holding JavaScript is never run by `ls`', async () => {
    const p = shop();
    const cache = writtenCache(p);
    // Compiled template code, as earlier versions cached it under this very key, that would print
    // a marker and turn the model into other SQL if it were evaluated.
    const path = 'models/totals.sql';
    const text = p.read(path);
    const key = `template:${createHash('sha1').update(`${path}\0${text}`).digest('base64')}`;
    cache.entries[key] =
      'process.stdout.write("CACHED-CODE-RAN\\n"); return { root: function (env, context, frame, runtime, cb) { cb(null, "select 666 as id"); } };';
    p.write({ [CACHE]: JSON.stringify(cache) });

    const listed = await p.cli(['ls']);
    expect(listed.stdout).not.toContain('CACHED-CODE-RAN');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')).toContain('totals');
    const compiled = await p.cli(['compile']);
    expect(compiled.stdout + compiled.stderr).not.toContain('CACHED-CODE-RAN');
    expect(p.read('target/compiled/models/totals.sql')).toBe(
      'select id, amount * 2 as doubled\nfrom "main"."orders"\n',
    );
    // The rejected cache was replaced by a valid one: parsed properties and rendered SQL, data only.
    const rewritten = JSON.parse(p.read(CACHE)) as CacheFile;
    expect(Object.keys(rewritten.entries).every((k) => /^(properties|render):/.test(k))).toBe(true);
    const rendered = Object.entries(rewritten.entries).flatMap(([k, v]) =>
      k.startsWith('render:') ? (v as { sql: string }[]) : [],
    );
    expect(rendered.map((r) => r.sql)).toContain(
      'select id, amount * 2 as doubled\nfrom "main"."orders"\n',
    );
  });

  it('[parse-cache-malformed] a cache that is not JSON, truncated or of the wrong shape is ignored, with no crash', () => {
    const p = shop();
    const cache = writtenCache(p);
    const [key] = Object.keys(cache.entries);
    const variants: Record<string, string> = {
      'not JSON': 'this is not { json',
      truncated: JSON.stringify(cache).slice(0, 40),
      'entry of the wrong shape': JSON.stringify({ ...cache, entries: { [key!]: { models: 5 } } }),
      'model entry missing its fields': JSON.stringify({
        ...cache,
        entries: {
          [key!]: { models: [{ name: 'totals' }], seeds: [], sources: [], unitTests: [] },
        },
      }),
      'top level an array': '[1, 2, 3]',
      'unknown entry kind': JSON.stringify({ ...cache, entries: { 'eval:abc': 'code' } }),
    };
    for (const [what, content] of Object.entries(variants)) {
      p.write({ [CACHE]: content });
      expect(descriptionOf(p, 'totals'), what).toBe('doubled amounts');
      expect(p.list(), what).toEqual(['orders', 'totals', 'not_null_totals_id']);
    }
  });

  it('[parse-cache-other-project] a well-formed cache written under another project.yml is not used', () => {
    const p = shop();
    const cache = writtenCache(p);
    const [key] = Object.keys(cache.entries);
    const entry = cache.entries[key!] as { models: { description: string }[] };
    entry.models[0]!.description = 'changed in the cache';
    p.write({ [CACHE]: JSON.stringify(cache) });
    // The cache is read while project.yml is unchanged: it holds data, so it can change a
    // description, which shows the check below is what keeps it out.
    expect(descriptionOf(p, 'totals')).toBe('changed in the cache');

    p.write({ [CACHE]: JSON.stringify(cache), 'project.yml': 'name: shop\nvars:\n  x: 1\n' });
    expect(descriptionOf(p, 'totals')).toBe('doubled amounts');
  });

  it('[parse-cache-other-schemas] a cache written under other schemas is not used', () => {
    const p = shop();
    writtenCache(p);
    const file = p.path(CACHE);
    const text = p.read('project.yml');
    const key = `models/schema.yml\0${p.read('models/schema.yml')}`;
    expect(ParseCache.load(file, text, schemasStamp).peek('properties', key)).toBeDefined();
    expect(ParseCache.load(file, text, 'schemas changed since').peek('properties', key)).toBe(
      undefined,
    );
  });
});

/** The classic "billion laughs": nine levels, each nine aliases of the level above. */
function aliasBomb(indent: string): string {
  const levels = 'abcdefghi'.split('');
  return levels
    .map((name, i) =>
      i === 0
        ? `${indent}a: &a [${Array(9).fill('"lol"').join(', ')}]`
        : `${indent}${name}: &${name} [${Array(9)
            .fill(`*${levels[i - 1]}`)
            .join(', ')}]`,
    )
    .join('\n');
}

describe('YAML aliases', () => {
  it('[yaml-alias-bomb] a "billion laughs" alias bomb is a project error (exit 2) at the alias, in a properties file and in project.yml', async () => {
    const p = project({
      'project.yml': 'name: shop\n',
      'models/orders.sql': 'select 1 as id\n',
      // Lines 1-3 lead in: level a is on line 4, and the first alias of level e, in level f, on line 9.
      'models/schema.yml': `models:\n  - name: orders\n    meta:\n${aliasBomb('      ')}\n`,
    });
    const inProperties = await lsFails(p);
    expect(inProperties).toContain(
      'models/schema.yml:9:14: invalid YAML: alias *e expands to more than 10,000 nodes',
    );

    p.write({
      'project.yml': `name: shop\nvars:\n${aliasBomb('  ')}\n`,
      'models/schema.yml': 'models:\n  - name: orders\n',
    });
    const inProject = await lsFails(p);
    expect(inProject).toContain('project.yml:8:10: invalid YAML: alias *e expands');
  });

  it('[yaml-anchor-reuse] one anchor reused by 150 models loads (more than the yaml default of 100 uses)', () => {
    const models = Array.from({ length: 150 }, (_, i) => `m${i}`);
    const files: Record<string, string> = { 'project.yml': 'name: shop\n' };
    for (const m of models) files[`models/${m}.sql`] = 'select 1 as id\n';
    files['models/schema.yml'] = [
      'models:',
      ...models.map((m, i) =>
        i === 0
          ? `  - name: ${m}\n    columns: &cols\n      - name: id\n        data_tests: [not_null]`
          : `  - name: ${m}\n    columns: *cols`,
      ),
    ].join('\n');
    const p = project(files);
    const tests = p.list({ resourceTypes: ['test'] });
    expect(tests).toHaveLength(150);
    expect(tests).toContain('not_null_m149_id');
  });
});

describe('project files must be UTF-8', () => {
  it('[invalid-utf8] a Latin-1 byte in a model, a properties file or project.yml is an error at its file:line:column, not replaced silently', async () => {
    const latin1 = (text: string) => Buffer.from(text, 'latin1');
    const p = project({
      'project.yml': 'name: shop\n',
      // "café" in Latin-1: é is the single byte 0xE9, on line 3, column 13.
      'models/orders.sql': latin1("select 1 as id,\n  -- a comment\n  'caf\u00e9' as name\n"),
      'models/schema.yml': latin1('models:\n  - name: orders\n    description: na\u00efve\n'),
      'macros/m.sql': '{% macro m() %}1{% endmacro %}\n',
    });
    // Both files are reported in one pass, each at its first bad byte.
    const first = await lsFails(p);
    expect(first).toContain('models/schema.yml:3:20: not valid UTF-8: byte 0xEF at byte offset 44');
    expect(first).toContain('models/orders.sql:3:7: not valid UTF-8: byte 0xE9 at byte offset 37');
    // Only the real problem is reported: not also "described here but has no .sql file".
    p.write({ 'models/schema.yml': 'models:\n  - name: orders\n    description: na\u00efve\n' });
    const second = await lsFails(p);
    expect(second).toContain('models/orders.sql:3:7: not valid UTF-8');
    expect(second).not.toContain('no .sql file');

    // A UTF-8 file that really holds U+FFFD is valid: the error is at the first invalid byte.
    p.write({
      'models/orders.sql': Buffer.concat([
        Buffer.from("select '\uFFFD' as a,\n  'x"),
        Buffer.from([0xff]),
        Buffer.from("' as b\n"),
      ]),
    });
    expect(await lsFails(p)).toContain('models/orders.sql:2:5: not valid UTF-8: byte 0xFF');

    p.write({
      'models/orders.sql': 'select 1 as id\n',
      'project.yml': latin1('name: caf\u00e9\n'),
    });
    const third = await lsFails(p);
    expect(third).toContain('project.yml:1:10: not valid UTF-8: byte 0xE9');
  });
});

describe('templates', () => {
  it('[template-undefined-name] an undefined name or unknown macro is an error at the model line; definedness idioms still work', async () => {
    const p = project({
      'project.yml': 'name: shop\nvars:\n  region: eu\n',
      'macros/m.sql':
        "{% macro cents(col) %}({{ col }} * 100){% endmacro %}\n{% macro label(x, suffix='') %}\n  '{{ x }}{{ suffix }}{{ missing_inside }}'\n{% endmacro %}\n",
      'models/orders.sql': 'select 1 as id\n',
      'models/typo.sql': 'select\n  id,\n  {{ undefined_thing }} as x\nfrom {{ ref("orders") }}\n',
      'models/unknown_macro.sql': 'select\n  {{ centz("id") }} as c\nfrom {{ ref("orders") }}\n',
      'models/in_macro.sql': 'select\n\n  {{ label("a") }} as l\n',
    });
    const listed = await lsFails(p);
    expect(listed).toContain(
      "models/typo.sql:3:3: template error: 'undefined_thing' is undefined or none; if it may be missing, test it with 'is defined'",
    );
    expect(listed).toContain(
      "models/unknown_macro.sql:2:11: template error: 'centz' is undefined: no macro or function of that name (did you mean 'cents'?)",
    );
    // Inside a macro: the model's line that called it, and the macro's own line.
    expect(listed).toContain(
      "models/in_macro.sql:3:11: template error: 'missing_inside' is undefined or none; if it may be missing, test it with 'is defined' or give it a '| default(…)' (in macro 'label', macros/m.sql:3:23)",
    );

    // What dbt projects write to test whether something is defined keeps working.
    p.write({
      'macros/m.sql': "{% macro label(x, suffix='') %}'{{ x }}{{ suffix }}'{% endmacro %}\n",
      'models/typo.sql': [
        'select',
        '  {% if undefined_thing is defined %}{{ undefined_thing }}{% else %}0{% endif %} as a,',
        "  {{ undefined_thing | default('1') }} as b,",
        "  {{ var('region') }} as region,",
        "  {{ var('missing', 'x') }} as c,",
        '  {% if maybe %}2{% else %}3{% endif %} as d,',
        "  {{ label('l') }} as e",
        "from {{ ref('orders') }}",
        '',
      ].join('\n'),
      'models/unknown_macro.sql': 'select 1 as id\n',
      'models/in_macro.sql': 'select 1 as id\n',
    });
    const { compiled } = api.compile({ projectDir: p.dir });
    expect(compiled.find((c) => c.node.name === 'typo')?.sql).toBe(
      `select\n  0 as a,\n  1 as b,\n  eu as region,\n  x as c,\n  3 as d,\n  'l' as e\nfrom "main"."orders"`,
    );
  });
});

describe('database errors in long models and long lines', () => {
  it('[sql-error-10k-lines] an error near the end of a 10,000-line model points at its line', async () => {
    // Numbered literal lines, a templated line every 10th, an {% if %} block that renders
    // nothing every 100th (so compiled and source lines drift apart), the error on line 9,990.
    const lines = ['select', '  1 as c0,'];
    for (let k = 1; lines.length < 9989; k++) {
      if (k % 100 === 0)
        lines.push("  {% if var('wide', false) %}", `  ${k} as w${k},`, '  {% endif %}');
      else if (k % 10 === 0) lines.push(`  {{ ${k} }} as c${k},`);
      else lines.push(`  ${k} as c${k},`);
    }
    lines.push('  missing_column as boom', "from {{ ref('orders') }}", '');
    expect(lines.indexOf('  missing_column as boom') + 1).toBe(9990);
    const p = project({
      'project.yml': 'name: shop\n',
      'models/orders.sql': 'select 1 as id\n',
      'models/wide.sql': lines.join('\n'),
    });
    const report = await p.build({ select: ['+wide'] });
    const result = report.results.find((r) => r.name === 'wide')!;
    expect(result.status).toBe('error');
    expect(result.message.split('\n')[0]).toMatch(
      /^models\/wide\.sql:9990: Binder Error: Referenced column "missing_column" not found/,
    );
    expect(result.message).toContain('\n  9990 |   missing_column as boom');
    expect(result).toMatchObject({ file: 'models/wide.sql', line: 9990 });
  });

  it('[sql-error-long-line] a 5 MB line with a SQL error prints the error and 200 characters around it, not the line', async () => {
    const long = 'x'.repeat(5_000_000);
    const p = project({
      'project.yml': 'name: shop\n',
      'models/orders.sql': 'select 1 as id\n',
      'models/long.sql': `select\n  '${long}' as a, nope as b\nfrom {{ ref('orders') }}\n`,
      // DuckDB repeats a long identifier in its message: that is capped too.
      'models/long_name.sql': `select\n  ${'y'.repeat(1_000_000)} as c\nfrom {{ ref('orders') }}\n`,
    });
    const built = await p.cli(['build']);
    expect(built.code).toBe(1);
    expect(built.stdout).not.toContain('Regular expression too large');
    expect(built.stdout.length).toBeLessThan(5000);
    expect(built.stdout).toContain('models/long.sql:2: Binder Error: Referenced column "nope"');
    const out = built.stdout.split('\n');
    const at = out.findIndex((l) => l.includes('models/long.sql:2:'));
    const snippet = out.slice(at).find((l) => l.includes('2 | '))!;
    expect(snippet).toContain("xxx' as a, nope as b");
    expect(snippet.length).toBeLessThan(260);
    expect(built.stdout).toMatch(/models\/long_name\.sql:2: Binder Error: Referenced column "y+…/);
  });
});

describe('unit tests', () => {
  it("[unit-test-model-sql-error] a model's own SQL error found by its unit tests is reported once, at the model's line; skips are folded", async () => {
    const unitTest = (name: string, id: number) =>
      `  - name: ${name}\n    model: totals\n    given:\n      - input: ref('orders')\n        rows: [{id: ${id}, amount: 10}]\n    expect:\n      rows: [{id: ${id}, doubled: 20}]\n`;
    const p = project({
      'project.yml': 'name: shop\n',
      'models/orders.sql': 'select 1 as id, 10 as amount\n',
      'models/totals.sql':
        "select\n  id,\n  amount_typo * 2 as doubled\nfrom {{ ref('orders') }}\n",
      'models/after.sql': "select * from {{ ref('totals') }}\n",
      'models/schema.yml': `models:\n  - name: totals\n    columns:\n      - name: id\n        data_tests: [not_null, unique]\nunit_tests:\n${unitTest('first', 1)}${unitTest('second', 2)}${unitTest('third', 3)}`,
    });
    const built = await p.cli(['build']);
    expect(built.code).toBe(1);
    const out = built.stdout;
    // Once, as the model's error at its line, with no hint about givens.
    expect(out.split('Referenced column "amount_typo"')).toHaveLength(2);
    expect(out).toMatch(
      /ERROR unit_test (first|second|third) \(unit\) models\/totals\.sql:3: model 'totals' fails on its own SQL, whatever a unit test gives it: Binder Error: Referenced column "amount_typo" not found/,
    );
    expect(out).toContain('3 |   amount_typo * 2 as doubled');
    expect(out).not.toContain('hint:');
    // What is downstream of the failed unit test is skipped in one line.
    expect(out).toMatch(
      /\[\d+-\d+\/8\] SKIP {2}4 nodes skipped: upstream (first|second|third) failed: model totals, model after, test not_null_totals_id, test unique_totals_id/,
    );
    const results = JSON.parse(p.read('target/run_results.json')) as {
      results: { unique_id: string; status: string; message: string }[];
    };
    const units = results.results.filter((r) => r.unique_id.startsWith('unit_test.'));
    expect(units.map((r) => r.status).sort()).toEqual(['error', 'skipped', 'skipped']);
    for (const r of units.filter((u) => u.status === 'skipped'))
      expect(r.message).toMatch(
        /^skipped: model totals's SQL fails \(reported by unit test \w+\)$/,
      );

    // When the model is fine over its upstream's known columns, the givens are at fault: the
    // hint about givens stays. A source with no declared columns cannot tell, so it stays too.
    p.write({
      'models/totals.sql':
        "select\n  id,\n  amount * 2 as doubled\nfrom {{ source('raw', 'orders') }}\n",
      'models/sources.yml': 'sources:\n  - name: raw\n    tables:\n      - name: orders\n',
      'models/schema.yml': `unit_tests:\n  - name: lacks_amount\n    model: totals\n    given:\n      - input: source('raw', 'orders')\n        rows: [{id: 1}]\n    expect:\n      rows: [{id: 1, doubled: 20}]\n`,
    });
    const tested = await p.cli(['test', '--select', 'totals']);
    expect(tested.code).toBe(1);
    expect(tested.stdout).toContain(
      "unit test 'lacks_amount' of model 'totals': models/totals.sql:3:",
    );
    expect(tested.stdout).toContain('hint: a given has the columns its rows name');
  });
});
