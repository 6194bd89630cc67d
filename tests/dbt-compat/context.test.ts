import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as api from '../../src/api.ts';
import type { RunReport } from '../../src/runner/execute.ts';
import { runCli } from '../helpers/fixture.ts';
import { copyFixture, removeCopies } from './fixtures.ts';

/**
 * The `context` fixture: dbt's Jinja context (statement/load_result, adapter.get_relation and
 * get_columns_in_relation, exceptions, modules.datetime, fromjson/tojson, this, target.*),
 * generate_schema_name/generate_alias_name overrides, a config that is a template, and a
 * profile found through --profiles-dir whose target comes from env_var.
 */
describe('dbt Jinja context and naming overrides', () => {
  let dir: string;
  let profiles: string;
  let report: RunReport;

  beforeAll(async () => {
    dir = copyFixture('context');
    profiles = join(dir, 'profile_dir');
    report = await api.build({ projectDir: dir, profilesDir: profiles, log: () => undefined });
  });
  afterAll(removeCopies);

  const rows = async (sql: string, target?: string) =>
    (await api.query(sql, { projectDir: dir, profilesDir: profiles, target })).rows;

  it('[ctx-template-config] builds what dbt builds; a model disabled by a templated config is left out', () => {
    expect(report.success).toBe(true);
    expect(report.results.map((r) => r.name).sort()).toEqual(
      [
        'ctx_project-on-run-end-0',
        'ctx_project-on-run-start-0',
        'ctx_project-on-run-start-1',
        'context_facts',
        'dbt_utils_like_expression_context_facts_people_3',
        'people',
        'source_not_null_raw_people_src_id',
        'tmp_people',
      ].sort(),
    );
  });

  it("[ctx-naming-overrides] names relations through the project's generate_schema_name and generate_alias_name", async () => {
    expect(
      await rows('select table_schema, table_name from information_schema.tables order by 1, 2'),
    ).toEqual([
      { table_schema: 'custom_dev', table_name: 'people' },
      { table_schema: 'main', table_name: 'context_facts' },
      { table_schema: 'main', table_name: 'people' },
      { table_schema: 'main', table_name: 'people_raw' },
    ]);
  });

  it('[ctx-jinja-context] renders the context as dbt-core 1.11 + dbt-duckdb did', async () => {
    const [row] = await rows('select * exclude (people_relation, md5) from main.context_facts');
    // dbt's row for the same fixture, but for people_relation (dbt-duckdb writes the database
    // too: "dev"."custom_dev"."people").
    expect(row).toEqual({
      people: 3,
      last_name: 'Linus',
      people_columns: 'id,name,born',
      found_existing: true,
      missing_is_none: true,
      this_parts: 'dev|main|context_facts|context_facts',
      target_parts: 'dev|main|duckdb|1|context',
      meta_len: 3,
      as_json: '{"a": [1, true, null]}',
      start_day: '01/01/2024',
      started_recently: true,
      zero: 0,
    });
    expect(await rows('select people_relation, md5 from main.context_facts')).toEqual([
      { people_relation: '"custom_dev"."people"', md5: '1c3230da29a141388e18208eeebba12f' },
    ]);
  });

  it('[ctx-profile-targets] picks the target from env_var in profiles.yml, or --target; DBT_PROFILES_DIR finds the profile', async () => {
    const result = await runCli(['build', '--project-dir', dir], {
      DBT_PROFILES_DIR: profiles,
      CONTEXT_TARGET: 'ci',
      CI_DB_NAME: 'ci_db',
    });
    expect(result.stdout).toContain('warning: models/context_facts.sql: zero given');
    expect(result.stdout).toMatch(/finished [0-9a-f-]{36}/);
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, 'target', 'ci_db.duckdb'))).toBe(true);
    process.env.CI_DB_NAME = 'ci_db';
    try {
      expect(
        await rows(
          "select table_schema, table_name from information_schema.tables where table_name = 'people' order by 1",
          'ci',
        ),
      ).toEqual([
        { table_schema: 'ci', table_name: 'people' },
        { table_schema: 'custom_ci', table_name: 'people' },
      ]);
      expect(await rows('select target_parts from ci.context_facts', 'ci')).toEqual([
        { target_parts: 'ci|ci|duckdb|3|context' },
      ]);
    } finally {
      delete process.env.CI_DB_NAME;
    }
  });

  it('[ctx-missing-profile] a profile that cannot be found is a clear error', async () => {
    const result = await runCli(['ls', '--project-dir', dir], {
      DBT_PROFILES_DIR: join(dir, 'models'),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no profiles.yml was found in ${join(dir, 'models')}`);
  });
});
