/**
 * The incremental tests' setup: one project, two targets on the same engine and database —
 * `inc` (built batch by batch) and `full` (rebuilt from scratch) — in schemas of their own, so
 * one query compares them.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freshSchema, type Engine } from '../adapters/engines.ts';

/** Memory-backed files, where the machine has them. */
const SHM = '/dev/shm';

export interface TwoTargets {
  full: string;
  inc: string;
  /** Removes what the targets left outside the project (a DuckDB file in SHM). */
  remove(): void;
}

/** Writes `dir`/project.yml: `config` plus the two targets (`inc` the default). */
export function writeTwoTargets(
  dir: string,
  engine: Engine,
  config: Record<string, unknown>,
): TwoTargets {
  const schemas = { full: freshSchema(), inc: freshSchema() };
  // The builds commit after every node: on this little data the file syncs cost more than the
  // work, so the DuckDB file goes to memory when it can (still a real DuckDB file).
  const memory =
    engine.type === 'duckdb' && existsSync(SHM) ? mkdtempSync(join(SHM, 'duckflow-')) : undefined;
  const target = (schema: string) => ({
    ...engine.target(schema),
    ...(memory ? { path: join(memory, 'incremental.duckdb') } : {}),
  });
  writeFileSync(
    join(dir, 'project.yml'),
    stringify({
      ...config,
      target: 'inc',
      targets: { full: target(schemas.full), inc: target(schemas.inc) },
    }),
  );
  return {
    ...schemas,
    remove: () => {
      if (memory) rmSync(memory, { recursive: true, force: true });
    },
  };
}

/** The rows of `relation` in schema `a` and not in `b`, as a multiset (EXCEPT ALL). */
export const exceptAll = (relation: string, a: string, b: string) =>
  `select * from "${a}"."${relation}" except all select * from "${b}"."${relation}"`;
