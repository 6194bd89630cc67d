import { MODEL_MATERIALIZATIONS } from '../materializations/registry.ts';
import manifest from './schemas/manifest.schema.json' with { type: 'json' };
import runResults from './schemas/run_results.schema.json' with { type: 'json' };

// A model's materialization is one the registry knows: the schema takes the list from there.
manifest.definitions.model.properties.materialized = {
  enum: [...MODEL_MATERIALIZATIONS, 'snapshot'],
} as unknown as { type: string };

/** JSON Schemas of the artifacts duckflow writes, for anyone who reads them. */
export const manifestSchema: object = manifest;
export const runResultsSchema: object = runResults;
