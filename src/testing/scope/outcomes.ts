import type { Connection } from '../../adapters/types.ts';
import type { Dialect } from '../../core/dialect.ts';
import { table, type TableRelation } from '../../core/relation.ts';
import { inTransaction } from '../../adapters/transaction.ts';
import { sharedUntilFailure } from '../../util/shared.ts';

export const TEST_RESULTS_TABLE = 'duckflow_test_results';

/** A scoped test's last result: what it was, and the generations of the relations it read. */
export interface RecordedOutcome {
  checksum: string;
  status: string;
  generations: Record<string, number | null>;
}

/**
 * The last result of each test with `scope: changed_rows`, next to the generation log. One per
 * run: what it read first is what was recorded before the run.
 */
export class TestOutcomes {
  readonly table: TableRelation;

  constructor(
    private readonly dialect: Dialect,
    schema: string,
  ) {
    this.table = table(schema, TEST_RESULTS_TABLE);
  }

  async ensure(conn: Connection): Promise<void> {
    await conn.run(
      `create table if not exists ${this.dialect.relation(this.table)} (test_id varchar, checksum varchar, status varchar, generations varchar, recorded_at varchar)`,
    );
  }

  /**
   * The test's result recorded before this run. All of them are read at the first call, in one
   * query: a test runs once per run, and a query per test cost 61 queries per webshop batch.
   */
  async last(conn: Connection, testId: string): Promise<RecordedOutcome | undefined> {
    return (await this.recorded(conn)).get(testId);
  }

  private readonly recorded = sharedUntilFailure((conn: Connection) => this.readAll(conn));

  private async readAll(conn: Connection): Promise<Map<string, RecordedOutcome>> {
    const { rows } = await conn.query(
      `select test_id, checksum, status, generations from ${this.dialect.relation(this.table)} order by recorded_at`,
    );
    // Where rows cannot be deleted (Hive), a test has several: the latest, read last, stands.
    return new Map(
      rows.map((row) => [
        String(row.test_id),
        {
          checksum: String(row.checksum),
          status: String(row.status),
          generations: JSON.parse(String(row.generations)) as RecordedOutcome['generations'],
        },
      ]),
    );
  }

  /** Results of this run not yet written, by test; the latest of a test stands. */
  private readonly pending = new Map<string, RecordedOutcome & { recordedAt: string }>();

  /**
   * Keep a test's result for the end of the run (`flush`). A transaction per test was 4
   * statements and a commit each, 61 times in the webshop's batch. A result that never reaches
   * the table is safe: the test's next run checks every row.
   */
  record(testId: string, outcome: RecordedOutcome): void {
    this.pending.set(testId, { ...outcome, recordedAt: new Date().toISOString() });
  }

  /** Write the results kept by `record` in one transaction; returns how many. */
  async flush(conn: Connection): Promise<number> {
    const entries = [...this.pending];
    if (entries.length === 0) return 0;
    const { dialect } = this;
    const results = dialect.relation(this.table);
    const ids = entries.map(([id]) => dialect.literal(id)).join(', ');
    const rows = entries.map(
      ([id, o]) =>
        `(${dialect.literal(id)}, ${dialect.literal(o.checksum)}, ${dialect.literal(o.status)}, ${dialect.literal(JSON.stringify(o.generations))}, ${dialect.literal(o.recordedAt)})`,
    );
    await inTransaction(conn, dialect.capabilities.transactionalDdl, async () => {
      // Where rows cannot be deleted (Hive), the latest row is the one read: ISO instants sort
      // as text, and need no timestamp type every engine inserts alike.
      if (dialect.capabilities.rowLevelDelete)
        await conn.run(`delete from ${results} where test_id in (${ids})`);
      await conn.run(`insert into ${results} values ${rows.join(', ')}`);
    });
    for (const [id, o] of entries) if (this.pending.get(id) === o) this.pending.delete(id);
    return entries.length;
  }
}
