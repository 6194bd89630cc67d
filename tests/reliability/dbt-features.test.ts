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

describe('snapshots and freshness', () => {
  it('[snapshot-file-without-block] a .sql file in snapshots/ with no snapshot block exits 2 naming it', async () => {
    const p = project({ ...BASE, 'snapshots/orders.sql': 'select 1 as id\n' });
    const r = await p.cli(['ls']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'snapshots/orders.sql: a snapshot file holds no {% snapshot <name> %}',
    );
  });

  it('[freshness-without-loaded-at-field] a source with freshness but no loaded_at_field is warned about, not passed', async () => {
    const p = project({
      ...BASE,
      'models/sources.yml': [
        'sources:',
        '  - name: shop',
        '    schema: main',
        '    freshness: {warn_after: {count: 1, period: day}}',
        '    tables: [{name: a}]',
        '',
      ].join('\n'),
    });
    const r = await p.cli(['source', 'freshness']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'source shop.a (models/sources.yml) declares freshness but no loaded_at_field: its freshness is not checked',
    );
    expect(JSON.parse(p.read('target/sources.json')).results).toEqual([]);
  });
});
