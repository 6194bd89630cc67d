import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { projectSchema, propertiesSchema } from '../../src/project/schemas.ts';
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
