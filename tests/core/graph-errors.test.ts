import { afterAll, describe, expect, it } from 'vitest';
import { ProjectErrors } from '../../src/core/errors.ts';
import { errorOf, project, removeFixtures, type FileMap } from '../helpers/fixture.ts';

afterAll(removeFixtures);

async function graphErrors(files: FileMap): Promise<string[]> {
  const e = await errorOf(() => project({ 'project.yml': 'name: x\n', ...files }).list());
  expect(e).toBeInstanceOf(ProjectErrors);
  return (e as ProjectErrors).errors.map((x) => x.message);
}

describe('dependency errors', () => {
  it('unknown ref: file:line and the closest name', async () => {
    expect(
      await graphErrors({
        'models/stg_orders.sql': 'select 1 as id\n',
        'models/report.sql': "-- orders per day\nselect *\nfrom {{ ref('stg_ordrs') }}\n",
      }),
    ).toEqual([
      "models/report.sql:3: ref('stg_ordrs') does not match any model or seed (did you mean 'stg_orders'?)",
    ]);
  });

  it('unknown ref with nothing close, and several problems reported together', async () => {
    expect(
      await graphErrors({
        'models/a.sql': "select * from {{ ref('zzzzzz') }}\n",
        'models/b.sql': "select 1 as x\nunion all select * from {{ ref('qqqqqq') }}\n",
      }),
    ).toEqual([
      "models/a.sql:1: ref('zzzzzz') does not match any model or seed",
      "models/b.sql:2: ref('qqqqqq') does not match any model or seed",
    ]);
  });

  it('unknown source: file:line', async () => {
    expect(
      await graphErrors({ 'models/a.sql': "\nselect * from {{ source('shop', 'orders') }}\n" }),
    ).toEqual(["models/a.sql:2: source('shop', 'orders') is not declared in any sources: block"]);
  });

  it('duplicate model names name both paths', async () => {
    expect(
      await graphErrors({
        'models/staging/orders.sql': 'select 1 as id\n',
        'models/marts/orders.sql': 'select 2 as id\n',
      }),
    ).toEqual([
      "models/staging/orders.sql: duplicate model name 'orders': defined in models/marts/orders.sql and in models/staging/orders.sql",
    ]);
  });

  it('a cycle is reported with its full path', async () => {
    expect(
      await graphErrors({
        'models/a.sql': "select * from {{ ref('c') }}\n",
        'models/b.sql': "select * from {{ ref('a') }}\n",
        'models/c.sql': "select * from {{ ref('b') }}\n",
        'models/d.sql': "select * from {{ ref('a') }}\n",
      }),
    ).toEqual(['models/a.sql: dependency cycle: a -> b -> c -> a']);
    expect(await graphErrors({ 'models/self.sql': "select * from {{ ref('self') }}\n" })).toEqual([
      'models/self.sql: dependency cycle: self -> self',
    ]);
  });

  it('a ref to a disabled model, disabled in the model or by folder config', async () => {
    expect(
      await graphErrors({
        'models/off.sql': '{{ config(enabled=false) }}\nselect 1 as id\n',
        'models/uses_off.sql': "select *\nfrom {{ ref('off') }}\n",
      }),
    ).toEqual([
      "models/uses_off.sql:2: ref('off') points at a disabled model (models/off.sql); enable it or remove the ref",
    ]);
    const p = project({
      'project.yml': 'name: x\nmodels:\n  x:\n    legacy:\n      +enabled: false\n',
      'models/legacy/old.sql': 'select 1 as id\n',
      'models/new.sql': 'select 2 as id\n',
    });
    // Disabled models are not nodes at all.
    expect(p.list()).toEqual(['new']);
    p.write({ 'models/new.sql': "select * from {{ ref('old') }}\n" });
    expect((await errorOf(() => p.list())).message).toBe(
      "models/new.sql:1: ref('old') points at a disabled model (models/legacy/old.sql); enable it or remove the ref",
    );
  });

  it('a template error names file and line', async () => {
    const [message] = await graphErrors({ 'models/a.sql': 'select 1\n{% if %}\n' });
    expect(message).toMatch(/^models\/a\.sql:2(:\d+)?: template error: /);
    expect(await graphErrors({ 'models/v.sql': "select {{ var('nope') }}\n" })).toEqual([
      expect.stringMatching(
        /^models\/v\.sql:1(:\d+)?: template error: var\('nope'\) is not defined in project\.yml vars or --vars, and has no default$/,
      ),
    ]);
  });

  it('exit 2 from the CLI, every error on stderr, nothing built', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/a.sql': "select * from {{ ref('b') }}\n",
      'models/b.sql': "select * from {{ ref('a') }}\n",
    });
    const r = await p.cli(['build']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: models/a.sql: dependency cycle: a -> b -> a');
    expect(r.stderr).toContain('1 error in the project');
    expect(r.stdout).toBe('');
    expect(p.exists('target/x.duckdb')).toBe(false);
  });
});
