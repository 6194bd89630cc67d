export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A JS value as a DuckDB literal: strings quoted, arrays as lists, objects as structs. */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(sqlLiteral).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${sqlLiteral(k)}: ${sqlLiteral(v)}`)
      .join(', ')}}`;
  return `'${String(value).replace(/'/g, "''")}'`;
}
