import type { GzipChecks } from '../adapters/duckdb/seeds/gzipChecks.ts';
import type { Adapter, Connection } from '../adapters/types.ts';
import type { CompiledSql } from '../core/compiled.ts';
import type { ModelNode, SeedNode } from '../core/nodes.ts';
import type { TableRelation } from '../core/relation.ts';
import type { RowChanges } from './strategies/types.ts';
import type { WriteLog } from './writeLog.ts';

export interface MaterializeContext {
  adapter: Adapter;
  conn: Connection;
  node: ModelNode | SeedNode;
  relation: TableRelation;
  /** The model's SELECT (seeds have none: their rows come from their file). */
  compiled?: CompiledSql;
  /** Whether the relation existed when the run started. */
  exists: boolean;
  fullRefresh: boolean;
  /** `--empty`: refs and sources read zero rows in this run. */
  empty?: boolean;
  /** Which gzip seed files were verified already (kept in the project's target folder). */
  gzipChecks: GzipChecks;
  /** The node's rendered `pre_hook` and `post_hook` statements, run inside its transaction. */
  hooks: { pre: string[]; post: string[] };
  /** What the build wants people to know (a warning, a batch done): the run prints it. */
  log(level: 'info' | 'warn', message: string): void;
  /** The run's current time: where microbatch windows end by default. */
  now: Date;
  /** `--event-time-start`/`--event-time-end`: the window a microbatch model backfills. */
  eventTimeWindow?: { start: Date; end: Date };
  /** The model's SELECT for one microbatch window: refs with an `event_time` filtered to it. */
  compileBatch?(batch: { start: Date; end: Date }, incremental: boolean): CompiledSql;
  /** Where every write of the relation is recorded, in its transaction (projects with scoped tests). */
  writeLog?: WriteLog;
}

/** Rows an incremental build inserted, updated and deleted; `batches` for microbatch. */
export interface RowCounts extends RowChanges {
  batches?: number;
}

export interface MaterializeResult {
  /** Rows in the relation after the build (a view reports none). */
  rows?: number;
  changes?: RowCounts;
  message: string;
}

/**
 * One way of turning a node into a relation (dbt's materializations, SQLMesh's evaluation
 * strategies). Register it in registry.ts; its name then validates in config and manifests.
 */
export interface Materialization {
  readonly name: string;
  /** The kind of node that may use it: `materialized:` accepts the model ones. */
  readonly appliesTo: 'model' | 'seed' | 'snapshot';
  /** False for ephemeral models: they are inlined into their dependents as CTEs, never built. */
  readonly buildsRelation: boolean;
  build(ctx: MaterializeContext): Promise<MaterializeResult>;
}
