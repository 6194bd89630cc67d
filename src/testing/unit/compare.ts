import type { Connection } from '../../adapters/types.ts';
import type { Json } from '../../core/results.ts';
import type { Dialect } from '../../core/dialect.ts';

/** Rows of each difference kept for the report; the counts are always exact. */
export const SHOWN_ROWS = 20;

export interface RowSet {
  total: number;
  rows: Record<string, Json>[];
  /** DuckDB types of the columns, so numbers can be shown right-aligned. */
  types: string[];
}

export interface Comparison {
  expectedRows: number;
  actualRows: number;
  /** Columns compared (as `expect` names them); the unexpected rows use them too. */
  columns: string[];
  /** Expected rows the output lacks, and output rows nobody expected (multisets: duplicates count). */
  missing: RowSet;
  unexpected: RowSet;
}

/** The rows of a difference to show, `total` of them (counted with the others). */
async function rowSet(conn: Connection, sql: string, total: number): Promise<RowSet> {
  if (total === 0) return { total, rows: [], types: [] };
  // Every column, by position: the rows shown are the same whatever order the database keeps.
  const width = (await conn.query(`select * from (\n${sql}\n) as r limit 0`)).columns.length;
  const order = Array.from({ length: width }, (_, i) => i + 1).join(', ');
  const { rows, types } = await conn.query(
    `select * from (\n${sql}\n) as r order by ${order} limit ${SHOWN_ROWS}`,
  );
  return { total, rows, types };
}

/** Row counts of several queries, in one statement: a passing unit test needs nothing else. */
async function counts(conn: Connection, sqls: string[]): Promise<number[]> {
  const { rows } = await conn.query(
    `select ${sqls.map((sql, i) => `(select count(*) from (\n${sql}\n) as r${i}) as n${i}`).join(',\n')}`,
  );
  return sqls.map((_, i) => Number(rows[0][`n${i}`]));
}

/**
 * Compare the expected table with the model's output on the expected columns only, ignoring
 * row order: EXCEPT ALL both ways, so a row expected twice must be produced twice. With no
 * expected columns (`rows: []`) every output row is unexpected.
 */
export async function compare(
  dialect: Dialect,
  conn: Connection,
  expectedTable: string,
  actualTable: string,
  columns: { expected: string; actual: string }[],
): Promise<Comparison> {
  const expected = dialect.quote(expectedTable);
  const actual = dialect.quote(actualTable);
  const allActual = `select * from ${actual}`;
  if (columns.length === 0) {
    const [actualRows] = await counts(conn, [allActual]);
    const unexpected = await rowSet(conn, allActual, actualRows);
    const names = unexpected.rows.length ? Object.keys(unexpected.rows[0]) : [];
    return {
      expectedRows: 0,
      actualRows,
      columns: names,
      missing: { total: 0, rows: [], types: [] },
      unexpected,
    };
  }
  const fromExpected = `select ${columns.map((c) => dialect.quote(c.expected)).join(', ')} from ${expected}`;
  const fromActual = `select ${columns.map((c) => `${dialect.quote(c.actual)} as ${dialect.quote(c.expected)}`).join(', ')} from ${actual}`;
  const missing = `${fromExpected}\nexcept all\n${fromActual}`;
  const unexpected = `${fromActual}\nexcept all\n${fromExpected}`;
  const [actualRows, expectedRows, missingRows, unexpectedRows] = await counts(conn, [
    allActual,
    `select * from ${expected}`,
    missing,
    unexpected,
  ]);
  return {
    expectedRows,
    actualRows,
    columns: columns.map((c) => c.expected),
    missing: await rowSet(conn, missing, missingRows),
    unexpected: await rowSet(conn, unexpected, unexpectedRows),
  };
}
