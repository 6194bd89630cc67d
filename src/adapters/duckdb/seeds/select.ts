import { closeSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { LINE_HASH, type SeedNode } from '../../../core/nodes.ts';
import { duckdbDialect } from '../dialect.ts';
import { literalPath } from './dataFile.ts';
import { REJECT_OPTIONS } from './rejects.ts';
import { lineHashOf, RAW_HASH, typedRecordsSelect } from './typedRecords.ts';

/**
 * The DuckDB SELECT that reads a seed's file. CSV and NDJSON lines go through DuckDB's CSV
 * reader with `store_rejects`, so a row it cannot read is recorded with its line number (see
 * load.ts) rather than ending the load without one or being read wrongly.
 */
export function seedSelect(seed: SeedNode): string {
  const { quote: quoteIdent, literal: sqlLiteral } = duckdbDialect;
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
      return jsonRecordsSelect(seed, 'row_number() over ()', 'window');
  }
}

/**
 * A json_records seed's rows, numbered by `recordNumber` (see orderedLoad.ts): typed and
 * validated when the seed declares fields, else each line's text with a null read_error.
 * seedSelect is the one-statement form (other tools run it); the loader's own takes the raw
 * text of duplicates by a second scan instead (`duplicatesBy`, duplicateRaw.ts).
 */
export function jsonRecordsSelect(
  seed: SeedNode,
  recordNumber: string,
  duplicatesBy: 'hash' | 'window',
): string {
  const lines = jsonRecordLines(seed, recordNumber);
  const lineHash = seed.lineHash ? LINE_HASH : undefined;
  if (!seed.fields)
    return `select record_number, raw, null::varchar as read_error${lineHash ? `, ${lineHashOf('raw')} as ${LINE_HASH}` : ''} from (${lines}) as lines`;
  // Every line keeps its text anyway: no duplicates to find.
  const field = seed.keepAllRaw ? undefined : seed.keepRawForDuplicatesOf;
  const keepRaw = seed.keepAllRaw ? 'all' : field ? { field, by: duplicatesBy } : undefined;
  // The second scan matches lines on their hash: kept as line_hash when asked for, else a while.
  const hashAs = keepRaw !== 'all' && keepRaw?.by === 'hash' ? (lineHash ?? RAW_HASH) : lineHash;
  return typedRecordsSelect(lines, seed.fields, keepRaw, hashAs);
}

/**
 * Every line of a json_records file as (record_number, raw), untouched, blank lines included
 * (as ''). NUL never occurs in JSON text, so nothing is split or unquoted, and a line holding
 * one is rejected: rejected lines are put back, numbered, after the scan (load.ts).
 */
export function jsonRecordLines(seed: SeedNode, recordNumber: string): string {
  const path = duckdbDialect.literal(literalPath(seed.file));
  return startsWithBracket(seed.file)
    ? `select ${recordNumber} as record_number, json::varchar as raw from read_json_objects(${path}, format = 'array')`
    : `select ${recordNumber} as record_number, coalesce(raw, '') as raw from read_csv(${path}, columns = {'raw': 'VARCHAR'}, header = false, delim = chr(0), quote = '', escape = '', auto_detect = false, ${REJECT_OPTIONS})`;
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
