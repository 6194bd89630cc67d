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
