import type { Json } from '../../core/results.ts';
import { formatTable } from '../../util/format.ts';
import type { Comparison } from './compare.ts';

type Row = Record<string, Json>;

export interface RowPair {
  expected: Row;
  actual: Row;
  /** The compared columns whose values differ. */
  changed: string[];
}

export interface MatchedDiff {
  /** The leading expected columns that identify a row, when any pairing was possible. */
  keyColumns: string[];
  pairs: RowPair[];
  missing: Row[];
  unexpected: Row[];
}

const same = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Pair missing with unexpected rows that agree on the first expected column (or first few, when
 * one does not tell rows apart), so "ended_at is off by a microsecond in session 2" reads as
 * such instead of as one missing and one unexpected row.
 */
export function matchRows(columns: string[], missing: Row[], unexpected: Row[]): MatchedDiff {
  for (let k = 1; k < columns.length; k++) {
    const keyColumns = columns.slice(0, k);
    const keyOf = (row: Row) => JSON.stringify(keyColumns.map((c) => row[c]));
    const missingKeys = new Map(missing.map((r) => [keyOf(r), r]));
    const unexpectedKeys = new Map(unexpected.map((r) => [keyOf(r), r]));
    if (missingKeys.size < missing.length || unexpectedKeys.size < unexpected.length) continue;
    const pairs: RowPair[] = [];
    for (const [key, expected] of missingKeys) {
      const actual = unexpectedKeys.get(key);
      if (actual)
        pairs.push({
          expected,
          actual,
          changed: columns.slice(k).filter((c) => !same(expected[c], actual[c])),
        });
    }
    const paired = new Set(pairs.flatMap((p) => [p.expected, p.actual]));
    return {
      keyColumns: pairs.length ? keyColumns : [],
      pairs,
      missing: missing.filter((r) => !paired.has(r)),
      unexpected: unexpected.filter((r) => !paired.has(r)),
    };
  }
  return { keyColumns: [], pairs: [], missing, unexpected };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const indent = (text: string) => text.split('\n').map((l) => `  ${l}`);

/** The failure message: a summary line, then the differing, missing and unexpected rows. */
export function formatDiff(c: Comparison): string {
  const m = matchRows(c.columns, c.missing.rows, c.unexpected.rows);
  const missingOnly = c.missing.total - m.pairs.length;
  const unexpectedOnly = c.unexpected.total - m.pairs.length;
  const parts = [
    m.pairs.length && plural(m.pairs.length, 'row') + ' with different values',
    missingOnly && `${missingOnly} missing`,
    unexpectedOnly && `${unexpectedOnly} unexpected`,
  ].filter(Boolean);
  const lines = [
    `output differs from expect (${plural(c.expectedRows, 'row')} expected, ${c.actualRows} produced): ${parts.join(', ')}`,
  ];
  if (m.pairs.length) {
    lines.push(`rows with different values (matched on ${m.keyColumns.join(', ')}):`);
    const columns = [...m.keyColumns, 'column', 'expected', 'actual'];
    const types = [...c.unexpected.types.slice(0, m.keyColumns.length), '', '', ''];
    const rows = m.pairs.flatMap((p) =>
      p.changed.map((col) => ({
        ...Object.fromEntries(m.keyColumns.map((k) => [k, p.expected[k]])),
        column: col,
        expected: p.expected[col],
        actual: p.actual[col],
      })),
    );
    lines.push(...indent(formatTable({ columns, rows, types })));
  }
  const section = (title: string, rows: Row[], rest: number, types: string[]) => {
    if (rows.length === 0) return;
    lines.push(`${title}:`, ...indent(formatTable({ columns: c.columns, rows, types })));
    if (rest > rows.length) lines.push(`  … and ${rest - rows.length} more`);
  };
  section('missing rows (expected, not in the output)', m.missing, missingOnly, c.missing.types);
  section(
    'unexpected rows (in the output, not expected)',
    m.unexpected,
    unexpectedOnly,
    c.unexpected.types,
  );
  return lines.join('\n');
}
