/**
 * Reliability of the test suite itself: a failing test must fail `npm test`, with the suite's
 * real global setup (the embedded PostgreSQL server) in place. Row of docs/reliability.md
 * ("The test suite").
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');

it('[suite-failure-exit-code] a failing test exits vitest non-zero with the PostgreSQL global setup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'duckflow-suite-'));
  try {
    // globals: the folder has no node_modules to import vitest from
    writeFileSync(join(dir, 'fails.test.ts'), "it('fails', () => expect(1).toBe(2));\n");
    writeFileSync(
      join(dir, 'vitest.config.mjs'),
      `export default { test: { globals: true, include: ['*.test.ts'], globalSetup: [${JSON.stringify(
        join(repo, 'tests/adapters/postgres-server.ts'),
      )}] } };\n`,
    );
    const run = spawnSync(
      process.execPath,
      [join(repo, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir],
      { cwd: dir, encoding: 'utf8', timeout: 110_000 },
    );
    expect(run.stdout + run.stderr).toMatch(/1 failed/);
    expect(run.status).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
