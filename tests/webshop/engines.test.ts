/**
 * The webshop project, one source, built on DuckDB and on PostgreSQL from the committed sample:
 * every model's rows must be identical. Dialect differences live in dispatched macros
 * (macros/cross_database.sql), none in the models.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { build, query, type RunReport } from '../../src/api.ts';
import type { Json } from '../../src/core/results.ts';
import { buildsRelation } from '../../src/materializations/registry.ts';
import { copyProject, type ProjectCopy } from './project-copy.ts';

let project: ProjectCopy;
const reports: Record<string, RunReport> = {};

/** A value as both engines' rows agree on it: decimals and doubles by number, the rest as text. */
const normal = (v: Json) =>
  v === null
    ? null
    : typeof v === 'number' || (typeof v === 'string' && /^-?\d+\.\d+$/.test(v))
      ? String(Number(v))
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

async function rows(target: string, relation: string): Promise<string[]> {
  const result = await query(`select * from ${relation}`, { projectDir: project.dir, target });
  return result.rows
    .map((r) => JSON.stringify(result.columns.map((c) => [c, normal(r[c])])))
    .sort();
}

beforeAll(async () => {
  project = copyProject();
  const server = inject('postgres');
  process.env.DUCKFLOW_WEBSHOP_PG_PASSWORD = server.password;
  const file = join(project.dir, 'project.yml');
  const config = parse(readFileSync(file, 'utf8'));
  config.targets.pg = {
    type: 'postgres',
    host: server.host,
    port: server.port,
    user: server.user,
    password: "{{ env_var('DUCKFLOW_WEBSHOP_PG_PASSWORD') }}",
    database: server.database,
    schema: 'webshop',
    threads: 2,
  };
  writeFileSync(file, stringify(config));
  for (const target of ['dev', 'pg'])
    reports[target] = await build({ projectDir: project.dir, target, fullRefresh: true });
}, 600_000);

afterAll(() => project?.remove());

describe('the webshop project on DuckDB and PostgreSQL', () => {
  it('builds on both engines, every data test passing or warning as on DuckDB', () => {
    const outcome = (r: RunReport) => Object.fromEntries(r.results.map((n) => [n.id, n.status]));
    const errors = reports.pg.results.filter((r) => r.status === 'error' || r.status === 'fail');
    expect(errors.map((r) => `${r.name}: ${r.message}`)).toEqual([]);
    expect(outcome(reports.pg)).toEqual(outcome(reports.dev));
  });

  it('gives every model the same rows on both engines', async () => {
    const { project: loaded } = reports.dev.session;
    const models = [...loaded.models.values()].filter((m) => m.enabled && buildsRelation(m));
    expect(models.length).toBeGreaterThan(10);
    for (const m of models) {
      const duck = await rows('dev', `"${m.schema}"."${m.alias}"`);
      const pg = await rows('pg', `"webshop"."${m.alias}"`);
      expect(pg, m.name).toEqual(duck);
      expect(duck.length, m.name).toBeGreaterThan(0);
    }
    // every model's rows from two engines: about 45 s on a quiet machine, over 60 s under load
  }, 240_000);
});
