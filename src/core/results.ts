export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface QueryResult {
  columns: string[];
  types: string[];
  /** Values as JSON-safe text/numbers: big integers and timestamps keep full precision as strings. */
  rows: Record<string, Json>[];
}

export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn';

export interface NodeResult {
  id: string;
  name: string;
  /** `operation`: a project hook (on-run-start, on-run-end), as dbt names them. */
  kind: 'model' | 'snapshot' | 'seed' | 'test' | 'unit_test' | 'operation';
  status: NodeStatus;
  message: string;
  /** What the node is: a materialization for models/seeds, the test's type for tests. */
  detail: string;
  /** Rows in the relation after a model or seed was built. */
  rows?: number;
  /** Rows an incremental build inserted, updated and deleted, and its microbatch batches. */
  changes?: { inserted: number; updated: number; deleted: number; batches?: number };
  failures?: number;
  startedAt: string;
  completedAt: string;
  seconds: number;
  compiledPath?: string;
  /** Source file (and line) a failure points at. */
  file?: string;
  line?: number;
  sample?: { columns: string[]; types?: string[]; rows: Record<string, Json>[] };
  column?: string;
  attachedTo?: string;
  storedIn?: string;
  /** With the test gate off: the upstream test that failed after this node had started. */
  unverifiedBy?: string;
}

export type RunEvent =
  | { type: 'run_started'; command: string; invocationId: string; target: string; total: number }
  | { type: 'node_started'; id: string; name: string; kind: NodeResult['kind'] }
  | { type: 'node_finished'; index: number; total: number; result: NodeResult }
  | {
      type: 'run_finished';
      command: string;
      seconds: number;
      counts: Record<NodeStatus, number>;
      success: boolean;
    }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export type EventSink = (event: RunEvent) => void;

export function countStatuses(results: NodeResult[]): Record<NodeStatus, number> {
  const counts: Record<NodeStatus, number> = {
    success: 0,
    error: 0,
    skipped: 0,
    pass: 0,
    fail: 0,
    warn: 0,
  };
  for (const r of results) counts[r.status]++;
  return counts;
}

/** A run fails on an error or an error-severity test failure; warnings and skips alone do not. */
export function isFailure(status: NodeStatus): boolean {
  return status === 'error' || status === 'fail';
}
