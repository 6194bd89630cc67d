import type { Connection } from '../adapters/types.ts';
import type { Dialect } from '../core/dialect.ts';
import { table, type TableRelation } from '../core/relation.ts';

/**
 * The generation log: one row per model relation, bumped in the same transaction as every write
 * duckflow makes to it, with the generation it replaced and what the write was. Data tests with
 * `scope: changed_rows` read it to check, not assume, that the rows an incremental batch wrote
 * are all that changed since the test last passed (testing/scope/premise.ts). It lives in the
 * target's schema and is created only for projects that use the scope (or already have it).
 */
export const GENERATIONS_TABLE = 'duckflow_generations';

/** What one write did to a relation. */
export type Write =
  | { kind: 'replace' }
  | {
      kind: 'batch';
      strategy: string;
      uniqueKey: string[];
      /** The batch table, quoted. */
      batch: string;
      /** Where the batch's rows are kept (`keepsBatch`): the changed-rows table or aside. */
      keptIn?: TableRelation;
      /** Why the batch may have changed rows it did not write (hooks, a schema change). */
      unscopable?: string;
    };

/** A relation's latest generation as recorded. */
export interface Generation {
  generation: number;
  previous: number | null;
  invocationId: string;
  kind: Write['kind'];
  strategy: string | null;
  uniqueKey: string[];
  unscopable: string | null;
  /** Rows (or keys, for merge) kept in the changed-rows table; null when none are kept. */
  changedRows: number | null;
}

/** Where a model's last batch's rows (or keys) stay readable for its tests, on any connection. */
export const changedRowsOf = (relation: TableRelation): TableRelation => ({
  ...relation,
  identifier: `${relation.identifier}__duckflow_changed`,
});

/**
 * Where the values a write of `relation` removed are kept for the run (materializations/
 * removedValues.ts), as scoped SQL names them before the run knows where.
 */
export const removedValuesOf = (relation: TableRelation): TableRelation => ({
  ...relation,
  identifier: `${relation.identifier}__duckflow_removed`,
});

/**
 * Strategies whose batch table holds exactly the rows they wrote (delete+insert and append
 * insert the batch as it is); merge may keep columns of the old row (merge_update_columns), so
 * only its keys are kept and the rows are read back from the table.
 */
export const KEEPS_ROWS = new Set(['delete+insert', 'append']);
export const KEEPS_KEYS = new Set(['merge']);

export class WriteLog {
  readonly table: TableRelation;
  /**
   * Batches kept aside in this run (`Adapter.asideTable`), by relation name: they live as long
   * as the run, and a test trusts only a batch of its own run, so the map is all there is.
   */
  private readonly aside = new Map<string, TableRelation>();
  /**
   * Generations read in this run, by relation name. A test reads a relation once every node it
   * depends on is done (the scheduler's rule), and a run writes a relation once, so a
   * generation read stays true for the rest of the run: the webshop's batch read the log 61
   * times for 17 relations. A write recorded after a read forgets it all the same.
   */
  private readonly read = new Map<string, Promise<Generation | undefined>>();
  /** Columns of a relation that scoped relationships tests check other models against. */
  private readonly watched = new Map<string, Set<string>>();
  /** The log's last write, where they must take turns (`concurrentDeletes`). */
  private logWrites: Promise<unknown> = Promise.resolve();
  /** Where a write of this run kept the watched values it removed, by relation. */
  private readonly removed = new Map<string, { table: TableRelation; fields: string[] }>();

  constructor(
    private readonly dialect: Dialect,
    schema: string,
    readonly invocationId: string,
  ) {
    this.table = table(schema, GENERATIONS_TABLE);
  }

  /** Before nodes run, serially: concurrent CREATE TABLE statements conflict in some databases. */
  async ensure(conn: Connection): Promise<void> {
    await conn.run(
      `create table if not exists ${this.dialect.relation(this.table)} (relation varchar, generation bigint, previous bigint, invocation_id varchar, write_kind varchar, strategy varchar, unique_key varchar, unscopable varchar, changed_rows bigint)`,
    );
  }

  /** Note, once its transaction committed, that `relation`'s batch is kept in `aside`. */
  keptAside(relation: TableRelation, aside: TableRelation): void {
    this.aside.set(this.dialect.relation(relation), aside);
  }

  /** Where `relation`'s last batch of this run is kept, as SQL. */
  keptRowsOf(relation: TableRelation): string {
    return this.dialect.relation(
      this.aside.get(this.dialect.relation(relation)) ?? changedRowsOf(relation),
    );
  }

  /** A scoped relationships test reads `field` of `relation` as its parent. */
  watch(relation: TableRelation, field: string): void {
    const name = this.dialect.relation(relation);
    this.watched.set(name, (this.watched.get(name) ?? new Set()).add(field));
  }

  /** The watched fields of `relation`, for its batch to keep the values its delete removes. */
  watchedFields(relation: TableRelation): string[] {
    return [...(this.watched.get(this.dialect.relation(relation)) ?? [])];
  }

  /** Note, once its transaction committed, that `relation`'s write kept its removed values. */
  keptRemoved(relation: TableRelation, table: TableRelation, fields: string[]): void {
    this.removed.set(this.dialect.relation(relation), { table, fields });
  }

