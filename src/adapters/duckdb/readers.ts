import type { Dialect } from '../../core/dialect.ts';
import type { FileRelation } from '../../core/relation.ts';

/**
 * DuckDB's file readers for sources and unit test fixtures (seeds: seeds/select.ts). Every
 * adapter reads files through DuckDB; others receive the rows it read.
 */
const READERS: Record<FileRelation['format'], string> = {
  csv: 'read_csv',
  json: 'read_json',
  ndjson: 'read_json',
  parquet: 'read_parquet',
};

type Sql = Pick<Dialect, 'literal'>;

export function fileScan(r: FileRelation, { literal }: Sql): string {
  const options = Object.entries(r.options)
    .map(([k, v]) => `, ${k} = ${literal(v)}`)
    .join('');
  return `${READERS[r.format]}(${literal(r.location)}${options})`;
}

/** Comma-separated with a header, fixed: sniffing a three-line unit test fixture guesses. */
export const csvFixtureSelect = (path: string, sql: Sql, types?: Record<string, string>) =>
  `select * from read_csv(${sql.literal(path)}, header = true, delim = ',', quote = '"', escape = '"'${types ? `, types = ${sql.literal(types)}` : ''})`;

export const jsonFixtureSelect = (
  path: string,
  format: 'array' | 'auto',
  sql: Sql,
  types?: Record<string, string>,
) =>
  `select * from read_json(${sql.literal(path)}, format = '${format}'${types ? `, columns = ${sql.literal(types)}` : ''})`;
