import { ADAPTERS } from '../adapters/registry.ts';
import project from './schemas/project.schema.json' with { type: 'json' };
import properties from './schemas/properties.schema.json' with { type: 'json' };

// A target's keys depend on its type: each registered adapter contributes its own branch, and
// the discriminator makes ajv check only the branch its `type` names.
(project.$defs as Record<string, unknown>).target = {
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
};

// dbt lets folder config keys carry a '+' prefix (`+tags: [x]`), which folderConfig() accepts:
// give each folder schema the '+' spelling of every config key, so both validate alike.
for (const folder of [
  project.$defs.modelFolder,
  project.$defs.seedFolder,
  project.$defs.testFolder,
]) {
  const keys: Record<string, unknown> = folder.properties;
  for (const [key, schema] of Object.entries(keys)) keys[`+${key}`] = schema;
}

export const projectSchema: object = project;
export const propertiesSchema: object = properties;
