import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts'],
    // DuckDB work is CPU-bound and machines have 2 cores: more workers only add contention.
    maxWorkers: 2,
    // One PostgreSQL server for the whole suite (tests/adapters/postgres-server.ts).
    globalSetup: ['tests/adapters/postgres-server.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
