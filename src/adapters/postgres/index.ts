import type { AdapterPlugin } from '../types.ts';
import { postgresDialect } from './dialect.ts';
import { postgresTargetSchema, resolvePostgresTarget, type PostgresTarget } from './target.ts';

export const postgres: AdapterPlugin<PostgresTarget> = {
  type: 'postgres',
  dialect: postgresDialect,
  targetSchema: postgresTargetSchema,
  resolveTarget: resolvePostgresTarget,
  // The driver loads on first use, so DuckDB-only projects never load it.
  open: async (target) => (await import('./adapter.ts')).PostgresAdapter.open(target),
  // A server is always there to be read; whether a relation is built shows in the catalog.
  openExisting: async (target) => (await import('./adapter.ts')).PostgresAdapter.open(target),
  location: (t) => `${t.host}:${t.port}/${t.database}`,
  // Unit tests work in temporary tables of their own session: the target's data is never touched.
  scratch: (target) => target,
};
