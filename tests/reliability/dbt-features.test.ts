/**
 * Reliability of the dbt features (issue 15): the ways they could fail in silence. Each test
 * is one row of docs/reliability.md ("dbt features").
 */
import { mkdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const BASE = {
  'project.yml': 'name: rel\n',
  'models/a.sql': 'select 1 as id\n',
};

describe('slim CI', () => {
  it('[state-dir-without-manifest] --state naming a folder with no manifest.json exits 2, saying so', async () => {
    const p = project(BASE);
    mkdirSync(p.path('empty-state'));
    const r = await p.cli([
      'build',
      '--select',
      'state:modified',
      '--state',
      p.path('empty-state'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no manifest.json there');
    expect(p.exists('target/run_results.json')).toBe(false);
  });

  it('[state-selector-without-state] state:modified without --state exits 2 instead of selecting nothing', async () => {
    const p = project(BASE);
    const r = await p.cli(['ls', '--select', 'state:modified']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give its target folder with --state <dir>');
  });

  it('[retry-without-previous-run] retry with no earlier run exits 2 instead of succeeding with nothing', async () => {
    const p = project(BASE);
    const r = await p.cli(['retry']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nothing to retry');
  });

  it('[defer-without-state] --defer without --state exits 2', async () => {
    const p = project(BASE);
    const r = await p.cli(['run', '--defer']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--defer reads relations from an earlier run');
  });
});
