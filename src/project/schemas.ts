import project from './schemas/project.schema.json' with { type: 'json' };
import properties from './schemas/properties.schema.json' with { type: 'json' };

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
