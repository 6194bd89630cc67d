import { afterAll, describe, expect, it } from 'vitest';
import { openSession } from '../../src/api.ts';
import { ProjectErrors } from '../../src/core/errors.ts';
import { errorOf, project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const base = { 'project.yml': 'name: x\n', 'models/a.sql': 'select 1 as id\n' };

async function loadErrors(yml: string): Promise<string[]> {
  const e = await errorOf(() => project({ ...base, 'models/schema.yml': yml }).list());
  expect(e).toBeInstanceOf(ProjectErrors);
  return (e as ProjectErrors).errors.map((x) => x.message);
}

describe('property files (models/**/*.yml)', () => {
  it('reports unknown keys, missing names and wrong types with file:line:column and key path', async () => {
    const errors = await loadErrors(
      [
        'version: 2',
        'models:',
        '  - name: a',
        '    descripton: hi',
        '    columns:',
        '      - name: id',
        '      - nme: x',
        'seeds:',
        '  - name: s',
        '    config:',
        '      column_types: {id: 1}',
        "      delimeter: ';'",
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([
      expect.stringMatching(
        /^models\/schema\.yml:4:5: models\[0\]\.descripton: unknown key 'descripton' \(did you mean 'description'\?\); expected one of: name, description,/,
      ),
      "models/schema.yml:7:9: models[0].columns[1]: missing required key 'name'",
      expect.stringMatching(
        /^models\/schema\.yml:7:9: models\[0\]\.columns\[1\]\.nme: unknown key 'nme' \(did you mean 'name'\?\)/,
      ),
      "models/schema.yml:12:7: seeds[0].config.delimeter: unknown config key 'delimeter' (did you mean 'delimiter'?)",
      'models/schema.yml:11:26: seeds[0].config.column_types.id must be string',
    ]);
  });

  it('validates model config in YAML like folder config in project.yml', async () => {
    const errors = await loadErrors(
      [
        'models:',
        '  - name: a',
        '    config:',
        '      materialized: tabel',
        '      materialised: table',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([
      "models/schema.yml:5:7: models[0].config.materialised: unknown config key 'materialised' (did you mean 'materialized'?)",
      'models/schema.yml:4:21: models[0].config.materialized must be one of: view, table, ephemeral, incremental',
    ]);
  });

  it('reports YAML syntax errors with their position', async () => {
    const errors = await loadErrors('models:\n  - name: a\n    columns: [\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^models\/schema\.yml:\d+:\d+: invalid YAML: /);
  });

  it('reports a malformed test, a model described twice and a description without a model', async () => {
    expect(
      await loadErrors(
        'models:\n  - name: a\n    data_tests:\n      - {unique: {}, not_null: {}}\n',
      ),
    ).toEqual([
      'models/schema.yml:4:9: a test must be a name or a single-key mapping {test_name: {arguments}}, got keys: unique, not_null',
    ]);
    expect(await loadErrors('models:\n  - name: a\n  - name: a\n')).toEqual([
      "models/schema.yml:3: model 'a' is described twice: also in models/schema.yml:2",
    ]);
    expect(await loadErrors('models:\n  - name: aa\n')).toEqual([
      "models/schema.yml:2: model 'aa' is described here but has no .sql file (did you mean 'a'?)",
    ]);
  });

  it('exits 2 through the CLI', async () => {
    const p = project({
      ...base,
      'models/schema.yml': 'models:\n  - name: a\n    descripton: x\n',
    });
    const r = await p.cli(['build']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "models/schema.yml:3:5: models[0].descripton: unknown key 'descripton' (did you mean 'description'?)",
    );
    expect(r.stderr).toContain('1 error in the project');
  });

  it('keeps descriptions, columns, config and declared tests (run in the next issue)', () => {
    const p = project({
      ...base,
      'models/props/schema.yml': [
        'models:',
        '  - name: a',
        '    description: The answer',
        '    config: {materialized: table, tags: [core]}',
        '    columns:',
        '      - name: id',
        '        description: identifier',
        '        data_type: integer',
        '        data_tests: [not_null, unique]',
        '    data_tests:',
        '      - accepted_values: {column_name: id, values: [1]}',
        '',
      ].join('\n'),
    });
    const model = openSession({ projectDir: p.dir }).project.models.get('a')!;
    expect(model.description).toBe('The answer');
    expect(model.materialized).toBe('table');
    expect(model.tags).toEqual(['core']);
    expect(model.columns.id).toEqual({
      name: 'id',
      description: 'identifier',
      data_type: 'integer',
      meta: {},
    });
    expect(model.tests.map((t) => [t.test, t.column, t.line])).toEqual([
      ['accepted_values', undefined, 11],
      ['not_null', 'id', 9],
      ['unique', 'id', 9],
    ]);
  });
});
