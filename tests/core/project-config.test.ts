import type { DuckDBTarget } from '../../src/adapters/duckdb/target.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { list } from '../../src/api.ts';
import { ProjectErrors, UsageError } from '../../src/core/errors.ts';
import { errorOf, project, removeFixtures, runCli } from '../helpers/fixture.ts';

afterAll(removeFixtures);

/** The messages of a ProjectErrors thrown while loading, one per problem. */
async function loadErrors(files: Record<string, string>): Promise<string[]> {
  const e = await errorOf(() => project(files).list());
  expect(e).toBeInstanceOf(ProjectErrors);
  return (e as ProjectErrors).errors.map((x) => x.message);
}

describe('project.yml validation', () => {
  it('names file:line:column, the key path and the allowed values of an enum', async () => {
    const errors = await loadErrors({
      'project.yml': ['name: x', 'targets:', '  dev:', '    type: oracle', ''].join('\n'),
    });
    // `postgres` starts at line 4, column 11.
    expect(errors).toEqual([
      'project.yml:4:11: targets.dev.type must be one of: duckdb, postgres, trino',
    ]);
  });

  it('points at the value wherever it stands: block or flow style, any indentation', async () => {
    // `pg` starts at line 3, column 9.
    expect(await loadErrors({ 'project.yml': 'targets:\n dev:\n  type: pg\nname: x\n' })).toEqual([
      'project.yml:3:9: targets.dev.type must be one of: duckdb, postgres, trino',
    ]);
    const errors = await loadErrors({
      'project.yml': 'name: x\ntargets:\n  dev: {type: sqlite}\n',
    });
    // `sqlite` starts at line 3, column 15 inside the flow map.
    expect(errors).toEqual([
      'project.yml:3:15: targets.dev.type must be one of: duckdb, postgres, trino',
    ]);
    const block = await loadErrors({
      'project.yml': 'name: x\ntargets:\n  dev:\n    type: duckdb\n    threads: many\n',
    });
    expect(block).toEqual(['project.yml:5:14: targets.dev.threads must be integer']);
  });

  it('reports unknown keys at the key, with "did you mean" when close', async () => {
    const errors = await loadErrors({
      'project.yml': [
        'name: x',
        'targets:',
        '  dev:',
        '    type: duckdb',
        '    treads: 4',
        'modle-paths: [models]',
        '',
      ].join('\n'),
    });
    expect(errors).toHaveLength(2);
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^project\.yml:5:5: targets\.dev\.treads: unknown key 'treads' \(did you mean 'threads'\?\); expected one of: type, schema, threads, path,/,
      ),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^project\.yml:6:1: modle-paths: unknown key 'modle-paths' \(did you mean 'model-paths'\?\)/,
      ),
    );
  });

  it('gives no suggestion when nothing is close', async () => {
    const [error] = await loadErrors({ 'project.yml': 'name: x\nflavour: vanilla\n' });
    expect(error).toMatch(
      /^project\.yml:2:1: flavour: unknown key 'flavour'; expected one of: name,/,
    );
    expect(error).not.toContain('did you mean');
  });

  it('reports a mistyped config key inside folder config, where any other key is a sub-folder', async () => {
    const errors = await loadErrors({
      'project.yml': [
        'name: shop',
        'models:',
        '  shop:',
        '    materialised: table',
        '    staging:',
        '      +tgs: [a]',
        '      materialized: tabel',
        '',
      ].join('\n'),
    });
    expect(errors).toEqual([
      "project.yml:4:5: models.shop.materialised: unknown config key 'materialised' (did you mean 'materialized'?)",
      "project.yml:6:7: models.shop.staging.+tgs: unknown config key '+tgs' (did you mean 'tags'?)",
      'project.yml:7:21: models.shop.staging.materialized must be one of: view, table, ephemeral, incremental',
    ]);
  });

  it("accepts dbt's '+' spelling of folder config keys, validated like the plain one", async () => {
    const p = project({
      'project.yml': [
        'name: x',
        'models:',
        '  +materialized: table',
        '  marts:',
        '    +tags: [finance]',
        '',
      ].join('\n'),
      'models/marts/m.sql': 'select 1 as n\n',
    });
    const { nodes } = list({ projectDir: p.dir });
    expect(nodes.map((n) => n.kind === 'model' && [n.materialized, n.tags])).toEqual([
      ['table', ['finance']],
    ]);
    expect(
      await loadErrors({ 'project.yml': 'name: x\nmodels:\n  +materialized: tabel\n' }),
    ).toEqual([
      'project.yml:3:18: models.+materialized must be one of: view, table, ephemeral, incremental',
    ]);
  });

  it('requires a name, and reports every problem of the file at once', async () => {
    const errors = await loadErrors({ 'project.yml': 'nme: x\n' });
    expect(errors).toEqual([
      "project.yml:1:1: (top level): missing required key 'name'",
      expect.stringMatching(/^project\.yml:1:1: nme: unknown key 'nme' \(did you mean 'name'\?\)/),
    ]);
  });

  it('reports invalid YAML syntax with its position', async () => {
    const errors = await loadErrors({ 'project.yml': 'name: x\nvars:\n  a: [1, 2\n' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^project\.yml:\d+:\d+: invalid YAML: /);
    const dup = await loadErrors({ 'project.yml': 'name: x\nname: y\n' });
    expect(dup[0]).toMatch(/^project\.yml:2:1: invalid YAML: .*unique/i);
  });

  it('exits 2 on an invalid project through the CLI, printing the positioned error', async () => {
    const p = project({ 'project.yml': 'name: x\ntargets:\n  dev:\n    type: oracle\n' });
    const r = await p.cli(['ls']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'project.yml:4:11: targets.dev.type must be one of: duckdb, postgres, trino',
    );
    const missing = await runCli(['ls', '--project-dir', p.path('nowhere')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no project.yml found');
  });
});

describe('a minimal project', () => {
  it('works with nothing but a name: default target dev, paths, schema and database file', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/hello.sql': "select 42 as answer, 'hi' as greeting\n",
    });
    const report = await p.build();
    expect(report.success).toBe(true);
    expect(report.session.project.target).toMatchObject({
      name: 'dev',
      type: 'duckdb',
      schema: 'main',
      path: p.path('target/x.duckdb'),
    });
    expect(p.exists('target/x.duckdb')).toBe(true);
    expect(await p.query('select answer, greeting from main.hello')).toEqual([
      { answer: 42, greeting: 'hi' },
    ]);
  });

  it('honours model-paths, target path and the target chosen in the file', async () => {
    const p = project({
      'project.yml': [
        'name: x',
        'target: prod',
        'model-paths: [sql]',
        'targets:',
        '  prod:',
        '    type: duckdb',
        '    path: out/prod.duckdb',
        '    threads: 2',
        '',
      ].join('\n'),
      'sql/one.sql': 'select 1 as n\n',
      'models/ignored.sql': 'select 2 as n\n',
    });
    expect(p.list()).toEqual(['one']);
    const report = await p.build();
    expect(report.session.project.target).toMatchObject({
      name: 'prod',
      threads: 2,
      path: p.path('out/prod.duckdb'),
    });
    expect(p.exists('out/prod.duckdb')).toBe(true);
  });
});

