import pkg from '../../package.json' with { type: 'json' };

export const DUCKFLOW_VERSION: string = pkg.version;
