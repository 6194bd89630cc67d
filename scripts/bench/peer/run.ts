/**
 * One peer measurement (`npm run bench -- --peer dbt`): the project ported to dbt, then duckflow
 * and dbt each building it on the same export into a fresh database with the same DuckDB
 * settings, both timed the same way (rusage.py), then their tables and test results compared.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, REPO } from '../measure.ts';
import { writeBenchProject, type BenchTarget } from '../project.ts';
import {
  compareDatabases,
  testDifferences,
  type RelationComparison,
  type TestOutcome,
} from './compare.ts';
import { measuredCommand, type ToolUsage } from './measured.ts';
import { portToDbt, type PortedProject } from './port.ts';
import type { PortedTest } from './tests.ts';
import type { DbtVenv } from './venv.ts';

export const PEERS = ['dbt'] as const;
export type Peer = (typeof PEERS)[number];

export interface ToolRun extends ToolUsage {
  models: number;
  tests: number;
}

export interface PeerRun {
  peer: Peer;
  versions: DbtVenv['versions'];
  duckflow: ToolRun;
  dbt: ToolRun;
  /** dbt wall / duckflow wall: how many times faster duckflow built the same project. */
  ratio: number;
  /** Empty when this run's rows were not compared (see `compareRows`). */
  relations: RelationComparison[];
  rowsCompared: boolean;
  rowsIdentical: boolean;
  testsCompared: number;
  /** Tests whose outcome differs between the tools (empty: identical). */
  testDifferences: string[];
  testsIdentical: boolean;
  /** How the port declared the data tests: dbt built-in, generated generic, singular. */
  testsPortedAs: Record<PortedTest['as'], number>;
  unitTestsLeftOut: number;
}

interface ResultRow {
  name: string;
  kind: string;
  status: string;
  failures: number | null;
}

export async function runPeer(options: {
  venv: DbtVenv;
  eventsPath: string;
  runDir: string;
  target: BenchTarget;
  /**
   * Compare the two databases row for row. `EXCEPT ALL` both ways costs about as much as a build
   * at 10M (untimed): the benchmark does it in the first run of each size.
   */
  compareRows: boolean;
  log: (line: string) => void;
}): Promise<PeerRun> {
  const { venv, runDir, log } = options;
  const vars = { events_path: options.eventsPath };
  const dir = join(runDir, 'peer');
  mkdirSync(dir, { recursive: true });
  // Ported from a project of its own: compiling leaves a partial-parse cache behind, and both
  // tools start cold.
  const source = writeBenchProject(REPO, join(dir, 'port'), options.target);
  const dbtDb = join(dir, 'dbt.duckdb');
  const ported = await portToDbt({
    projectDir: source.projectDir,
    vars,
    outDir: join(dir, 'dbt'),
    dbPath: dbtDb,
  });

  const df = writeBenchProject(REPO, join(dir, 'duckflow'), options.target);
  log('  peer: duckflow build (data tests, no unit tests: what the port runs)');
  const duckflowUsage = measuredCommand(
    venv.python,
    [
      process.execPath,
      CLI,
      '--project-dir',
      df.projectDir,
      '--log-format',
      'json',
      '--vars',
      JSON.stringify(vars),
      'build',
      '--full-refresh',
      '--exclude',
      'test_type:unit',
    ],
    {
      cwd: REPO,
      usageFile: join(dir, 'duckflow.usage.json'),
      logFile: join(dir, 'duckflow.log'),
    },
  );
  const duckflowResults = readResults(
    join(df.targetPath, 'run_results.json'),
    (r) => r as ResultRow,
    join(dir, 'duckflow.log'),
  );

  log(
    `  peer: dbt build (dbt-core ${venv.versions.dbtCore}, dbt-duckdb ${venv.versions.dbtDuckdb})`,
  );
  const dbtUsage = measuredCommand(
    venv.python,
    [venv.dbt, 'build', '--project-dir', ported.dir, '--profiles-dir', ported.profilesDir],
    {
      cwd: ported.dir,
      env: { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' },
      usageFile: join(dir, 'dbt.usage.json'),
      logFile: join(dir, 'dbt.log'),
    },
  );
  const dbtResults = readResults(
    join(ported.dir, 'target', 'run_results.json'),
    (r) => {
      const row = r as { unique_id: string; status: string; failures: number | null };
      // unique_id: <kind>.<project>.<name>[.<hash>]; the port keeps duckflow's names.
      const [kind, , name] = row.unique_id.split('.');
      return { name, kind, status: row.status, failures: row.failures };
    },
    join(dir, 'dbt.log'),
  );
  for (const [tool, rows] of [
    ['duckflow', duckflowResults],
    ['dbt', dbtResults],
  ] as const) {
    const broken = rows.filter((r) => r.kind !== 'test' && r.status !== 'success');
    if (broken.length)
      throw new Error(
        `peer: ${tool} did not build ${broken.map((r) => `${r.name} (${r.status})`).join(', ')}; see ${dir}`,
      );
  }

  log(`  peer: comparing ${options.compareRows ? 'tables and ' : ''}test results`);
  const relations = options.compareRows
    ? await compareDatabases(df.dbPath, dbtDb, ported.relations, {
        memory_limit: ported.target.memory_limit ?? '8GB',
        threads: String(ported.target.settings.threads ?? 2),
        temp_directory: join(dir, 'compare_tmp'),
      })
    : [];
  const outcomes = (rows: ResultRow[]) =>
    new Map<string, TestOutcome>(
      rows
        .filter((r) => r.kind === 'test')
        .map((r) => [r.name, { status: r.status, failures: r.failures }]),
    );
  const differences = testDifferences(outcomes(duckflowResults), outcomes(dbtResults));
  const tool = (usage: ToolUsage, rows: ResultRow[]): ToolRun => ({
    ...usage,
    models: rows.filter((r) => r.kind !== 'test').length,
    tests: rows.filter((r) => r.kind === 'test').length,
  });
  return {
    peer: 'dbt',
    versions: venv.versions,
    duckflow: tool(duckflowUsage, duckflowResults),
    dbt: tool(dbtUsage, dbtResults),
    ratio: dbtUsage.wallSeconds / duckflowUsage.wallSeconds,
    relations,
    rowsCompared: options.compareRows,
    rowsIdentical: relations.every((r) => r.identical),
    testsCompared: outcomes(duckflowResults).size,
    testDifferences: differences,
    testsIdentical: differences.length === 0,
    testsPortedAs: countBy(ported),
    unitTestsLeftOut: ported.unitTestsLeftOut,
  };
}

function readResults(path: string, row: (r: unknown) => ResultRow, logFile: string): ResultRow[] {
  if (!existsSync(path)) {
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '';
    throw new Error(`peer: no ${path} (see ${logFile}):\n${tail}`);
  }
  return (JSON.parse(readFileSync(path, 'utf8')) as { results: unknown[] }).results.map(row);
}

function countBy(ported: PortedProject): Record<PortedTest['as'], number> {
  const counts = { 'dbt built-in': 0, 'generated generic': 0, singular: 0 };
  for (const t of ported.tests) counts[t.as]++;
  return counts;
}
