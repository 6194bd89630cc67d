import type { QueryResult } from '../core/results.ts';

const text = (v: unknown) =>
  v === null || v === undefined ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/**
 * Rows as an aligned text table, numbers right-aligned, like DuckDB's own shell. With
 * `maxWidth`, longer values are cut with an ellipsis so a wide column cannot flood a terminal.
 */
export function formatTable(
  result: Pick<QueryResult, 'columns' | 'rows'> & { types?: string[] },
  maxWidth = Infinity,
): string {
  const cut = (s: string) => (s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s);
  const cells = result.rows.map((r) => result.columns.map((c) => cut(text(r[c]))));
  const numeric = result.columns.map(
    (c, i) =>
      /INT|DECIMAL|DOUBLE|FLOAT|REAL|NUMERIC|HUGEINT/i.test(result.types?.[i] ?? '') ||
      result.rows.every((r) => typeof r[c] === 'number'),
  );
  const widths = result.columns.map((c, i) =>
    Math.max(c.length, ...cells.map((row) => row[i].length)),
  );
  const line = (values: string[]) =>
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join(' | ');
  return [
    line(result.columns),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...cells.map(line),
  ].join('\n');
}

/** RFC 4180 CSV: fields with commas, quotes or newlines are quoted. */
export function formatCsv(result: Pick<QueryResult, 'columns' | 'rows'>): string {
  const field = (v: unknown) => {
    const s = v === null || v === undefined ? '' : text(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [
    result.columns.map(field).join(','),
    ...result.rows.map((r) => result.columns.map((c) => field(r[c])).join(',')),
  ].join('\n');
}
