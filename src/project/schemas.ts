import { createRequire } from 'node:module';

// JSON imports need an import attribute under NodeNext; require keeps this file plain.
const require = createRequire(import.meta.url);
export const projectSchema: object = require('./schemas/project.schema.json');
export const propertiesSchema: object = require('./schemas/properties.schema.json');
