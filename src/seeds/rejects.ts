import type { Connection } from '../adapters/types.ts';

/**
 * DuckDB's CSV reader, given `store_rejects`, skips a row it cannot read and records it (line
 * number, error type, the line's text) in these temporary, per-connection tables instead of
 * failing the whole scan, or worse, reading on silently. Seeds read with them, then decide per
 * format what a rejected row means.
 */
const TABLE = 'duckflow_seed_rejects';
const SCAN = 'duckflow_seed_reject_scans';

export const REJECT_OPTIONS = `store_rejects = true, rejects_table = '${TABLE}', rejects_scan = '${SCAN}'`;

/** Every rejected line once (a line can fail two checks), in file order. */
export const REJECTED_LINES = `(select line, error_type, csv_line, error_message from temp.main.${TABLE} qualify row_number() over (partition by line order by column_idx) = 1)`;

/** Empty the tables before a scan: DuckDB appends each scan's rejects to what is there. */
export async function clearRejects(conn: Connection): Promise<void> {
  await conn.run(`drop table if exists temp.main.${TABLE}`);
  await conn.run(`drop table if exists temp.main.${SCAN}`);
}

export interface RejectedLine {
  line: number;
  errorType: string;
  text: string;
  message: string;
}

/** How many lines the last scan rejected (none when it did not read with REJECT_OPTIONS). */
export async function rejectedCount(conn: Connection): Promise<number> {
  const exists = await conn.query(
    `select 1 from duckdb_tables() where temporary and table_name = '${TABLE}'`,
  );
  if (exists.rows.length === 0) return 0;
  return Number((await conn.query(`select count(*) as n from ${REJECTED_LINES}`)).rows[0].n);
}

export async function firstRejectedLines(conn: Connection, limit: number): Promise<RejectedLine[]> {
  const { rows } = await conn.query(
    `select line::bigint as line, error_type, left(csv_line, 200) as text, error_message from ${REJECTED_LINES} order by line limit ${limit}`,
  );
  return rows.map((r) => ({
    line: Number(r.line),
    errorType: String(r.error_type),
    text: String(r.text ?? ''),
    message: String(r.error_message),
  }));
}
