import { afterAll, describe, expect, it } from 'vitest';
import { DBT_PROJECT_KEYS } from '../../src/project/dbt/project.ts';
import { loadProject } from '../../src/project/loader.ts';
import { project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

/** A value of the shape dbt expects for each dbt_project.yml key. */
const VALUES: Record<string, string> = {
  name: 'keys',
  version: "'1.0'",
  'config-version': '2',
  'require-dbt-version': "['>=1.0.0', '<2.0.0']",
  'project-root': '.',
  profile: 'keys',
  'model-paths': '[models]',
  'source-paths': '[models]',
  'seed-paths': '[seeds]',
  'data-paths': '[seeds]',
  'macro-paths': '[macros]',
  'test-paths': '[tests]',
  'target-path': 'target',
  'docs-paths': '[docs]',
  'packages-install-path': 'dbt_packages',
  'clean-targets': '[target, dbt_packages]',
  vars: '{x: 1}',
  models: '{keys: {+materialized: table, +post-hook: "select 1"}}',
  seeds: '{keys: {+quote_columns: true}}',
  tests: '{+severity: warn}',
  data_tests: '{+severity: warn}',
  'on-run-start': '"select 1"',
  'on-run-end': '["select 2"]',
  dispatch: '[{macro_namespace: x, search_order: [keys, x]}]',
  'analysis-paths': '[analyses]',
  'snapshot-paths': '[snapshots]',
  'asset-paths': '[assets]',
  'function-paths': '[functions]',
  'log-path': 'logs',
  quoting: '{identifier: false}',
  'query-comment': 'duckflow',
  'restrict-access': 'true',
  'dbt-cloud': '{project-id: 1}',
  flags: '{send_anonymous_usage_stats: false}',
  snapshots: '{keys: {+target_schema: snaps}}',
  analyses: '{keys: {+enabled: true}}',
  sources: '{keys: {+enabled: true}}',
  unit_tests: '{keys: {+enabled: true}}',
  metrics: '{keys: {+enabled: true}}',
  'semantic-models': '{keys: {+enabled: true}}',
  'saved-queries': '{keys: {+enabled: true}}',
  exposures: '{keys: {+enabled: true}}',
  functions: '{keys: {+enabled: true}}',
  packages: '[{local: ../elsewhere}]',
};

describe('dbt_project.yml keys', () => {
  it('[project-keys] every key dbt documents loads: honoured, or warned about at its line', () => {
    expect(Object.keys(VALUES).sort()).toEqual(Object.keys(DBT_PROJECT_KEYS).sort());
    const keys = Object.keys(VALUES);
    const p = project({
      'dbt_project.yml': keys.map((k) => `${k}: ${VALUES[k]}`).join('\n'),
      'profiles.yml':
        'keys:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: target/k.duckdb}\n',
      'models/m.sql': 'select 1 as x',
      'docs/d.md': '{% docs d %}text{% enddocs %}',
      'analyses/a.sql': 'select 1',
      'snapshots/s.sql':
        "{% snapshot s %}{{ config(unique_key='x', strategy='check', check_cols='all') }}select 1 as x{% endsnapshot %}",
    });
    const loaded = loadProject({ projectDir: p.dir });
    const warned = loaded.dbt!.warnings.map((w) => `${w.position.line}: ${w.message}`);
    const expected = keys.flatMap((k, i) => {
      const handler = DBT_PROJECT_KEYS[k];
      if (typeof handler === 'object' && 'warn' in handler)
        return [`${i + 1}: '${k}': ${handler.warn}; ignored`];
      if (k === 'analysis-paths')
        return [
          `${i + 1}: '${k}': analyses are not compiled; the .sql files in analyses/ are ignored`,
        ];
      return [];
    });
    expect(warned.filter((w) => !/config '/.test(w))).toEqual(expected);
    // A config dbt has and duckflow does not act on is warned about where it is set.
    expect(warned.filter((w) => /config '/.test(w))).toEqual([
      `${keys.indexOf('seeds') + 1}: config 'quote_columns': seed columns are always quoted; ignored`,
    ]);
    expect(loaded.models.get('m')!.materialized).toBe('table');
    // snapshot-paths is read: its snapshot is a node
    expect(loaded.models.get('s')!.materialized).toBe('snapshot');
    expect(loaded.models.get('m')!.config.post_hook).toBe('select 1');
    expect(loaded.onRunStart).toEqual(['select 1']);
    expect(loaded.dbt!.docs.get('d')).toBe('text');
    expect(loaded.dbt!.dispatch).toEqual([{ macro_namespace: 'x', search_order: ['keys', 'x'] }]);
    expect(loaded.dbt!.cleanTargets).toEqual(['target', 'dbt_packages']);
    expect(loaded.vars).toEqual({ x: 1 });
  });

  it('[profile-keys] profile outputs map to targets; dbt-duckdb keys duckflow lacks are warned about', () => {
    const p = project({
      'dbt_project.yml': 'name: prof\nprofile: prof\n',
      'profiles.yml': [
        'config: {send_anonymous_usage_stats: false}',
        'prof:',
        '  target: dev',
        '  outputs:',
        '    dev:',
        '      type: duckdb',
        "      path: \"{{ env_var('NO_SUCH_VAR_X', 'target/p.duckdb') }}\"",
        '      schema: s',
        '      threads: 3',
        '      settings: {threads: 1}',
        '      extensions: [httpfs]',
        '      database: other',
      ].join('\n'),
      'models/m.sql': 'select 1 as x',
    });
    const loaded = loadProject({ projectDir: p.dir });
    expect(loaded.target).toMatchObject({
      name: 'dev',
      type: 'duckdb',
      schema: 's',
      threads: 3,
      path: p.path('target/p.duckdb'),
      settings: { threads: 1 },
    });
    expect(
      loaded.dbt!.warnings.map((w) => `${w.position.file}:${w.position.line}: ${w.message}`),
    ).toEqual([
      "profiles.yml:1: 'config' (dbt's user settings) has no effect in duckflow",
      "profiles.yml:11: 'extensions' of a duckdb output is not supported by duckflow; ignored",
      "profiles.yml:12: database 'other' differs from the file's name 'p'; duckflow uses 'p'",
    ]);
  });
});