describe('target settings', () => {
  it('passes memory_limit and settings to DuckDB', async () => {
    const p = project({
      'project.yml':
        'name: x\ntargets:\n  dev:\n    type: duckdb\n    memory_limit: 512MB\n    settings: {threads: 1}\n',
      'models/m.sql':
        "select current_setting('memory_limit') as mem, current_setting('threads')::int as threads\n",
    });
    await p.build();
    // 512 MB = 512,000,000 bytes = 488.28 MiB, as DuckDB prints it.
    expect(await p.query('select * from m')).toEqual([{ mem: '488.2 MiB', threads: 1 }]);
  });

  it('applies settings DuckDB accepts at open but does not keep, and those only open takes', async () => {
    const p = project({
      'project.yml': [
        'name: x',
        'targets:',
        '  dev:',
        '    type: duckdb',
        '    settings: {disabled_compression_methods: fsst, allow_unsigned_extensions: true}',
        '',
      ].join('\n'),
      'models/m.sql': [
        "select current_setting('disabled_compression_methods') as disabled,",
        "  current_setting('allow_unsigned_extensions') as unsigned",
        '',
      ].join('\n'),
    });
    expect((await p.build()).success).toBe(true);
    expect(await p.query('select * from m')).toEqual([{ disabled: 'FSST', unsigned: true }]);
  });

  it('creates the file in the storage format storage_compatibility_version names', async () => {
    const format = async (settings: string) => {
      const p = project({
        'project.yml': `name: x\ntargets:\n  dev:\n    type: duckdb\n    settings: {${settings}}\n`,
        'models/m.sql': 'select 1 as id\n',
      });
      expect((await p.build()).success).toBe(true);
      const tags = await p.query(
        `select map_extract_value(tags, 'storage_version') as version from duckdb_databases() where path is not null`,
      );
      return tags[0]?.version;
    };
    // DuckDB's default is the format of DuckDB 1.0; 'latest' is that of the DuckDB shipped.
    expect(await format('threads: 1')).toBe('v1.0.0+');
    expect(await format('storage_compatibility_version: latest')).toMatch(/^v1\.[5-9]\.\d+\+$/);
  });
});

