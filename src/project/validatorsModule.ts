import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS } from './yamlFile.ts';
import { compiledSchemas } from './schemas.ts';
import cacheSchema from '../util/schemas/parse-cache.schema.json' with { type: 'json' };

/**
 * The code of validators.cjs (precompiled.ts): duckflow's fixed schemas, compiled once when the
 * bundle is built, with the options yamlFile.ts compiles them with, so their errors are the same.
 */
export function validatorsModule(): string {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  const keys = [...compiledSchemas.values(), cacheSchema.$id];
  for (const [schema, key] of compiledSchemas) ajv.addSchema(schema, key);
  ajv.addSchema(cacheSchema, cacheSchema.$id);
  // A CommonJS module: its exports are the function, which carries itself as `default`.
  return standalone.default(ajv, Object.fromEntries(keys.map((k) => [k, k])));
}
