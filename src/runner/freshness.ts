import { basename, dirname, resolve } from 'node:path';
import { adapterPlugin } from '../adapters/registry.ts';
import { writeJson } from '../artifacts/manifest.ts';
import type { Dialect } from '../core/dialect.ts';
import type { FreshnessAfter, FreshnessSpec, SourceNode } from '../core/nodes.ts';
import { DUCKFLOW_VERSION } from '../core/version.ts';
import { select } from '../graph/selector.ts';
import type { LoadOptions } from '../project/loader.ts';
import { openSession } from './session.ts';

export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

export interface FreshnessResult {
  id: string;
  /** `source_name.table_name`. */
  name: string;
  status: FreshnessStatus;
  maxLoadedAt: string | null;
  snapshottedAt: string | null;
  ageSeconds: number | null;
  criteria: FreshnessSpec;
  message: string;
  startedAt: string;
  completedAt: string;
  seconds: number;
}

export interface FreshnessOptions extends LoadOptions {
  select?: string[];
  exclude?: string[];
  /** Where to write the results; default target/sources.json. */
  output?: string;
  onWarning?: (message: string) => void;
  onResult?: (result: FreshnessResult) => void;
}

const SECONDS: Record<FreshnessAfter['period'], number> = { minute: 60, hour: 3600, day: 86400 };
const seconds = (after: FreshnessAfter) => after.count * SECONDS[after.period];

/** `pass`, `warn` or `error` for data `age` seconds old, as dbt compares: error first. */
export function freshnessStatus(age: number, spec: FreshnessSpec): FreshnessStatus {
  if (spec.error_after && age > seconds(spec.error_after)) return 'error';
  if (spec.warn_after && age > seconds(spec.warn_after)) return 'warn';
  return 'pass';
}

const describeAfter = (a?: FreshnessAfter) =>
  a ? `${a.count} ${a.period}${a.count === 1 ? '' : 's'}` : undefined;

/**
 * dbt's `source freshness`: for each selected source table with a `freshness:` and a
 * `loaded_at_field`, the age of its newest row (limited by `filter`) against `warn_after` and
 * `error_after`. Written to target/sources.json in dbt's shape. A table with freshness but no
 * `loaded_at_field` cannot be checked: it is reported as a warning, never passed in silence.
 */
export async function sourceFreshness(
  options: FreshnessOptions = {},
): Promise<{ success: boolean; results: FreshnessResult[]; path: string }> {
  const session = openSession(options);
  const { project, graph } = session;
  const warn = options.onWarning ?? (() => undefined);
  const chosen = select(graph, options.select, options.exclude, warn);
  const sources = graph
    .topoOrder(chosen)
    .map((id) => graph.get(id))
    .filter((n): n is SourceNode => n.kind === 'source' && !!n.freshness);
  const checked = sources.filter((s) => {
    const { warn_after, error_after } = s.freshness!;
    if (!warn_after && !error_after) return false;
    if (s.loadedAtField) return true;
    warn(
      `source ${s.name} (${s.path}) declares freshness but no loaded_at_field: its freshness is not checked`,
    );
    return false;
  });
  if (checked.length === 0) warn('no selected source table declares a freshness to check');
  const started = performance.now();
  const results: FreshnessResult[] = [];
  if (checked.length > 0) {
    const adapter = await adapterPlugin(project.target.type).open(project.target);
    try {
      for (const source of checked) {
        const result = await adapter.withConnection((conn) =>
          checkOne(source, project.dialect, (sql) => conn.query(sql)),
        );
        results.push(result);
        options.onResult?.(result);
      }
    } finally {
      await adapter.close();
    }
  }
  const out = resolve(project.targetPath, options.output ?? 'sources.json');
  const path = writeJson(dirname(out), basename(out), sourcesJson(results, session, started));
  const success = !results.some((r) => r.status === 'error' || r.status === 'runtime error');
  return { success, results, path };
}

async function checkOne(
  source: SourceNode,
  dialect: Pick<Dialect, 'relation' | 'now' | 'secondsBetween'>,
  query: (sql: string) => Promise<{ rows: Record<string, unknown>[] }>,
): Promise<FreshnessResult> {
  const spec = source.freshness!;
  const startedAt = new Date();
  const loaded = `max(cast(${source.loadedAtField} as timestamp))`;
  const now = dialect.now();
  const sql = `select cast(${loaded} as varchar) as max_loaded_at, cast(${now} as varchar) as snapshotted_at, ${dialect.secondsBetween(loaded, now)} as age from ${dialect.relation(source.relation)}${spec.filter ? ` where ${spec.filter}` : ''}`;
  const finish = (
    fields: Pick<
      FreshnessResult,
      'status' | 'maxLoadedAt' | 'snapshottedAt' | 'ageSeconds' | 'message'
    >,
  ): FreshnessResult => {
    const completedAt = new Date();
    return {
      id: source.id,
      name: source.name,
      criteria: spec,
      ...fields,
      startedAt: startedAt.toISOString(),
      completedAt: completedAt.toISOString(),
      seconds: (completedAt.getTime() - startedAt.getTime()) / 1000,
    };
  };
  let row: Record<string, unknown>;
  try {
    row = (await query(sql)).rows[0];
  } catch (e) {
    return finish({
      status: 'runtime error',
      maxLoadedAt: null,
      snapshottedAt: null,
      ageSeconds: null,
      message: `${source.path}: ${(e as Error).message}`,
    });
  }
  if (row.max_loaded_at === null)
    return finish({
      status: 'runtime error',
      maxLoadedAt: null,
      snapshottedAt: String(row.snapshotted_at),
      ageSeconds: null,
      message: `no rows${spec.filter ? ` matching the filter` : ''}: ${source.loadedAtField} has no latest value`,
    });
  const age = Number(row.age);
  const status = freshnessStatus(age, spec);
  const limits = [
    describeAfter(spec.warn_after) && `warn after ${describeAfter(spec.warn_after)}`,
    describeAfter(spec.error_after) && `error after ${describeAfter(spec.error_after)}`,
  ].filter(Boolean);
  return finish({
    status,
    maxLoadedAt: String(row.max_loaded_at),
    snapshottedAt: String(row.snapshotted_at),
    ageSeconds: age,
    message: `newest row ${formatAge(age)} old (${limits.join(', ')})`,
  });
}

function formatAge(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

/** target/sources.json in dbt's shape (sources/v3), so tools reading dbt's artifact read it. */
function sourcesJson(
  results: FreshnessResult[],
  session: { invocationId: string },
  started: number,
): Record<string, unknown> {
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/sources/v3.json',
      duckflow_version: DUCKFLOW_VERSION,
      generated_at: new Date().toISOString(),
      invocation_id: session.invocationId,
      env: {},
    },
    results: results.map((r) => ({
      unique_id: r.id,
      max_loaded_at: r.maxLoadedAt,
      snapshotted_at: r.snapshottedAt,
      max_loaded_at_time_ago_in_s: r.ageSeconds,
      status: r.status,
      criteria: {
        warn_after: r.criteria.warn_after ?? { count: null, period: null },
        error_after: r.criteria.error_after ?? { count: null, period: null },
        filter: r.criteria.filter ?? null,
      },
      adapter_response: {},
      timing: [{ name: 'execute', started_at: r.startedAt, completed_at: r.completedAt }],
      thread_id: 'Thread-1',
      execution_time: r.seconds,
      message: r.message,
    })),
    elapsed_time: (performance.now() - started) / 1000,
  };
}
