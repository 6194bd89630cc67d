/**
 * A benchmark run builds the repository's webshop project unchanged, but into its own fresh
 * database file: a run directory gets symlinks to the project's folders (models, seeds,
 * macros, tests: the SQL and YAML under test are the repository's, as they stand) and a
 * project.yml that is the repository's with one extra target, `bench`, and target-path inside
 * the run directory. The repository's target/ is never touched.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

export interface BenchTarget {
  /** DuckDB memory_limit, e.g. '8GB'. */
  memoryLimit: string;
  /** DuckDB worker threads. */
  duckdbThreads: number;
  preserveInsertionOrder: boolean;
}

const LINKED = ['models', 'seeds', 'macros', 'tests', 'analyses', 'snapshots'];

/** A PostgreSQL server to build in instead of a DuckDB file (`--engines`). */
export interface BenchPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Another database to build in instead of a DuckDB file: its `targets:` entry, less threads. */
export type BenchEngine = Record<string, unknown> & { type: string };

export function writeBenchProject(
  repo: string,
  runDir: string,
  target: BenchTarget,
  engine?: BenchEngine,
): { projectDir: string; dbPath: string; targetPath: string } {
  const projectDir = join(runDir, 'project');
  mkdirSync(projectDir, { recursive: true });
  for (const dir of LINKED) {
    if (existsSync(join(repo, dir))) symlinkSync(resolve(repo, dir), join(projectDir, dir), 'dir');
  }
  const config = parse(readFileSync(join(repo, 'project.yml'), 'utf8')) as Record<string, unknown>;
  const targets = (config.targets ?? {}) as Record<string, Record<string, unknown>>;
  const base = targets[String(config.target ?? 'dev')] ?? {};
  const dbPath = join(runDir, 'webshop.duckdb');
  const targetPath = join(runDir, 'target');
  targets.bench = {
    ...base,
    type: 'duckdb',
    path: dbPath,
    memory_limit: target.memoryLimit,
    // Where DuckDB spills what does not fit in memory_limit.
    temp_directory: join(runDir, 'duckdb_tmp'),
    // The build is measured against its floors; publishing a snapshot for `duckflow serve` (a
    // copy of the database file) is measured in the site-visits benchmark instead.
    snapshots: 0,
    settings: {
      ...((base.settings as Record<string, unknown> | undefined) ?? {}),
      threads: target.duckdbThreads,
      preserve_insertion_order: target.preserveInsertionOrder,
    },
  };
  // Same threads as the DuckDB build: one connection per concurrent node.
  if (engine) targets.bench = { schema: 'bench', ...engine, threads: base.threads ?? 4 };
  config.targets = targets;
  config.target = 'bench';
  config['target-path'] = targetPath;
  writeFileSync(join(projectDir, 'project.yml'), stringify(config));
  return { projectDir, dbPath, targetPath };
}
