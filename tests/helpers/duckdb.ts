/**
 * A DuckDB adapter on a fresh fixture project's own target, for tests of the adapter's pieces
 * that need a real database file but no build. The caller's test file removes the fixtures.
 */
import { DuckDBAdapter } from '../../src/adapters/duckdb/adapter.ts';
import type { DuckDBTarget } from '../../src/adapters/duckdb/target.ts';
import { openSession } from '../../src/runner/session.ts';
import { project } from './fixture.ts';

export async function withFixtureDuckDB<T>(fn: (adapter: DuckDBAdapter) => Promise<T>): Promise<T> {
  const p = project({ 'project.yml': 'name: x\n' });
  const target = openSession({ projectDir: p.dir }).project.target as DuckDBTarget;
  const adapter = await DuckDBAdapter.open(target);
  try {
    return await fn(adapter);
  } finally {
    await adapter.close();
  }
}