  /** Where this run's write of `relation` kept the values of `field` it removed. */
  removedValuesOf(relation: TableRelation, field: string): string | undefined {
    const kept = this.removed.get(this.dialect.relation(relation));
    return kept?.fields.includes(field) ? this.dialect.relation(kept.table) : undefined;
  }

  /** Whether a batch of `strategy` is kept whole as the changed-rows table (built there). */
  keepsBatch(strategy: string): boolean {
    return KEEPS_ROWS.has(strategy);
  }

  /**
   * Record a write of `relation` inside the caller's transaction. A batch's rows (built there or
   * aside by `loadBatch`) or keys are kept; the changed-rows table is dropped by any write that
   * does not keep its rows there, so nothing is left after a full refresh.
   */
  async record(conn: Connection, relation: TableRelation, write: Write): Promise<void> {
    const { dialect } = this;
    const changed = changedRowsOf(relation);
    let changedRows: number | null = null;
    const scopable = write.kind === 'batch' && !write.unscopable;
    const keptIn = write.kind === 'batch' ? write.keptIn : undefined;
    if (!keptIn || dialect.relation(keptIn) !== dialect.relation(changed))
      await conn.run(dialect.drop('table', changed));
    // merge may keep columns of the old rows (merge_update_columns): only its keys are kept.
    if (scopable && KEEPS_KEYS.has(write.strategy)) {
      const keys = write.uniqueKey.map((c) => dialect.quote(c)).join(', ');
      await conn.run(dialect.createTableAs(changed, `select distinct ${keys} from ${write.batch}`));
    }
    const counted = keptIn ?? (scopable && KEEPS_KEYS.has(write.strategy) ? changed : undefined);
    if (scopable && counted) {
      const { rows } = await conn.query(`select count(*) as n from ${dialect.relation(counted)}`);
      changedRows = Number(rows[0].n);
    }
    this.read.delete(dialect.relation(relation));
    const name = dialect.literal(dialect.relation(relation));
    const log = dialect.relation(this.table);
    const batch = write.kind === 'batch' ? write : undefined;
    const values = [
      name,
      'coalesce(max(generation), 0) + 1',
      'max(generation)',
      dialect.literal(this.invocationId),
      dialect.literal(write.kind),
      dialect.literal(batch?.strategy ?? null),
      dialect.literal(JSON.stringify(batch?.uniqueKey ?? [])),
      dialect.literal(batch?.unscopable ?? null),
      changedRows === null ? 'cast(null as bigint)' : String(changedRows),
    ];
    // One row per write, the latest read by its generation; older ones go where rows can be
    // deleted (a Hive table cannot: there the log only grows, by a row per write).
    const logWrite = async () => {
      await conn.run(
        `insert into ${log} select ${values.join(', ')} from ${log} where relation = ${name}`,
      );
      if (dialect.capabilities.rowLevelDelete)
        await conn.run(
          `delete from ${log} where relation = ${name} and generation < (select max(generation) from ${log} where relation = ${name})`,
        );
    };
    if (dialect.capabilities.concurrentDeletes) return logWrite();
    // Two models written at once failed on Iceberg: one's delete found the other's insert.
    const turn = this.logWrites.then(logWrite);
    this.logWrites = turn.catch(() => undefined);
    await turn;
  }

  /** The latest generation of each relation that has one, by `dialect.relation()` name. */
  async current(conn: Connection, relations: TableRelation[]): Promise<Map<string, Generation>> {
    const names = relations.map((r) => this.dialect.relation(r));
    const unread = [...new Set(names.filter((name) => !this.read.has(name)))];
    if (unread.length > 0) {
      const query = this.query(conn, unread);
      for (const name of unread)
        this.read.set(
          name,
          query.then((found) => found.get(name)),
        );
      // a failed read is not kept: the next test asks again
      query.catch(() => unread.forEach((name) => this.read.delete(name)));
    }
    const found = await Promise.all(names.map((name) => this.read.get(name)));
    return new Map(names.flatMap((name, i) => (found[i] ? [[name, found[i]] as const] : [])));
  }

  private async query(conn: Connection, names: string[]): Promise<Map<string, Generation>> {
    const { dialect } = this;
    const log = dialect.relation(this.table);
    const { rows } = await conn.query(
      `select * from ${log} as g where relation in (${names.map((n) => dialect.literal(n)).join(', ')}) and generation = (select max(generation) from ${log} as h where h.relation = g.relation)`,
    );
    return new Map(
      rows.map((r) => [
        String(r.relation),
        {
          generation: Number(r.generation),
          previous: r.previous === null ? null : Number(r.previous),
          invocationId: String(r.invocation_id),
          kind: String(r.write_kind) as Write['kind'],
          strategy: r.strategy === null ? null : String(r.strategy),
          uniqueKey: JSON.parse(String(r.unique_key)) as string[],
          unscopable: r.unscopable === null ? null : String(r.unscopable),
          changedRows: r.changed_rows === null ? null : Number(r.changed_rows),
        },
      ]),
    );
  }
}
