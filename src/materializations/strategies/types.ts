import type { Connection } from '../../adapters/types.ts';
import type { Capabilities, Dialect } from '../../core/dialect.ts';
import type { TableRelation } from '../../core/relation.ts';

/** What one batch did to the target, as the run line and run_results.json report it. */
export interface RowChanges {
  inserted: number;
  updated: number;
  deleted: number;
}

/** A microbatch's half-open window [start, end) on the model's `event_time` column. */
export interface EventTimeWindow {
  eventTime: string;
  start: Date;
  end: Date;
}

export interface StrategyInput {
  conn: Connection;
  dialect: Dialect;
  target: TableRelation;
  /** The batch table's name, quoted. */
  batch: string;
  /** Columns shared by the batch and the target, unquoted, in insert order. */
  columns: string[];
  uniqueKey: string[];
  /** `incremental_predicates`: extra conditions on the target rows a delete or merge touches. */
  predicates: string[];
  /** Set for batched strategies (microbatch): the window this batch replaces. */
  window?: EventTimeWindow;
}

/** How an incremental model's new rows (in a temporary batch table) reach its table. */
export interface IncrementalStrategy {
  readonly name: string;
  /** What the database must be able to do (`merge`); a target that cannot gets a clear error. */
  readonly requires?: keyof Capabilities;
  /**
   * Runs the model once per `event_time` window (microbatch) instead of once: the
   * materialization plans the windows and renders the model for each.
   */
  readonly batched?: boolean;
  /** Refuses config the strategy cannot honour, before anything runs. */
  check(config: { uniqueKey: string[]; predicates: string[] }): void;
  apply(input: StrategyInput): Promise<RowChanges>;
}

/** Rows a statement changed: every adapter reports them for DML. */
export async function changed(conn: Connection, sql: string): Promise<number> {
  return (await conn.run(sql)) ?? 0;
}
