import { Ajv, type ValidateFunction } from 'ajv';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelConfig, SnapshotConfig } from '../../src/project/configSchema.ts';
import { compiledSchemas, projectSchema, propertiesSchema } from '../../src/project/schemas.ts';
import { validatorsModule } from '../../src/project/validatorsModule.ts';
import { AJV_OPTIONS } from '../../src/project/yamlFile.ts';
import cacheSchema from '../../src/util/schemas/parse-cache.schema.json' with { type: 'json' };

// duckflow compiles its schemas without checking them against the meta-schema at every start
// (a cost paid by every command): they are checked here instead, once per change.
describe("duckflow's JSON Schemas", () => {
  const ajv = new Ajv({ strict: false, discriminator: true });
  it.each([
    ['project.yml', projectSchema],
    ['property files', propertiesSchema],
    ['target/partial_parse.json', cacheSchema],
  ])('the schema of %s is a valid draft-07 schema', (_, schema) => {
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('a schema broken on purpose fails the same check (the check is not vacuous)', () => {
    expect(
      ajv.validateSchema({ type: 'object', properties: { a: { type: 'no-such-type' } } }),
    ).toBe(false);
  });
});

// The CLI's bundle validates with code compiled from these schemas when it was built
// (src/util/precompiled.ts); from source, ajv compiles them. Both must say the same.
describe('the validators compiled into the bundle', () => {
  const dir = join(process.cwd(), 'node_modules', '.cache', 'duckflow-test');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `validators-${process.pid}.cjs`);
  writeFileSync(file, validatorsModule());
  const compiled = createRequire(import.meta.url)(file) as Record<string, ValidateFunction>;
  rmSync(file);
  const ajv = new Ajv({ ...AJV_OPTIONS });
  const cases: [string, object, unknown][] = [
    ['project.yml', projectSchema, { name: 'x', targets: { dev: { type: 'duckdb', thread: 2 } } }],
    ['project.yml', projectSchema, { name: 3, models: { staging: { materialized: 'tabel' } } }],
    [
      'project.yml',
      projectSchema,
      { name: 'x', targets: { dev: { type: 'postgres', port: 'x' } } },
    ],
    ['property files', propertiesSchema, { models: [{ name: 'm', columns: [{ nam: 'c' }] }] }],
    ['a model config', ModelConfig, { materialized: 'incremental', unique_key: 5, bogus: true }],
    ['a snapshot config', SnapshotConfig, { strategy: 'sometimes' }],
    ['partial_parse.json', cacheSchema, { format: 7, version: 'x', project: 'no', entries: [] }],
  ];
  it.each(cases)('%s: the same verdict and errors for %j', (_, schema, value) => {
    const key = compiledSchemas.get(schema) ?? (schema as { $id: string }).$id;
    const fromSource = ajv.compile(schema);
    const fromBundle = compiled[key]!;
    expect(fromBundle(value)).toBe(false);
    expect(fromSource(value)).toBe(false);
    expect(JSON.stringify(fromBundle.errors)).toBe(JSON.stringify(fromSource.errors));
  });

  it('a valid project.yml passes both', () => {
    const value = { name: 'x', targets: { dev: { type: 'duckdb', threads: 2 } } };
    expect(compiled[compiledSchemas.get(projectSchema)!]!(value)).toBe(true);
    expect(ajv.compile(projectSchema)(value)).toBe(true);
  });
});
