/**
 * A DuckDB column type (what DuckDB's readers give a file's columns) as a PostgreSQL type.
 * Nested and unusual types arrive as their text.
 */
const SIMPLE: Record<string, string> = {
  BIGINT: 'bigint',
  INTEGER: 'integer',
  SMALLINT: 'smallint',
  TINYINT: 'smallint',
  UTINYINT: 'smallint',
  USMALLINT: 'integer',
  UINTEGER: 'bigint',
  UBIGINT: 'numeric(20, 0)',
  HUGEINT: 'numeric(38, 0)',
  DOUBLE: 'double precision',
  FLOAT: 'real',
  BOOLEAN: 'boolean',
  VARCHAR: 'text',
  DATE: 'date',
  TIME: 'time',
  TIMESTAMP: 'timestamp',
  'TIMESTAMP WITH TIME ZONE': 'timestamptz',
  INTERVAL: 'interval',
  UUID: 'uuid',
  JSON: 'jsonb',
};

export function postgresType(duckdbType: string): string {
  const type = duckdbType.toUpperCase();
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) return `numeric(${decimal[1]}, ${decimal[2]})`;
  return SIMPLE[type] ?? 'text';
}

/** The other way: a PostgreSQL type (as format_type writes it) as DuckDB's readers name it. */
const READER: Record<string, string> = {
  ...Object.fromEntries(Object.entries(SIMPLE).map(([duck, pg]) => [pg, duck])),
  text: 'VARCHAR',
  'character varying': 'VARCHAR',
  'timestamp without time zone': 'TIMESTAMP',
  'timestamp with time zone': 'TIMESTAMP WITH TIME ZONE',
  'time without time zone': 'TIME',
  smallint: 'SMALLINT',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  real: 'FLOAT',
  numeric: 'DECIMAL(38, 10)',
};

export function duckdbType(postgres: string): string {
  const type = postgres.toLowerCase().trim();
  const decimal = /^(?:numeric|decimal)\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) return `DECIMAL(${decimal[1]}, ${decimal[2]})`;
  return READER[type] ?? READER[type.replace(/\(.*\)$/, '')] ?? postgres;
}
