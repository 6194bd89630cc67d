/**
 * dbt-format fixture projects (tests/dbt-compat/fixtures/): copied, with the local packages
 * they point at, into a temp folder so a test builds them without touching the repository.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const made: string[] = [];

/** A fresh copy of tests/dbt-compat/fixtures; returns the copied project's folder. */
export function copyFixture(name: string): string {
  const root = mkdtempSync(join(tmpdir(), 'duckflow-dbt-'));
  made.push(root);
  // Build output of a manual run in the fixtures folder is not part of a fixture.
  cpSync(FIXTURES, root, {
    recursive: true,
    filter: (src) => !/[\\/](target|dbt_packages)$/.test(src),
  });
  return join(root, name);
}

export function removeCopies(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
