import project from './schemas/project.schema.json' with { type: 'json' };
import properties from './schemas/properties.schema.json' with { type: 'json' };

export const projectSchema: object = project;
export const propertiesSchema: object = properties;
