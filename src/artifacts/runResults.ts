import type { NodeResult } from '../core/results.ts';
import { DUCKFLOW_VERSION } from '../core/version.ts';

export const RUN_RESULTS_SCHEMA_VERSION = 3;

/**
 * `running` is written before the first node runs (and refreshed as nodes finish), so a run that
 * dies without finishing (kill -9, a crash, a lost machine) leaves `running` rather than the
 * previous run's record; `interrupted` is a run stopped by SIGINT/SIGTERM; `errored` a run that
 * stopped on an error of its own (the database could not be opened, …) before its nodes ended.
 */
export type RunStatus = 'running' | 'finished' | 'interrupted' | 'errored';

/** target/run_results.json: what happened to every node in the last run. */
export function buildRunResults(args: {
  status: RunStatus;
  command: string;
  invocationId: string;
  startedAt: Date;
  seconds: number;
  dbSeconds: number;
  success: boolean;
  results: NodeResult[];
  argv?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    schema_version: RUN_RESULTS_SCHEMA_VERSION,
    metadata: {
      duckflow_version: DUCKFLOW_VERSION,
      generated_at: new Date().toISOString(),
      invocation_id: args.invocationId,
      pid: process.pid,
    },
    status: args.status,
    command: args.command,
    args: args.argv ?? {},
    started_at: args.startedAt.toISOString(),
    elapsed_seconds: args.seconds,
    database_seconds: args.dbSeconds,
    success: args.success,
    results: args.results.map((r) => ({
      unique_id: r.id,
      name: r.name,
      kind: r.kind,
      status: r.status,
      message: r.message,
      detail: r.detail,
      timing: { started_at: r.startedAt, completed_at: r.completedAt },
      execution_time: r.seconds,
      rows_affected: r.rows ?? null,
      // dbt's per-node adapter response, with the row counts of an incremental build.
      adapter_response: r.changes
        ? {
            rows_inserted: r.changes.inserted,
            rows_updated: r.changes.updated,
            rows_deleted: r.changes.deleted,
            ...(r.changes.batches === undefined ? {} : { batches: r.changes.batches }),
          }
        : {},
      failures: r.failures ?? null,
      compiled_path: r.compiledPath ?? null,
      file: r.file ?? null,
      line: r.line ?? null,
      sample: r.sample ?? null,
      stored_in: r.storedIn ?? null,
      ...(r.unverifiedBy ? { unverified_by: r.unverifiedBy } : {}),
    })),
  };
}
