import type { AdapterPlugin } from '../types.ts';
import { DuckDBAdapter } from './adapter.ts';
import { duckdbDialect } from './dialect.ts';
import {
  duckdbTargetSchema,
  isBuilt,
  location,
  resolveDuckDBTarget,
  type DuckDBTarget,
} from './target.ts';

export const duckdb: AdapterPlugin<DuckDBTarget> = {
  type: 'duckdb',
  dialect: duckdbDialect,
  targetSchema: duckdbTargetSchema,
  resolveTarget: resolveDuckDBTarget,
  open: (target) => DuckDBAdapter.open(target),
  // Read-only, so generating docs never changes the database and can run while it is open elsewhere.
  openExisting: async (target) =>
    isBuilt(target)
      ? DuckDBAdapter.open({
          ...target,
          settings: { ...target.settings, access_mode: 'READ_ONLY' },
        })
      : undefined,
  location,
  scratch: (target) => ({ ...target, path: ':memory:', schema: 'main', settings: {} }),
};
