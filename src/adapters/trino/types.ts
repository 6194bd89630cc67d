/**
 * DuckDB column types (what DuckDB's readers give a file's columns) and their Trino types, for
 * rows staged as Parquet. A DuckDB type Hive's Parquet tables cannot hold is cast first: the
 * unsigned and huge integers to a type holding every value, a zoned timestamp to UTC, the rest
 * (intervals, JSON, nested values) to their text.
 */
const SIMPLE: Record<string, string> = {
  BIGINT: 'bigint',
  INTEGER: 'integer',
  SMALLINT: 'smallint',
  TINYINT: 'tinyint',
  BOOLEAN: 'boolean',
  DOUBLE: 'double',
  FLOAT: 'real',
  VARCHAR: 'varchar',
  DATE: 'date',
  TIMESTAMP: 'timestamp(6)',
  BLOB: 'varbinary',
};

const WIDENED: Record<string, string> = {
  UTINYINT: 'SMALLINT',
  USMALLINT: 'INTEGER',
  UINTEGER: 'BIGINT',
  UBIGINT: 'DECIMAL(38, 0)',
  HUGEINT: 'DECIMAL(38, 0)',
  'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP',
  TIMESTAMP_S: 'TIMESTAMP',
  TIMESTAMP_MS: 'TIMESTAMP',
  TIMESTAMP_NS: 'TIMESTAMP',
};

const decimal = (type: string) => /^DECIMAL\((\d+),\s*(\d+)\)$/i.exec(type);

/** The DuckDB type a column is written to Parquet as: its own, or one Trino can read. */
export function stagedType(duckdbType: string): string {
  const type = duckdbType.toUpperCase();
  if (SIMPLE[type] || decimal(type)) return type;
  return WIDENED[type] ?? 'VARCHAR';
}

/** The Trino type of a column DuckDB wrote as `stagedType`. */
export function trinoType(duckdbType: string): string {
  const type = stagedType(duckdbType);
  const d = decimal(type);
  return d ? `decimal(${d[1]}, ${d[2]})` : SIMPLE[type]!;
}

const READER: Record<string, string> = Object.fromEntries(
  Object.entries(SIMPLE).map(([duck, trino]) => [trino.replace(/\(.*\)$/, ''), duck]),
);

/** A Trino type (as Trino writes it) as DuckDB's readers name it. */
export function duckdbType(trino: string): string {
  const type = trino.toLowerCase().trim();
  const d = /^decimal\((\d+),\s*(\d+)\)$/.exec(type);
  if (d) return `DECIMAL(${d[1]}, ${d[2]})`;
  if (type.startsWith('timestamp') && type.includes('with time zone'))
    return 'TIMESTAMP WITH TIME ZONE';
  return READER[type.replace(/\(.*\)$/, '')] ?? 'VARCHAR';
}
