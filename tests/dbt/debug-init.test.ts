/** `duckflow init` makes a project that builds; `duckflow debug` checks project, target, database. */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as api from '../../src/api.ts';
import { errorOf, project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

describe('init', () => {
  it('writes a skeleton whose build makes the starter rows and passes its tests', async () => {
    const parent = project({}).dir;
    const dir = api.initProject('starter', parent);
    expect(dir).toBe(join(parent, 'starter'));
    const report = await api.build({ projectDir: dir });
    expect(report.success).toBe(true);
    // Sorted: the two tests of my_second_model run at once.
    expect(report.results.map((r) => [r.name, r.status]).sort()).toEqual([
      ['my_first_model', 'success'],
      ['my_second_model', 'success'],
      ['not_null_my_second_model_id', 'pass'],
      ['unique_my_first_model_id', 'pass'],
      ['unique_my_second_model_id', 'pass'],
    ]);
    const rows = await api.query('select id from main.my_second_model', { projectDir: dir });
    expect(rows.rows).toEqual([{ id: 1 }]);
    expect((await errorOf(() => api.initProject('starter', parent))).message).toContain(
      'exists and is not empty',
    );
    expect((await errorOf(() => api.initProject('9lives', parent))).message).toContain(
      'letters, digits and underscores',
    );
  });
});

describe('debug', () => {
  it('passes on a working project and says which target it uses', async () => {
    const p = project({ 'project.yml': 'name: d\n', 'models/a.sql': 'select 1 as x\n' });
    const r = await p.cli(['debug']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^project {5}OK {4}d in /m);
    expect(r.stdout).toContain('target      OK    dev: duckdb, schema main, 4 threads');
    expect(r.stdout).toMatch(/^connection {2}OK {4}v?\d+\.\d+/m);
    expect(r.stdout).toContain('All checks passed!');
  });

  it('exits 1 naming the failing check: a broken project, an unreachable database', async () => {
    const broken = project({
      'project.yml': 'name: d\n',
      'models/a.sql': "select * from {{ ref('nope') }}\n",
    });
    const r = await broken.cli(['debug']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "project     ERROR models/a.sql:1: ref('nope') does not match any model or seed",
    );
    const unreachable = project({
      'project.yml':
        'name: d\ntargets:\n  dev: {type: postgres, host: 127.0.0.1, port: 9, user: x, password: y, database: z}\n',
    });
    const down = await unreachable.cli(['debug']);
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/^connection {2}ERROR .+/m);
    expect(down.stdout).toContain('Some checks failed.');
  });
});
