import type { Connection } from '../../types.ts';
import type { SeedNode } from '../../../core/nodes.ts';

/**
 * dbt-duckdb types a seed's columns from agate's inference, not DuckDB's sniffer: a whole
 * number column is INTEGER (not BIGINT), a time of day stays text. Applied to the freshly
 * loaded table, leaving declared column_types alone. A whole number column with a value outside
 * INTEGER's range stays BIGINT (dbt-duckdb would fail to load it).
 */
export async function retypeAsDbt(conn: Connection, seed: SeedNode, table: string): Promise<void> {
  const declared = new Set(Object.keys(seed.columnTypes).map((c) => c.toLowerCase()));
  const columns = (await conn.query(`describe ${table}`)).rows
    .map((r) => ({ name: String(r.column_name), type: String(r.column_type) }))
    .filter((c) => !declared.has(c.name.toLowerCase()));
  const quote = (c: string) => `"${c.replace(/"/g, '""')}"`;
  const bigints = columns.filter((c) => c.type === 'BIGINT');
  const fits = new Set<string>();
  if (bigints.length > 0) {
    const checks = bigints
      .map(
        (c, i) =>
          `coalesce(min(${quote(c.name)}) >= -2147483648 and max(${quote(c.name)}) <= 2147483647, true) as c${i}`,
      )
      .join(', ');
    const row = (await conn.query(`select ${checks} from ${table}`)).rows[0];
    bigints.forEach((c, i) => row[`c${i}`] === true && fits.add(c.name));
  }
  for (const c of columns) {
    const to = fits.has(c.name) ? 'INTEGER' : c.type === 'TIME' ? 'VARCHAR' : undefined;
    if (to) await conn.run(`alter table ${table} alter ${quote(c.name)} type ${to}`);
  }
}
