/** Child-process measurements for the benchmark: builds, floors, CLI timings, machine facts. */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import type { FloorReport } from './floors.ts';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MAXRSS = fileURLToPath(new URL('./maxrss.cjs', import.meta.url));
const FLOORS = fileURLToPath(new URL('./floors.ts', import.meta.url));
export const CLI = join(REPO, 'bin', 'duckflow.js');

interface ChildUsage {
  maxRssBytes: number;
  cpuSeconds: number;
}

/** CPU seconds all processes on the machine have spent busy so far (from /proc/stat). */
export function machineBusySeconds(): number | undefined {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return (user + nice + system + irq + softirq + (steal || 0)) / 100; // USER_HZ = 100 on Linux
  } catch {
    return undefined;
  }
}

/**
 * Runs a command in a child node process with the peak-RSS preload, timing it from spawn to
 * exit, and estimates the load other processes put on the machine meanwhile (CPU the machine
 * spent busy minus the child's own, divided by the wall time: cores' worth).
 */
async function measuredNode(
  args: string[],
  rssFile: string,
  cwd: string,
): Promise<{
  wallSeconds: number;
  exitCode: number;
  stdout: string;
  stderr: string;
  usage: ChildUsage;
  otherLoadCores?: number;
  loadAvg: [number, number];
}> {
  rmSync(rssFile, { force: true });
  const busyBefore = machineBusySeconds();
  const loadBefore = loadavg()[0];
  const started = process.hrtime.bigint();
  const child = await $({
    cwd,
    nothrow: true,
    quiet: true,
    env: { ...process.env, DUCKFLOW_BENCH_RSS_FILE: rssFile },
  })`${process.execPath} --require ${MAXRSS} ${args}`;
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const busyAfter = machineBusySeconds();
  const usage = existsSync(rssFile)
    ? (JSON.parse(readFileSync(rssFile, 'utf8')) as ChildUsage)
    : { maxRssBytes: 0, cpuSeconds: 0 };
  const otherLoadCores =
    busyBefore === undefined || busyAfter === undefined
      ? undefined
      : otherLoad(busyAfter - busyBefore, usage.cpuSeconds, wallSeconds);
  return {
    wallSeconds,
    exitCode: child.exitCode ?? -1,
    stdout: child.stdout,
    stderr: child.stderr,
    usage,
    otherLoadCores,
    loadAvg: [loadBefore, loadavg()[0]],
  };
}

/** Cores' worth of CPU spent outside the measured process tree while it ran. */
export function otherLoad(machineBusy: number, ownCpu: number, wallSeconds: number): number {
  return Math.max(0, (machineBusy - ownCpu) / wallSeconds);
}

export interface NodeTiming {
  name: string;
  kind: string;
  status: string;
  seconds: number;
  rows?: number;
}

export interface BuildRun {
  /** Spawn to exit of `duckflow build`: node start, project load, every node, the final checkpoint. */
  wallSeconds: number;
  /** duckflow's own figure for the run (from opening the database to closing it). */
  runSeconds: number;
  /** Wall-clock seconds with DuckDB at work (statements in flight, open, close). */
  dbSeconds: number;
  statements?: number;
  overheadSeconds: number;
  overheadPercent: number;
  peakRssBytes: number;
  /** User + system CPU seconds of the build process. */
  cpuSeconds?: number;
  dbFileBytes: number;
  nodes: NodeTiming[];
  testCount: number;
  testsFailed: number;
  testsWarned: number;
  otherLoadCores?: number;
  loadAvg1m: [number, number];
}

/**
 * The files a build will open, written to disk first: a build started right after another wrote
 * them (the incremental benchmark's batch after its history) would share the disk with the
 * kernel writing those pages back. Batches started right after copying the 0.7 GB history
 * database ran 0.3-0.5 s slower than after a sync.
 */
