/**
 * `duckflow source freshness` on every adapter: pass, warn, error (with a filter), an empty
 * table, a table that turns freshness off, and target/sources.json in dbt's shape.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as api from '../../src/api.ts';
import { engines, freshSchema } from '../adapters/engines.ts';
import { project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const table = (select: string) => `{{ config(materialized='table') }}\n${select}\n`;
// The SQL standard's interval literal, and microseconds (Trino's Hive tables hold only the
// configured precision): DuckDB, PostgreSQL and Trino all read them.
const ago = (n: number, unit: 'minute' | 'hour') =>
  `cast(now() as timestamp(6)) - interval '${n}' ${unit}`;

function loads(target: Record<string, unknown>, schema: string) {
  return project({
    'project.yml': `name: fresh\ntargets:\n  dev: ${JSON.stringify(target)}\n`,
    'models/loads_recent.sql': table(`select 1 as id, ${ago(10, 'minute')} as loaded_at`),
    'models/loads_old.sql': table(
      `select 'y' as kind, ${ago(2, 'hour')} as loaded_at union all select 'x', ${ago(5, 'hour')}`,
    ),
    'models/loads_empty.sql': table(
      'select 1 as id, cast(null as timestamp(6)) as loaded_at where 1 = 0',
    ),
    'models/sources.yml': [
      'sources:',
      '  - name: shop',
      `    schema: ${schema}`,
      '    loaded_at_field: loaded_at',
      '    freshness:',
      '      warn_after: {count: 1, period: hour}',
      '      error_after: {count: 3, period: hour}',
      '    tables:',
      '      - {name: recent, identifier: loads_recent}',
      '      - {name: old, identifier: loads_old}',
      '      - name: old_x',
      '        identifier: loads_old',
      '        freshness: {error_after: {count: 4, period: hour}, filter: "kind = \'x\'"}',
      '      - {name: empty, identifier: loads_empty}',
      '      - {name: off, identifier: loads_old, freshness: null}',
      '',
    ].join('\n'),
  });
}

describe.each(engines())('source freshness: $name', (engine) => {
  it('passes, warns and errors by the age of the newest row', async () => {
    const schema = freshSchema();
    const p = loads(engine.target(schema), schema);
    expect((await p.run()).success).toBe(true);
    const warnings: string[] = [];
    const report = await api.sourceFreshness({
      projectDir: p.dir,
      onWarning: (w) => warnings.push(w),
    });
    expect(warnings).toEqual([]);
    expect(report.success).toBe(false);
    expect(report.results.map((r) => [r.name, r.status])).toEqual([
      ['shop.empty', 'runtime error'],
      ['shop.old', 'warn'],
      ['shop.old_x', 'error'],
      ['shop.recent', 'pass'],
    ]);
    const age = Object.fromEntries(report.results.map((r) => [r.name, r.ageSeconds]));
    // Ages measured at the check: a few seconds after the build at most.
    expect(age['shop.recent']).toBeGreaterThanOrEqual(600);
    expect(age['shop.recent']).toBeLessThan(660);
    expect(age['shop.old']).toBeGreaterThanOrEqual(7200);
    expect(age['shop.old_x']).toBeGreaterThanOrEqual(18000);
    expect(age['shop.old_x']).toBeLessThan(18060);

    const artifact = JSON.parse(p.read('target/sources.json'));
    expect(artifact.metadata.dbt_schema_version).toBe(
      'https://schemas.getdbt.com/dbt/sources/v3.json',
    );
    const oldX = artifact.results.find(
      (r: { unique_id: string }) => r.unique_id === 'source.fresh.shop.old_x',
    );
    expect(oldX).toMatchObject({
      status: 'error',
      criteria: {
        warn_after: { count: null, period: null },
        error_after: { count: 4, period: 'hour' },
        filter: "kind = 'x'",
      },
    });
    expect(oldX.max_loaded_at_time_ago_in_s).toBeGreaterThanOrEqual(18000);

    const picked = await api.sourceFreshness({ projectDir: p.dir, select: ['source:shop.recent'] });
    expect(picked.results.map((r) => [r.name, r.status])).toEqual([['shop.recent', 'pass']]);
    expect(picked.success).toBe(true);
  });
});

describe('source freshness CLI', () => {
  it('exits 1 on an error, 0 on a warning', async () => {
    const p = loads({ type: 'duckdb', path: 'target/db.duckdb' }, 'main');
    expect((await p.run()).success).toBe(true);
    const all = await p.cli(['source', 'freshness']);
    expect(all.code).toBe(1);
    expect(all.stdout).toContain(
      'WARN          shop.old: newest row 2.0 h old (warn after 1 hour, error after 3 hours)',
    );
    const warnOnly = await p.cli(['source', 'freshness', '--select', 'source:shop.old']);
    expect(warnOnly.code).toBe(0);
  });
});
