import type { Connection } from '../../adapters/types.ts';
import type { Capabilities, Dialect } from '../../core/dialect.ts';
import type { TableRelation } from '../../core/relation.ts';

/** How an incremental model's new rows (in a temporary batch table) reach its table. */
export interface IncrementalStrategy {
  readonly name: string;
  /** What the database must be able to do (`merge`); a target that cannot gets a clear error. */
  readonly requires?: keyof Capabilities;
  apply(input: {
    conn: Connection;
    dialect: Dialect;
    target: TableRelation;
    /** The batch table's name, quoted. */
    batch: string;
    /** Quoted column list shared by the batch and the target, in insert order. */
    columns: string;
    uniqueKey: string[];
  }): Promise<number | undefined>;
}