function flushToDisk(...paths: string[]): void {
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

export async function runBuild(
  projectDir: string,
  eventsPath: string,
  dbPath: string,
  targetPath: string,
  runDir: string,
  /** false: `duckflow build` on the existing database, incremental models incremental. */
  fullRefresh = true,
  /** Another checkout's CLI (`--compare-ref`); this repository's by default. */
  cli = CLI,
): Promise<BuildRun> {
  const vars = JSON.stringify({ events_path: eventsPath });
  flushToDisk(dbPath, `${dbPath}.wal`);
  const r = await measuredNode(
    [
      cli,
      '--project-dir',
      projectDir,
      '--log-format',
      'json',
      '--vars',
      vars,
      'build',
      ...(fullRefresh ? ['--full-refresh'] : []),
    ],
    join(runDir, 'build.usage.json'),
    REPO,
  );
  const resultsPath = join(targetPath, 'run_results.json');
  if (!existsSync(resultsPath))
    throw new Error(
      `duckflow build wrote no run_results.json (exit ${r.exitCode}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`,
    );
  const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as {
    elapsed_seconds: number;
    database_seconds: number;
    success: boolean;
    results: {
      name: string;
      kind: string;
      status: string;
      execution_time: number;
      rows_affected: number | null;
    }[];
  };
  if (!results.success) {
    const failed = results.results
      .filter((n) => n.status === 'error' || n.status === 'fail')
      .map((n) => `${n.kind} ${n.name}: ${n.status}`);
    throw new Error(
      `duckflow build failed (exit ${r.exitCode}): ${failed.join('; ')}\n${r.stderr.slice(-2000)}`,
    );
  }
  const tests = results.results.filter((n) => n.kind === 'test' || n.kind === 'unit_test');
  const dbSeconds = results.database_seconds;
  const overheadSeconds = r.wallSeconds - dbSeconds;
  return {
    wallSeconds: r.wallSeconds,
    runSeconds: results.elapsed_seconds,
    dbSeconds,
    overheadSeconds,
    overheadPercent: (100 * overheadSeconds) / r.wallSeconds,
    peakRssBytes: r.usage.maxRssBytes,
    cpuSeconds: r.usage.cpuSeconds,
    dbFileBytes: fileBytes(dbPath),
    nodes: results.results.map((n) => ({
      name: n.name,
      kind: n.kind,
      status: n.status,
      seconds: n.execution_time,
      rows: n.rows_affected ?? undefined,
    })),
    testCount: tests.length,
    testsFailed: tests.filter((n) => n.status === 'fail' || n.status === 'error').length,
    testsWarned: tests.filter((n) => n.status === 'warn').length,
    otherLoadCores: r.otherLoadCores,
    loadAvg1m: r.loadAvg,
  };
}

export interface FloorRun extends FloorReport {
  peakRssBytes: number;
  /** User + system CPU seconds of the floors process. */
  cpuSeconds?: number;
  otherLoadCores?: number;
}

export async function runFloors(
  eventsPath: string,
  dbPath: string,
  runDir: string,
  settings: { memoryLimit: string; threads: number; preserveInsertionOrder: boolean },
): Promise<FloorRun> {
  const r = await measuredNode(
    [
      '--import',
      'tsx',
      FLOORS,
      '--db',
      dbPath,
      '--events',
      eventsPath,
      '--memory-limit',
      settings.memoryLimit,
      '--threads',
      String(settings.threads),
      '--temp-dir',
      join(runDir, 'duckdb_tmp_floors'),
      '--preserve-insertion-order',
      String(settings.preserveInsertionOrder),
    ],
    join(runDir, 'floors.usage.json'),
    REPO,
  );
  if (r.exitCode !== 0)
    throw new Error(`floors failed (exit ${r.exitCode}):\n${r.stderr.slice(-3000)}`);
  const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as FloorReport;
  return {
    ...report,
    peakRssBytes: r.usage.maxRssBytes,
    cpuSeconds: r.usage.cpuSeconds,
    otherLoadCores: r.otherLoadCores,
  };
}

export function fileBytes(path: string): number {
  let bytes = 0;
  for (const p of [path, `${path}.wal`]) if (existsSync(p)) bytes += statSync(p).size;
  return bytes;
}

/** Wall seconds of one CLI invocation (node start included: what a person at a terminal waits). */
export function timeCli(args: string[], cwd: string): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0)
    throw new Error(`duckflow ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  return seconds;
}

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  os: string;
  node: string;
  loadAvgAtStart: number[];
}

export function machineFacts(): MachineFacts {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':')[1].trim();
  } catch {
    // not Linux: os.cpus() is all there is
  }
  return {
    cpuModel,
    cores: cpus().length,
    memoryBytes: totalmem(),
    os: `${process.platform} ${release()}`,
    node: process.version,
    loadAvgAtStart: loadavg(),
  };
}
