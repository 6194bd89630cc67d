/**
 * Named queries are project files like any other: a mistake is an error at its file and line,
 * found when the server starts, never a query that silently ignores a parameter.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectErrors } from '../../src/errors.ts';
import { serve } from '../../src/api.ts';
import { errorOf, project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const BASE = {
  'project.yml': 'name: q\n',
  'models/numbers.sql': 'select range as n from range(5)',
};

async function startErrors(queriesYaml: string): Promise<string[]> {
  const p = project({ ...BASE, 'models/api.yml': queriesYaml });
  const built = await p.build();
  if (!built.success) throw new Error('the fixture did not build');
  const e = await errorOf(() => serve({ projectDir: p.dir, port: 0 }));
  expect(e).toBeInstanceOf(ProjectErrors);
  return (e as ProjectErrors).errors.map((x) => x.message);
}

describe('named query declarations', () => {
  it('are validated against the JSON Schema, with positions', async () => {
    const p = project({
      ...BASE,
      'models/api.yml': `version: 2
queries:
  - name: q1
    sql: select 1
    params:
      - name: n
        type: integer
        maximun: 3
`,
    });
    const e = await errorOf(() => p.build());
    const messages = (e as ProjectErrors).errors.map((x) => x.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^models\/api\.yml:7:\d+: queries\[0\]\.params\[0\]\.type must be one of: varchar, bigint, double, boolean, date$/,
        ),
        expect.stringMatching(
          /^models\/api\.yml:8:\d+: .*unknown key 'maximun' \(did you mean 'maximum'\?\)/,
        ),
      ]),
    );
  });

  it('have unique names across property files', async () => {
    const p = project({
      ...BASE,
      'models/a.yml': 'queries:\n  - {name: twice, sql: select 1}\n',
      'models/b.yml': 'queries:\n  - {name: twice, sql: select 2}\n',
    });
    const e = await errorOf(() => p.build());
    expect((e as ProjectErrors).errors.map((x) => x.message)).toEqual([
      "models/b.yml:2: query 'twice' is described twice: also in models/a.yml:2",
    ]);
  });

  it('must use exactly the parameters they declare, over refs that exist', async () => {
    const messages = await startErrors(`version: 2
queries:
  - name: undeclared
    sql: select * from {{ ref('numbers') }} where n = $m
  - name: unused
    sql: select * from {{ ref('numbers') }}
    params:
      - { name: n, type: bigint }
  - name: bad_ref
    sql: select * from {{ ref('numbrs') }}
  - name: bad_constraint
    sql: select * from {{ ref('numbers') }} where n::varchar = $t
    params:
      - { name: t, type: varchar, minimum: 3 }
`);
    expect(messages).toEqual([
      "models/api.yml:3: query 'undeclared': its SQL uses $m, which is not declared in params",
      "models/api.yml:5: query 'unused': param 'n' is declared but its SQL never uses $n",
      expect.stringMatching(/^models\/api\.yml.*ref\('numbrs'\) does not match any model or seed/),
      "models/api.yml:11: query 'bad_constraint': param 't': minimum and maximum apply to bigint and double params only",
    ]);
  });

  it('serve says what to do when no build has published a snapshot', async () => {
    const p = project({
      ...BASE,
      'project.yml': 'name: q\ntargets:\n  dev: {type: duckdb, snapshots: 0}\n',
    });
    expect((await p.build()).success).toBe(true);
    expect(p.exists('target/snapshots')).toBe(false);
    const r = await p.cli(['serve', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("run 'duckflow build' first (target 'dev' has snapshots: 0");
  });
});
