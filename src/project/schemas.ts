import { createHash } from 'node:crypto';
import { ADAPTERS } from '../adapters/registry.ts';
import {
  folderSchema,
  ModelConfig,
  SeedConfig,
  SnapshotConfig,
  TestConfig,
} from './configSchema.ts';
import project from './schemas/project.schema.json' with { type: 'json' };
import properties from './schemas/properties.schema.json' with { type: 'json' };

// The parts of project.yml's schema that have one definition elsewhere: node config
// (configSchema.ts) and targets, whose keys depend on their type: each registered adapter
// contributes its own branch, and the discriminator makes ajv check only the one `type` names.
Object.assign(project.$defs, {
  modelFolder: folderSchema(ModelConfig, '#/$defs/modelFolder'),
  seedFolder: folderSchema(SeedConfig, '#/$defs/seedFolder'),
  testFolder: folderSchema(TestConfig, '#/$defs/testFolder'),
  snapshotFolder: folderSchema(SnapshotConfig, '#/$defs/snapshotFolder'),
  target: {
    type: 'object',
    required: ['type'],
    discriminator: { propertyName: 'type' },
    oneOf: Object.values(ADAPTERS).map((a) => ({
      ...a.targetSchema,
      additionalProperties: false,
      properties: {
        type: { const: a.type },
        schema: { type: 'string' },
        threads: { type: 'integer', minimum: 1 },
        ...a.targetSchema.properties,
      },
    })),
  },
});

export const projectSchema: object = project;
export const propertiesSchema: object = properties;

/**
 * The schemas validators.cjs holds compiled (util/precompiled.ts), with the key each is found
 * by: the two files' schemas, and the config a model's `{{ config() }}` sets.
 */
export const compiledSchemas = new Map<object, string>([
  [project, project.$id],
  [properties, properties.$id],
  [ModelConfig, 'duckflow/model-config'],
  [SnapshotConfig, 'duckflow/snapshot-config'],
]);

/** A stamp of both schemas: what a file validated under, for results kept between runs. */
export const schemasStamp = createHash('sha256')
  .update(JSON.stringify([project, properties]))
  .digest('hex');
