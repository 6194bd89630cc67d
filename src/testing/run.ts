import type { Adapter, Connection } from '../adapters/types.ts';
import { table } from '../core/relation.ts';
import { inTransaction } from '../adapters/transaction.ts';
import type { Json } from '../core/results.ts';
import type { TestNode } from '../core/nodes.ts';
import { planTest, recordOutcome, type ScopeRun } from './scope/premise.ts';

export interface TestOutcome {
  status: 'pass' | 'fail' | 'warn' | 'error';
  failures: number;
  message: string;
  /** Up to five failing rows, for the console and run_results.json. */
  sample: { columns: string[]; types: string[]; rows: Record<string, Json>[] };
  storedIn?: string;
}

/** dbt thresholds: `!=0`, `>10`, `>=5`, `=0`, `<3`. */
export function thresholdHit(condition: string, failures: number): boolean {
  const m = /^\s*(!=|<>|>=|<=|==|=|>|<)\s*(\d+)\s*$/.exec(condition);
  if (!m) throw new Error(`cannot read threshold '${condition}' (use e.g. '!=0' or '>10')`);
  const n = Number(m[2]);
  switch (m[1]) {
    case '!=':
    case '<>':
      return failures !== n;
    case '>=':
      return failures >= n;
    case '<=':
      return failures <= n;
    case '>':
      return failures > n;
    case '<':
      return failures < n;
    default:
      return failures === n;
  }
}

/**
 * Run a data test. One with `scope: changed_rows` (given the run's logs in `scoped`) checks only
 * its model's batch when the premise holds, says which it checked, and records its result.
 */
export async function runDataTest(
  adapter: Adapter,
  conn: Connection,
  test: TestNode,
  invocationId: string,
  scoped?: ScopeRun,
): Promise<TestOutcome> {
  const plan = test.scope && scoped ? await planTest(conn, test, scoped) : undefined;
  const sql = plan?.sql ?? test.sql;
  const key = test.uniqueKey;
  const run = () => runStatements(adapter, conn, test, sql, invocationId);
  let outcome: TestOutcome;
  try {
    // The adapter's fast path is for a whole table's column, not a batch's rows.
    outcome =
      key && adapter.withUniqueCheck && sql === test.sql
        ? await adapter.withUniqueCheck(conn, key.relation, key.column, run)
        : await run();
  } catch (e) {
    // The pass recorded before stands no more.
    if (plan) recordOutcome(test, scoped!, plan, false, 'error');
    throw e;
  }
  if (!plan) return outcome;
  recordOutcome(test, scoped!, plan, outcome.failures === 0, outcome.status);
  return { ...outcome, message: `${outcome.message} (${plan.note})` };
}

async function runStatements(
  adapter: Adapter,
  conn: Connection,
  test: TestNode,
  sql: string,
  invocationId: string,
): Promise<TestOutcome> {
  const { config } = test;
  const failing =
    config.limit !== undefined
      ? `select * from (\n${sql}\n) as failing limit ${config.limit}`
      : sql;
  const counted = await conn.query(`select count(*) as failures from (\n${failing}\n) as failing`);
  const failures = Number(counted.rows[0].failures);
  let status: TestOutcome['status'] = 'pass';
  if (config.severity === 'error' && thresholdHit(config.error_if, failures)) status = 'fail';
  else if (thresholdHit(config.warn_if, failures)) status = 'warn';

  let storedIn: string | undefined;
  if (config.store_failures) {
    const { dialect } = adapter;
    const relation = table(config.schema, test.name);
    storedIn = dialect.relation(relation);
    await conn.run(`create schema if not exists ${dialect.quote(config.schema)}`);
    await inTransaction(conn, dialect.capabilities.transactionalDdl, async () => {
      await conn.run(dialect.drop('table', relation));
      await conn.run(
        dialect.createTableAs(
          relation,
          `select *, ${dialect.literal(invocationId)} as duckflow_invocation_id, ${dialect.now()} as duckflow_stored_at from (\n${failing}\n) as failing`,
        ),
      );
    });
  }
  const sample =
    failures > 0
      ? await conn.query(`select * from (\n${failing}\n) as failing limit 5`)
      : { columns: [], types: [], rows: [] };
  const message =
    status === 'pass' ? 'pass' : `${failures} failing row${failures === 1 ? '' : 's'}`;
  return { status, failures, message, sample, storedIn };
}
