/**
 * The site-visits example as its original solution was judged: cold start (load the 145,967
 * page views, build, first answer over HTTP) against the pandas solution's roughly 30 s, and
 * requests per second and p99 latency of a named query under autocannon on loopback.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { CLI, machineFacts, REPO, timeCli, type MachineFacts } from './measure.ts';
import { median } from './report.ts';

export const PAGE_VIEWS = 145_967;
/** The figure the original pandas solution was reported at (not measured here). */
export const PANDAS_SECONDS = 30;
const QUERY = '/api/queries/site_sessions?site=www.s_5.com';

export interface ColdStart {
  buildSeconds: number;
  serveStartSeconds: number;
  firstAnswerSeconds: number;
  totalSeconds: number;
}

export interface SiteVisitsRecord {
  command?: string;
  measuredAt: string;
  machine: MachineFacts;
  pageViews: number;
  runs: ColdStart[];
  coldStartMedianSeconds: number;
  throughput: {
    path: string;
    connections: number;
    durationSeconds: number;
    requestsPerSecond: number;
    requests: number;
    latencyP50Ms: number;
    latencyP99Ms: number;
    latencyMaxMs: number;
    non2xx: number;
    errors: number;
  };
  loadAvg1m: [number, number];
}

/** examples/site-visits and the repository's macros, copied as they sit in the repository. */
function freshCopy(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  const project = join(dir, 'examples', 'site-visits');
  mkdirSync(project, { recursive: true });
  cpSync(join(REPO, 'examples', 'site-visits'), project, {
    recursive: true,
    filter: (src) => !src.startsWith(join(REPO, 'examples', 'site-visits', 'target')),
  });
  cpSync(join(REPO, 'macros'), join(dir, 'macros'), { recursive: true });
  return project;
}

async function startServer(
  project: string,
): Promise<{ url: string; child: ChildProcessWithoutNullStreams }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--project-dir', project]);
  let out = '';
  let errors = '';
  child.stderr.on('data', (c: Buffer) => (errors += c.toString()));
  const url = await new Promise<string>((found, fail) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /at (http:\/\/\S+\/) /.exec(out);
      if (m) found(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`duckflow serve exited with ${code}: ${errors}`)));
  });
  return { url, child };
}

async function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGINT');
  await exited;
}

async function coldStart(project: string): Promise<ColdStart> {
  const started = performance.now();
  timeCli(['build', '--project-dir', project], project);
  const built = performance.now();
  const { url, child } = await startServer(project);
  const listening = performance.now();
  try {
    const r = await fetch(new URL(QUERY, url));
    const body = (await r.json()) as { rows: { num_sessions: number }[] };
    if (body.rows[0]?.num_sessions !== 3623)
      throw new Error(`unexpected answer: ${JSON.stringify(body)}`);
  } finally {
    await stop(child);
  }
  const answered = performance.now();
  return {
    buildSeconds: (built - started) / 1000,
    serveStartSeconds: (listening - built) / 1000,
    firstAnswerSeconds: (answered - listening) / 1000,
    totalSeconds: (answered - started) / 1000,
  };
}

export async function benchSiteVisits(
  cacheDir: string,
  runs: number,
  log: (line: string) => void,
): Promise<SiteVisitsRecord> {
  const load: [number, number] = [loadavg()[0], 0];
  timeCli(['--version'], REPO); // the CLI bundle is rebuilt here if src/ changed, not in a timing
  const dir = join(cacheDir, 'site-visits');
  const records: ColdStart[] = [];
  for (let run = 1; run <= runs; run++) {
    const c = await coldStart(freshCopy(dir));
    log(
      `site-visits cold start ${run}/${runs}: ${c.totalSeconds.toFixed(2)} s (build ${c.buildSeconds.toFixed(2)} s, serve start ${c.serveStartSeconds.toFixed(2)} s, first answer ${(c.firstAnswerSeconds * 1000).toFixed(0)} ms)`,
    );
    records.push(c);
  }
  const { url, child } = await startServer(join(dir, 'examples', 'site-visits'));
  let result: autocannon.Result;
  try {
    await fetch(new URL(QUERY, url)); // warm: the prepared statement exists before the clock starts
    result = await autocannon({
      url: new URL(QUERY, url).toString(),
      connections: 10,
      duration: 10,
    });
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
  load[1] = loadavg()[0];
  log(
    `site-visits named query: ${result.requests.average.toFixed(0)} requests/s, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx, ${result.errors} errors`,
  );
  return {
    measuredAt: new Date().toISOString(),
    machine: machineFacts(),
    pageViews: PAGE_VIEWS,
    runs: records,
    coldStartMedianSeconds: median(records.map((r) => r.totalSeconds)),
    throughput: {
      path: QUERY,
      connections: 10,
      durationSeconds: 10,
      requestsPerSecond: result.requests.average,
      requests: result.requests.total,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      latencyMaxMs: result.latency.max,
      non2xx: result.non2xx,
      errors: result.errors,
    },
    loadAvg1m: load,
  };
}

const f = (n: number, d = 2) => n.toFixed(d);

export function siteVisitsSection(r: SiteVisitsRecord): string {
  const med = (pick: (c: ColdStart) => number) => median(r.runs.map(pick));
  const range = (pick: (c: ColdStart) => number) =>
    `${f(Math.min(...r.runs.map(pick)))} – ${f(Math.max(...r.runs.map(pick)))}`;
  const t = r.throughput;
  return [
    '### Site visits: cold start and the query API',
    '',
    `\`examples/site-visits\` (${r.pageViews.toLocaleString('en-US')} page views in three gzipped CSV files). Measured ${r.measuredAt.slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cores} cores, 1-minute load average ${f(r.loadAvg1m[0])} before and ${f(r.loadAvg1m[1])} after (the machine was shared). **Cold start** = a fresh copy of the example with no \`target/\`: \`duckflow build\` (load the files, build the 5 models, run their data and unit tests, publish a snapshot), then \`duckflow serve\` until it listens, then the first answer of \`GET ${QUERY}\`; each step is a new process, node start included. ${r.runs.length} runs.`,
    '',
    '| figure | median | range |',
    '|---|---:|---:|',
    `| build (s) | ${f(med((c) => c.buildSeconds))} | ${range((c) => c.buildSeconds)} |`,
    `| serve, start to listening (s) | ${f(med((c) => c.serveStartSeconds))} | ${range((c) => c.serveStartSeconds)} |`,
    `| first answer (s) | ${f(
      med((c) => c.firstAnswerSeconds),
      3,
    )} | ${range((c) => c.firstAnswerSeconds)} |`,
    `| **cold start, total (s)** | **${f(r.coldStartMedianSeconds)}** | ${range((c) => c.totalSeconds)} |`,
    `| the original pandas solution (reported, not measured here) | about ${PANDAS_SECONDS} | |`,
    '',
    `**Named query under load**: \`autocannon\` on loopback, ${t.connections} connections for ${t.durationSeconds} s, against \`GET ${t.path}\` (a prepared statement over the snapshot, parameters validated and bound), server and load generator in separate processes on the same ${r.machine.cores} cores.`,
    '',
    '| requests/s (mean) | requests | p50 latency (ms) | p99 latency (ms) | max latency (ms) | non-2xx | errors |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    `| ${Math.round(t.requestsPerSecond).toLocaleString('en-US')} | ${t.requests.toLocaleString('en-US')} | ${t.latencyP50Ms} | ${t.latencyP99Ms} | ${t.latencyMaxMs} | ${t.non2xx} | ${t.errors} |`,
    '',
  ].join('\n');
}
