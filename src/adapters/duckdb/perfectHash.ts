import type { Connection } from '../types.ts';

/** Types DuckDB's perfect-hash aggregate groups on (whole numbers of up to 32 bits' range). */
const WHOLE_NUMBERS = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
]);
/** DuckDB refuses thresholds above this. */
const MAX_BITS = 32;
/** Bytes of one group in a perfect hash table counting rows: the count and its validity, padded. */
const BYTES_PER_GROUP = 16;
/**
 * Share of memory_limit the perfect tables of one test may take. DuckDB allocates them outside
 * its buffer pool (measured: 2^23 groups on 2 threads took 200 MB over a 100 MB limit), and
 * several tests run at once, so a large one falls back to the ordinary hash aggregate, which
 * the limit does govern (and which spills).
 */
const MEMORY_SHARE = 1 / 8;
/**
 * Most groups of the range a perfect table may have per row of the table. Its cost is the
 * range's (every group is allocated and read back), an ordinary hash table's the rows': the
 * 12,000 rows of a table of ids reaching 10M took 0.43 s through a 2^24-group table, 0.01 s
 * without.
 */
const GROUPS_PER_ROW = 4;

const UNITS: Record<string, number> = {
  bytes: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
};

/** `7.4 GiB` as DuckDB shows a memory size, in bytes; undefined when unreadable. */
export function memoryBytes(text: string): number | undefined {
  const m = /^\s*([\d.]+)\s*([KMGT]i?B|bytes)\s*$/.exec(text);
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}

/** DuckDB's bits for a group key of values min..max: one more value for NULL, one-indexed. */
export function requiredBits(min: bigint, max: bigint): number {
  return (max - min + 2n).toString(2).length;
}

/**
 * Runs `fn` (statements grouping the table `relation` by `column`: a `unique` test, the seed
 * loader's search for duplicated ids) with perfect_ht_threshold raised on this connection so
 * that its `group by column` can use a perfect-hash aggregate, then puts the setting back. The
 * range comes from the column's statistics (DuckDB's own min/max, read without a scan).
 * Unchanged when the column is not a whole number, has no statistics, DuckDB would use one
 * anyway, the table it needs would not fit the memory budget, or its range is sparse (more than
 * GROUPS_PER_ROW groups per row); a failing probe leaves the statements to report their own
 * error.
 */
export async function withPerfectHash<T>(
  conn: Connection,
  relation: string,
  column: string,
  fn: () => Promise<T>,
): Promise<T> {
  const probe = await conn
    .query(
      `select typeof(${column}) as type, stats(${column}) as stats, current_setting('threads')::bigint as threads, current_setting('memory_limit') as memory, current_setting('perfect_ht_threshold')::bigint as threshold, (select count(*) from ${relation}) as row_count from ${relation} limit 1`,
    )
    .then((r) => r.rows[0])
    .catch(() => undefined);
  const range = /\[Min: (-?\d+), Max: (-?\d+)\]/.exec(String(probe?.stats));
  if (!probe || !range || !WHOLE_NUMBERS.has(String(probe.type))) return fn();
  const bits = requiredBits(BigInt(range[1]!), BigInt(range[2]!));
  const previous = Number(probe.threshold);
  const budget = (memoryBytes(String(probe.memory)) ?? 0) * MEMORY_SHARE;
  const bytes = 2 ** bits * BYTES_PER_GROUP * Number(probe.threads);
  const sparse = 2 ** bits > Number(probe.row_count) * GROUPS_PER_ROW;
  if (bits <= previous || bits > MAX_BITS || bytes > budget || sparse) return fn();
  await conn.run(`set perfect_ht_threshold = ${bits}`);
  try {
    return await fn();
  } finally {
    await conn.run(`set perfect_ht_threshold = ${previous}`);
  }
}
