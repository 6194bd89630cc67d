import { closeSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { SeedNode } from '../project/types.ts';
import { quoteIdent, sqlLiteral } from '../util/sql.ts';
import { literalPath } from './dataFile.ts';
import { REJECT_OPTIONS } from './rejects.ts';

/**
 * The DuckDB SELECT that reads a seed's file. CSV and NDJSON lines go through DuckDB's CSV
 * reader with `store_rejects`, so a row it cannot read is recorded with its line number (see
 * load.ts) rather than ending the load without one or being read wrongly.
 */
export function seedSelect(seed: SeedNode): string {
  const path = sqlLiteral(literalPath(seed.file));
  const types = Object.entries(seed.columnTypes);
  const casts = types.length
    ? ` replace (${types.map(([c, t]) => `cast(${quoteIdent(c)} as ${t}) as ${quoteIdent(c)}`).join(', ')})`
    : '';
  switch (seed.format) {
    case 'csv': {
      // With store_rejects the sniffer tolerates a ragged row (it is rejected, with its line)
      // instead of falling back to reading the file as one wide column.
      const options = [`header = ${seed.header}`];
      if (seed.delimiter !== undefined) options.push(`delim = ${sqlLiteral(seed.delimiter)}`);
      if (seed.quote !== undefined) options.push(`quote = ${sqlLiteral(seed.quote)}`);
      // Declared types are given to the reader itself, so '007' is never read as 7 first.
      if (types.length)
        options.push(`${seed.header ? 'types' : 'columns'} = ${sqlLiteral(seed.columnTypes)}`);
      return `select * from read_csv(${path}, ${options.join(', ')}, ${REJECT_OPTIONS})`;
    }
    case 'json':
    case 'ndjson':
      return `select *${casts} from read_json(${path}, format = ${seed.format === 'ndjson' ? "'newline_delimited'" : "'auto'"})`;
    case 'parquet':
      return `select *${casts} from read_parquet(${path})`;
    case 'json_records':
      return startsWithBracket(seed.file)
        ? `select row_number() over () as record_number, json::varchar as raw, null::varchar as read_error from read_json_objects(${path}, format = 'array')`
        : // One row per line, untouched, blank lines included (as ''): NUL never occurs in JSON
          // text, so nothing is split or unquoted, and a line holding one is rejected. Rejected
          // lines are put back, numbered, after the scan (load.ts). row_number() over () is
          // planned as a streaming window, which keeps the scan in file order even with
          // preserve_insertion_order = false.
          `select row_number() over () as record_number, coalesce(raw, '') as raw, null::varchar as read_error from read_csv(${path}, columns = {'raw': 'VARCHAR'}, header = false, delim = chr(0), quote = '', escape = '', auto_detect = false, ${REJECT_OPTIONS})`;
  }
}

/** Whether a (possibly gzipped) JSON file holds an array rather than one record per line. */
function startsWithBracket(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const n = readSync(fd, head, 0, head.length, 0);
    let text: string;
    if (head[0] === 0x1f && head[1] === 0x8b) {
      try {
        text = gunzipSync(head.subarray(0, n), { finishFlush: 2 }).toString('utf8');
      } catch {
        return false;
      }
    } else text = head.subarray(0, n).toString('utf8');
    return text.trimStart().startsWith('[');
  } finally {
    closeSync(fd);
  }
}