describe('targets and vars', () => {
  const files = {
    'project.yml': [
      'name: x',
      'vars:',
      '  greeting: hello',
      '  n: 1',
      'targets:',
      '  dev: {type: duckdb}',
      '  ci: {type: duckdb, path: ci.duckdb}',
      '',
    ].join('\n'),
    'models/v.sql':
      "select '{{ var(\"greeting\") }}' as greeting, {{ var('n') }} as n, '{{ var(\"missing\", \"fallback\") }}' as d, '{{ target.name }}' as t\n",
  };

  it('--vars (YAML or JSON) overrides project vars', async () => {
    const p = project(files);
    await p.build({ vars: '{greeting: bonjour}' });
    expect(await p.query('select * from v')).toEqual([
      { greeting: 'bonjour', n: 1, d: 'fallback', t: 'dev' },
    ]);
    await p.build({ vars: '{"n": 7}' });
    expect(await p.query('select * from v')).toEqual([
      { greeting: 'hello', n: 7, d: 'fallback', t: 'dev' },
    ]);
  });

  it('--vars on the CLI overrides project vars; bad --vars exits 2', async () => {
    const p = project(files);
    const ok = await p.cli(['run', '--vars', '{greeting: hola, n: 3}']);
    expect(ok.code).toBe(0);
    expect(await p.query('select greeting, n from v')).toEqual([{ greeting: 'hola', n: 3 }]);
    const bad = await p.cli(['run', '--vars', '[1, 2]']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--vars must be a mapping');
  });

  it('--target picks another target; an unknown one is a usage error (exit 2) with a suggestion', async () => {
    const p = project(files);
    const report = await p.build({ target: 'ci' });
    expect((report.session.project.target as DuckDBTarget).path).toBe(p.path('ci.duckdb'));
    expect(await errorOf(() => p.list({ target: 'cj' }))).toEqual(
      new UsageError("target 'cj' is not defined in targets (did you mean 'ci'?)"),
    );
    const r = await p.cli(['ls', '--target', 'prod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: target 'prod' is not defined in targets");
  });

  it('an unknown `target:` in the file is a project error at its position', async () => {
    const errors = await errorOf(() =>
      project({ 'project.yml': 'name: x\ntarget: prd\ntargets:\n  prod: {type: duckdb}\n' }).list(),
    );
    expect(errors.message).toBe(
      "project.yml:2:9: target 'prd' is not defined in targets (did you mean 'prod'?)",
    );
  });
});
