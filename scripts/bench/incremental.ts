/**
 * `npm run bench -- --only incremental`: N events of history, then a batch of 1% more of which
 * 5% are late (events taken from across the history's time span). The history is built with a
 * full refresh, then the batch with `duckflow build` (incremental); separately, the history and
 * the batch concatenated (the same records in the same order) are built with a full refresh.
 * Both builds are timed from spawn to exit with their peak RSS, each `--runs` times (the
 * median run is reported), and every table the builds keep is compared between the two
 * databases with EXCEPT ALL both ways.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { compareBuilds } from './compare.ts';
import { ensureExport, sizeLabel } from './exports.ts';
import { machineFacts, REPO, runBuild, type BuildRun, type MachineFacts } from './measure.ts';
import { writeBenchProject, type BenchTarget } from './project.ts';
import { UNIT_TEST_PASSES_FILE } from '../../src/testing/unit/passes.ts';

/** The batch's share of the history, and the late share of the batch. */
const BATCH_SHARE = 0.01;
const LATE_SHARE = 0.05;
/** Tables of the latest export only, or one row per load: not comparable by design. */
const PER_LOAD = ['raw_events', 'stg_events_parsed', 'stg_events_duplicate_ids', 'stg_event_loads'];

export interface BuildFigures {
  wallSeconds: number;
  dbSeconds: number;
  peakRssBytes: number;
  cpuSeconds?: number;
  /** Seconds of the seed and model nodes, and of the data and unit tests. */
  nodeSeconds: number;
  testSeconds: number;
  otherLoadCores?: number;
}

export interface ComparedTable {
  table: string;
  rows: number;
  fullOnly: number;
  incrementalOnly: number;
}

export interface IncrementalRecord {
  command?: string;
  label: string;
  measuredAt: string;
  machine: MachineFacts;
  seed: number;
  historyEvents: number;
  batchEvents: number;
  lateEvents: number;
  history: BuildFigures;
  incremental: BuildFigures;
  fullRefresh: BuildFigures;
  /** Full refresh wall time / incremental wall time, of the median runs. */
  speedup: number;
  /** Wall times of every run (`--runs`), in order; the figures above are the median run's. */
  incrementalRuns?: number[];
  fullRefreshRuns?: number[];
  tables: ComparedTable[];
  equal: boolean;
  loadAvg1m: [number, number];
}

function figures(b: BuildRun): BuildFigures {
  const sum = (kinds: string[]) =>
    b.nodes.filter((n) => kinds.includes(n.kind)).reduce((a, n) => a + n.seconds, 0);
  return {
    wallSeconds: b.wallSeconds,
    dbSeconds: b.dbSeconds,
    peakRssBytes: b.peakRssBytes,
    cpuSeconds: b.cpuSeconds,
    nodeSeconds: sum(['seed', 'model']),
    testSeconds: sum(['test', 'unit_test']),
    otherLoadCores: b.otherLoadCores,
  };
}

