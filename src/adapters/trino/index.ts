import type { AdapterPlugin } from '../types.ts';
import { trinoDialect } from './dialect.ts';
import { resolveTrinoTarget, trinoTargetSchema, trinoUrl, type TrinoTarget } from './target.ts';

export const trino: AdapterPlugin<TrinoTarget> = {
  type: 'trino',
  // The catalog's connector decides the capabilities; the adapter reads it when it opens.
  dialect: trinoDialect('hive'),
  targetSchema: trinoTargetSchema,
  resolveTarget: resolveTrinoTarget,
  open: async (target) => (await import('./adapter.ts')).TrinoAdapter.open(target),
  openExisting: async (target) => (await import('./adapter.ts')).TrinoAdapter.open(target),
  location: (t) => `${trinoUrl(t)}/${t.catalog}`,
  // Unit tests work in schemas of their own connections, dropped afterwards.
  scratch: (target) => ({ ...target, scratch: true }),
};
