/**
 * The webshop project, one source, built on DuckDB, PostgreSQL and (with a server) Trino from
 * the committed sample: every model's rows must be identical. Dialect differences live in
 * dispatched macros (macros/cross_database.sql), none in the models.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { build, query, type RunReport } from '../../src/api.ts';
import type { Json } from '../../src/core/results.ts';
import { buildsRelation } from '../../src/materializations/registry.ts';
import { dropTrinoSchemas, TRINO_CATALOGS, trinoTarget } from '../trino/server.ts';
import { copyProject, type ProjectCopy } from './project-copy.ts';

let project: ProjectCopy;
const reports: Record<string, RunReport> = {};
const TRINO_SCHEMA = `webshop_${process.pid}`;
/** The targets built besides DuckDB's, and the schema each builds in: Trino's in each catalog. */
const others: { target: string; schema: string; catalog?: string }[] = [
  { target: 'pg', schema: 'webshop' },
  ...TRINO_CATALOGS.map((catalog) => ({
    target: `trino_${catalog}`,
    schema: TRINO_SCHEMA,
    catalog,
  })),
];

/** A value as both engines' rows agree on it: decimals and doubles by number, the rest as text. */
const normal = (v: Json) =>
  v === null
    ? null
    : typeof v === 'number' || (typeof v === 'string' && /^-?\d+\.\d+$/.test(v))
      ? String(Number(v))
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

/** Rows as sorted JSON lines; DuckDB's, compared with every other engine's, are read once. */
const memo = new Map<string, Promise<string[]>>();
/** Columns that are each engine's own: a hash (stg_event_loads' fingerprint of its export). */
const PER_ENGINE = new Set(['export_fingerprint']);

function rows(target: string, relation: string): Promise<string[]> {
  const key = `${target}\0${relation}`;
  if (!memo.has(key))
    memo.set(
      key,
      query(`select * from ${relation}`, { projectDir: project.dir, target }).then((result) => {
        const columns = result.columns.filter((c) => !PER_ENGINE.has(c));
        return result.rows.map((r) => JSON.stringify(columns.map((c) => [c, normal(r[c])]))).sort();
      }),
    );
  return memo.get(key)!;
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
  for (const { target, catalog } of others)
    if (catalog) config.targets[target] = trinoTarget(TRINO_SCHEMA, catalog);
  writeFileSync(file, stringify(config));
  // The servers work apart from this process: their builds overlap.
  await Promise.all(
    others.map(async ({ target }) => {
      reports[target] = await build({ projectDir: project.dir, target, fullRefresh: true });
    }),
  );
  reports.dev = await build({ projectDir: project.dir, target: 'dev', fullRefresh: true });
}, 600_000);

afterAll(async () => {
  project?.remove();
  for (const catalog of TRINO_CATALOGS) await dropTrinoSchemas([TRINO_SCHEMA], catalog);
});

describe.each(others)('the webshop project on DuckDB and $target', ({ target, schema }) => {
  it('builds, every data test and unit test passing or warning as on DuckDB', () => {
    const outcome = (r: RunReport) => Object.fromEntries(r.results.map((n) => [n.id, n.status]));
    const errors = reports[target].results.filter(
      (r) => r.status === 'error' || r.status === 'fail',
    );
    expect(errors.map((r) => `${r.name}: ${r.message}`)).toEqual([]);
    expect(outcome(reports[target])).toEqual(outcome(reports.dev));
  });

  it('gives every model the same rows as DuckDB', async () => {
    const { project: loaded } = reports.dev.session;
    const models = [...loaded.models.values()].filter((m) => m.enabled && buildsRelation(m));
    expect(models.length).toBeGreaterThan(10);
    for (const m of models) {
      const [duck, other] = await Promise.all([
        rows('dev', `"${m.schema}"."${m.alias}"`),
        rows(target, `"${schema}"."${m.alias}"`),
      ]);
      expect(other, m.name).toEqual(duck);
      expect(duck.length, m.name).toBeGreaterThan(0);
    }
    // every model's rows from two engines: about 45 s on a quiet machine, over 60 s under load
  }, 300_000);
});
