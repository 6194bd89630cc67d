/**
 * vitest globalSetup: one real PostgreSQL server for the whole suite (scripts/postgres.ts),
 * stopped and removed when the suite ends. Tests reach it with inject('postgres').
 */
import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresServer } from '../../scripts/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresServer;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { server, stop } = await startPostgres();
  project.provide('postgres', server);
  return stop;
}
