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

  async record(conn: Connection, testId: string, outcome: RecordedOutcome): Promise<void> {
    const { dialect } = this;
    const results = dialect.relation(this.table);
    const id = dialect.literal(testId);
    await inTransaction(conn, dialect.capabilities.transactionalDdl, async () => {
      // Where rows cannot be deleted (Hive), the latest row is the one read: ISO instants sort
      // as text, and need no timestamp type every engine inserts alike.
      if (dialect.capabilities.rowLevelDelete)
        await conn.run(`delete from ${results} where test_id = ${id}`);
      await conn.run(
        `insert into ${results} values (${id}, ${dialect.literal(outcome.checksum)}, ${dialect.literal(outcome.status)}, ${dialect.literal(JSON.stringify(outcome.generations))}, ${dialect.literal(new Date().toISOString())})`,
      );
    });
  }
}