async function withDuckDB<T>(
  path: string,
  target: BenchTarget,
  tempDirectory: string,
  fn: (c: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const db = await DuckDBInstance.create(path, {
    memory_limit: target.memoryLimit,
    threads: String(target.duckdbThreads),
    temp_directory: tempDirectory,
  });
  const c = await db.connect();
  try {
    return await fn(c);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Splits the export (file order kept: row_number() over () over the scan, as the raw_events seed
 * numbers it) into history.ndjson, batch.ndjson (its last lines plus late ones picked evenly
 * from the history) and all.ndjson (history then batch). The records of an id with conflicting
 * versions stay in the history: a conflict across loads keeps the loaded event
 * (docs/incremental.md), a conflict within one export rejects every version, so they differ.
 */
async function splitExport(
  exportPath: string,
  dir: string,
  historyEvents: number,
  late: number,
  target: BenchTarget,
): Promise<{ history: string; batch: string; all: string; batchEvents: number }> {
  const files = {
    history: join(dir, 'history.ndjson'),
    batch: join(dir, 'batch.ndjson'),
    all: join(dir, 'all.ndjson'),
  };
  const every = Math.floor(historyEvents / late);
  const write = (where: string, order: string, file: string) =>
    `copy (select raw from placed ${where} order by ${order}) to ${sqlString(file)} (format csv, header false, quote '', escape '', delimiter chr(1))`;
  return withDuckDB(join(dir, 'split.duckdb'), target, join(dir, 'duckdb_tmp'), async (c) => {
    await c.run(`create table lines as
      select row_number() over () as n, coalesce(raw, '') as raw
      from read_csv(${sqlString(exportPath)}, columns = {'raw': 'VARCHAR'}, header = false,
        delim = chr(0), quote = '', escape = '', auto_detect = false)`);
    await c.run(`create table conflicting as
      select id from (
        select json_extract_string(raw, '$.id') as id, raw from lines where json_valid(raw)
      ) as records
      where id is not null
      group by id
      having count(distinct raw) > 1`);
    await c.run(`create table placed as
      select n, raw,
        coalesce(id not in (select id from conflicting), true)
          and (n > ${historyEvents} or (n % ${every} = 0 and n <= ${every * late})) as in_batch
      from (select n, raw, case when json_valid(raw) then json_extract_string(raw, '$.id') end as id from lines) as l`);
    await c.run(write('where not in_batch', 'n', files.history));
    await c.run(write('where in_batch', 'n', files.batch));
    await c.run(write('', 'in_batch, n', files.all));
    const counted = await c.runAndReadAll(
      'select count(*) filter (where in_batch)::integer as batch from placed',
    );
    return { ...files, batchEvents: Number(counted.getRowObjects()[0].batch) };
  });
}

/**
 * Every relation of the full refresh but the per-load ones, in the incremental build with the
 * same columns and rows (EXCEPT ALL both ways): compareBuilds, as `--compare-ref` uses it.
 */
async function compareTables(
  incrementalDb: string,
  fullDb: string,
  target: BenchTarget,
  tempDirectory: string,
): Promise<{ tables: ComparedTable[]; problems: string[] }> {
  const comparison = await compareBuilds(fullDb, incrementalDb, PER_LOAD, {
    memory_limit: target.memoryLimit,
    threads: String(target.duckdbThreads),
    temp_directory: tempDirectory,
  });
  return {
    tables: comparison.relations.map((r) => ({
      table: r.relation.split('.').pop()!,
      rows: r.rows,
      fullOnly: r.onlyRef,
      incrementalOnly: r.onlyBuilt,
    })),
    problems: comparison.differences.map((d) => `${d.relation}: ${d.problem}`),
  };
}

/** The run of median wall time (of an even count, the faster of the middle two). */
function medianRun(builds: BuildRun[]): BuildRun {
  const sorted = [...builds].sort((a, b) => a.wallSeconds - b.wallSeconds);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export async function benchIncremental(options: {
  cacheDir: string;
  historyEvents: number;
  seed: number;
  target: BenchTarget;
  /** Times the batch and the full refresh are each built; the median of each is reported. */
  runs: number;
  keep: boolean;
  log: (line: string) => void;
}): Promise<IncrementalRecord> {
  const { cacheDir, historyEvents, seed, target, runs, log } = options;
  const label = sizeLabel(historyEvents);
  const batchSize = Math.round(historyEvents * BATCH_SHARE);
  const late = Math.max(1, Math.round(batchSize * LATE_SHARE));
  const load: [number, number] = [loadavg()[0], 0];
  const exp = await ensureExport(cacheDir, historyEvents + batchSize, seed, log);
  const dir = join(cacheDir, 'runs', `${label}-incremental`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    log(`${label} incremental: splitting the export into history and a batch`);
    const files = await splitExport(exp.path, dir, historyEvents, late, target);
    const incDir = join(dir, 'incremental');
    const fullDir = join(dir, 'full-refresh');
    const inc = writeBenchProject(REPO, incDir, target);
    const full = writeBenchProject(REPO, fullDir, target);
    // Each batch runs on a history of its own, built from no database: the history's layout
    // differs between builds (each thread of a parallel write leaves a row group part-filled),
    // and decides whether the batch's first checkpoint compacts a table (a small row group
    // beside one the batch deleted from: sessions, 0.3 s). One history for every run measured
    // one layout; the median is now over layouts as well as runs.
    const histories: BuildRun[] = [];
    const batches: BuildRun[] = [];
    for (let run = 1; run <= runs; run++) {
      log(`${label} incremental: full build of the history, run ${run}/${runs}`);
      rmSync(inc.dbPath, { force: true });
      rmSync(`${inc.dbPath}.wal`, { force: true });
      histories.push(
        await runBuild(inc.projectDir, files.history, inc.dbPath, inc.targetPath, incDir),
      );
      log(
        `${label} incremental: the batch (${files.batchEvents} events, ${late} late), incrementally, run ${run}/${runs}`,
      );
      batches.push(
        await runBuild(inc.projectDir, files.batch, inc.dbPath, inc.targetPath, incDir, false),
      );
    }
    // The first history build is a fresh clone's: the later ones skip the unit tests it passed.
    const history = histories[0]!;
    const incremental = medianRun(batches);
    // The same project rebuilt from scratch: its unit tests passed in the history build, so
    // both builds skip them alike (docs/testing.md), not only the batch.
    const passes = join(inc.targetPath, UNIT_TEST_PASSES_FILE);
    if (existsSync(passes)) {
      mkdirSync(full.targetPath, { recursive: true });
      copyFileSync(passes, join(full.targetPath, UNIT_TEST_PASSES_FILE));
    }
    const fulls: BuildRun[] = [];
    for (let run = 1; run <= runs; run++) {
      log(`${label} incremental: full refresh of history and batch, run ${run}/${runs}`);
      // From no database each time, as a fresh clone's `npm run build`.
      rmSync(full.dbPath, { force: true });
      rmSync(`${full.dbPath}.wal`, { force: true });
      fulls.push(await runBuild(full.projectDir, files.all, full.dbPath, full.targetPath, fullDir));
    }
    const fullRefresh = medianRun(fulls);
    const { tables, problems } = await compareTables(
      inc.dbPath,
      full.dbPath,
      target,
      join(dir, 'duckdb_tmp'),
    );
    const equal = problems.length === 0;
    for (const problem of problems) log(`  differs: ${problem}`);
    const speedup = fullRefresh.wallSeconds / incremental.wallSeconds;
    log(
      `  incremental ${incremental.wallSeconds.toFixed(2)} s (peak RSS ${(incremental.peakRssBytes / 2 ** 30).toFixed(2)} GiB), full refresh ${fullRefresh.wallSeconds.toFixed(2)} s: ${speedup.toFixed(1)}x; tables equal: ${equal ? 'yes' : 'NO'}`,
    );
    load[1] = loadavg()[0];
    return {
      label,
      measuredAt: new Date().toISOString(),
      machine: machineFacts(),
      seed,
      historyEvents,
      batchEvents: files.batchEvents,
      lateEvents: late,
      history: figures(history),
      incremental: figures(incremental),
      fullRefresh: figures(fullRefresh),
      speedup,
      incrementalRuns: batches.map((b) => b.wallSeconds),
      fullRefreshRuns: fulls.map((b) => b.wallSeconds),
      tables,
      equal,
      loadAvg1m: load,
    };
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

const f = (n: number, d = 2) => n.toFixed(d);
const gib = (n: number) => `${f(n / 2 ** 30)} GiB`;

/** The goal row for the 10M measurement. */
export function incrementalGoal(r: IncrementalRecord | undefined) {
  const goal = '10M events + a 1% batch (5% late): incremental build against a full refresh';
  if (!r) return { goal, target: '≥ 10× faster', measured: '–', status: 'not measured' as const };
  return {
    goal,
    target: '≥ 10× faster',
    measured: `${f(r.speedup, 1)}× (${f(r.incremental.wallSeconds)} s against ${f(r.fullRefresh.wallSeconds)} s; tables equal: ${r.equal ? 'yes' : 'no'})`,
    status: r.speedup >= 10 && r.equal ? ('met' as const) : ('missed' as const),
  };
}

/** The runs behind a median, when there were several. */
function runsNote(r: IncrementalRecord): string {
  const times = (walls: number[]) => walls.map((w) => f(w)).join(' / ');
  if (!r.incrementalRuns || r.incrementalRuns.length < 2) return '';
  return ` Medians of ${r.incrementalRuns.length} runs each: the batch ${times(r.incrementalRuns)} s, the full refresh ${times(r.fullRefreshRuns ?? [])} s.`;
}

export function incrementalSection(records: IncrementalRecord[]): string {
  if (records.length === 0) return '';
  const L = [
    '### Incremental: a late batch against a full refresh',
    '',
    '`npm run bench -- --only incremental` (scripts/bench/incremental.ts): a generated export is split into a history of N events and a batch of 1% more, of which 5% are late (taken evenly from across the history; the records of ids with conflicting versions stay in the history). The history is built with a full refresh, then the batch with `duckflow build` (incremental: `stg_events`, `stg_events_rejected`, `session_events`, `sessions`; `customer_journeys` and the metrics are rebuilt). Separately, history and batch concatenated are built with a full refresh. Both timed from spawn to exit (data and unit tests included), each `--runs` times (every batch on a history built for it, since the layout of a parallel build decides whether the first checkpoint of the batch compacts a table; the median run of each is shown); every table but the per-load ones compared with EXCEPT ALL both ways.',
    '',
    '| history | batch (late) | build | wall (s) | seeds + models (s) | tests (s) | CPU (s) | peak RSS | other load (cores) |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  const row = (r: IncrementalRecord, name: string, b: BuildFigures, first: boolean) =>
    `| ${first ? r.historyEvents.toLocaleString('en-US') : ''} | ${first ? `${r.batchEvents.toLocaleString('en-US')} (${r.lateEvents.toLocaleString('en-US')})` : ''} | ${name} | ${f(b.wallSeconds)} | ${f(b.nodeSeconds)} | ${f(b.testSeconds)} | ${b.cpuSeconds === undefined ? 'n/a' : f(b.cpuSeconds)} | ${gib(b.peakRssBytes)} | ${b.otherLoadCores === undefined ? 'n/a' : f(b.otherLoadCores)} |`;
  for (const r of records) {
    L.push(row(r, 'incremental (the batch)', r.incremental, true));
    L.push(row(r, 'full refresh (history + batch)', r.fullRefresh, false));
  }
  L.push('');
  for (const r of records)
    L.push(
      `- ${r.label}: the incremental build is **${f(r.speedup, 1)}×** as fast as the full refresh in wall time (${f(r.fullRefresh.nodeSeconds / r.incremental.nodeSeconds, 1)}× on seeds + models alone); tables equal: ${
        r.equal
          ? `**yes** (${r.tables.length} tables, EXCEPT ALL both ways empty)`
          : `**no**: ${r.tables
              .filter((t) => t.fullOnly || t.incrementalOnly)
              .map((t) => `${t.table} (${t.fullOnly} / ${t.incrementalOnly})`)
              .join(', ')}`
      }.${runsNote(r)} Measured ${r.measuredAt.slice(0, 16).replace('T', ' ')} UTC, 1-minute load average ${f(r.loadAvg1m[0])} before and ${f(r.loadAvg1m[1])} after.`,
    );
  L.push('');
  return L.join('\n');
}
