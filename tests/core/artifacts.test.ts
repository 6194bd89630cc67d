import { Ajv, type ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema, runResultsSchema } from '../../src/artifacts/schemas.ts';
import { project, removeFixtures, type Fixture } from '../helpers/fixture.ts';

afterAll(removeFixtures);

// Strict mode: the schemas themselves must be clean draft-07.
const ajv = new Ajv({ allErrors: true, strict: true });
const validateManifest = ajv.compile(manifestSchema);
const validateRunResults = ajv.compile(runResultsSchema);

function expectValid(validate: ValidateFunction, data: unknown): void {
  const ok = validate(data);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const files = {
  'project.yml': 'name: shop\n',
  'data/visits.csv': 'day,visits\n2024-01-01,5\n',
  'seeds/customers.csv': 'id,name\n1,ann\n2,bob\n',
  'models/sources.yml':
    'sources:\n  - name: web\n    tables:\n      - name: visits\n        external_location: data/visits.csv\n',
  'models/base.sql':
    "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('customers') }}\n",
  'models/customers_t.sql':
    "{{ config(materialized='table', tags=['core']) }}\nselect * from {{ ref('base') }}\n",
  'models/customers_inc.sql':
    "{{ config(materialized='incremental', unique_key='id') }}\nselect * from {{ ref('customers_t') }}\n",
  'models/visits_v.sql': "select * from {{ source('web', 'visits') }}\n",
  'models/broken.sql': 'select nope\n',
  'models/after_broken.sql': "select * from {{ ref('broken') }}\n",
  'models/schema.yml':
    'models:\n  - name: customers_t\n    description: customers\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
  'tests/no_negative_ids.sql': "select * from {{ ref('customers_t') }} where id < 0\n",
};

describe('artifacts validate against their JSON Schemas', () => {
  let p: Fixture;
  // Artifacts are deep JSON read field by field; their shape is checked by the JSON Schemas.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  let manifest: Record<string, any>;
  let runResults: Record<string, any>;
  /* eslint-enable @typescript-eslint/no-explicit-any */

  beforeAll(async () => {
    p = project(files);
    await p.build();
    manifest = JSON.parse(p.read('target/manifest.json'));
    runResults = JSON.parse(p.read('target/run_results.json'));
  });

  it('manifest.json', () => {
    expectValid(validateManifest, manifest);
    expect(manifest.schema_version).toBe(1);
    expect(Object.keys(manifest.nodes).sort()).toEqual([
      'model.shop.after_broken',
      'model.shop.base',
      'model.shop.broken',
      'model.shop.customers_inc',
      'model.shop.customers_t',
      'model.shop.visits_v',
      'seed.shop.customers',
      'source.shop.web.visits',
      'test.shop.no_negative_ids',
      'test.shop.not_null_customers_t_id',
    ]);
    const table = manifest.nodes['model.shop.customers_t'];
    expect(table).toMatchObject({
      kind: 'model',
      path: 'models/customers_t.sql',
      materialized: 'table',
      tags: ['core'],
      description: 'customers',
      depends_on: ['model.shop.base'],
      checksum: sha256(files['models/customers_t.sql']),
      compiled_path: 'compiled/models/customers_t.sql',
    });
    expect(table.config).toMatchObject({ materialized: 'table', tags: ['core'] });
    expect(manifest.nodes['model.shop.base'].compiled_path).toBeNull();
    expect(manifest.nodes['model.shop.visits_v'].depends_on).toEqual(['source.shop.web.visits']);
    expect(manifest.nodes['seed.shop.customers']).toMatchObject({
      kind: 'seed',
      format: 'csv',
      checksum: sha256(files['seeds/customers.csv']),
    });
    expect(manifest.nodes['test.shop.not_null_customers_t_id']).toMatchObject({
      kind: 'test',
      test_type: 'generic',
      attached_to: 'model.shop.customers_t',
      column_name: 'id',
    });
  });

  it('run_results.json', () => {
    expectValid(validateRunResults, runResults);
    expect(runResults).toMatchObject({
      schema_version: 3,
      status: 'finished',
      command: 'build',
      success: false,
      metadata: { pid: process.pid },
    });
    const status = Object.fromEntries(
      runResults.results.map((r: { name: string; status: string }) => [r.name, r.status]),
    );
    expect(status).toEqual({
      customers: 'success',
      customers_t: 'success',
      customers_inc: 'success',
      visits_v: 'success',
      broken: 'error',
      after_broken: 'skipped',
      not_null_customers_t_id: 'pass',
      no_negative_ids: 'pass',
    });
    const broken = runResults.results.find((r: { name: string }) => r.name === 'broken');
    expect(broken).toMatchObject({
      kind: 'model',
      file: 'models/broken.sql',
      line: 1,
      compiled_path: p.path('target/compiled/models/broken.sql'),
    });
    expect(
      runResults.results.find((r: { name: string }) => r.name === 'customers_t').rows_affected,
    ).toBe(2);
  });

  it('a second, incremental run and a manifest written by ls validate too', async () => {
    await p.run({ select: ['customers_inc'] });
    expectValid(validateRunResults, JSON.parse(p.read('target/run_results.json')));
    p.list();
    expectValid(validateManifest, JSON.parse(readFileSync(p.path('target/manifest.json'), 'utf8')));
  });

  it('the schemas reject what the engine must not emit', () => {
    const bad = structuredClone(runResults);
    bad.results[0].status = 'exploded';
    expect(validateRunResults(bad)).toBe(false);
    expect(validateRunResults({ ...runResults, schema_version: 1 })).toBe(false);
    // A run still running (or interrupted) cannot have succeeded.
    expect(validateRunResults({ ...runResults, status: 'running', success: true })).toBe(false);
    expect(validateRunResults({ ...runResults, status: 'interrupted', success: false })).toBe(true);
    expect(validateRunResults({ ...runResults, status: 'crashed' })).toBe(false);
    const { nodes: _, ...noNodes } = manifest;
    expect(validateManifest(noNodes)).toBe(false);
    const wrongKind = structuredClone(manifest);
    wrongKind.nodes['model.shop.customers_t'].kind = 'analysis';
    expect(validateManifest(wrongKind)).toBe(false);
    const modelWithoutSql = structuredClone(manifest);
    delete modelWithoutSql.nodes['model.shop.customers_t'].raw_sql;
    expect(validateManifest(modelWithoutSql)).toBe(false);
  });
});
