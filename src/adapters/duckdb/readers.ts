import { closeSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Dialect } from '../../core/dialect.ts';
import type { SeedNode } from '../../core/nodes.ts';
import type { FileRelation } from '../../core/relation.ts';

/**
 * DuckDB's file readers: the one place that turns a data file into rows. Every adapter loads
 * seeds and fixtures through these (others receive the rows DuckDB read).
 */
const READERS: Record<FileRelation['format'], string> = {
  csv: 'read_csv',
  json: 'read_json',
  ndjson: 'read_json',
  parquet: 'read_parquet',
};

type Sql = Pick<Dialect, 'literal' | 'quote'>;

export function fileScan(r: FileRelation, { literal }: Sql): string {
  const options = Object.entries(r.options)
    .map(([k, v]) => `, ${k} = ${literal(v)}`)
    .join('');
  return `${READERS[r.format]}(${literal(r.location)}${options})`;
}

/** A SELECT reading a seed's file, typed as its `column_types` say. */
export function seedSelect(seed: SeedNode, { literal, quote }: Sql): string {
  const path = literal(seed.file);
  const types = Object.entries(seed.columnTypes);
  const casts = types.length
    ? ` replace (${types.map(([c, t]) => `cast(${quote(c)} as ${t}) as ${quote(c)}`).join(', ')})`
    : '';
  switch (seed.format) {
    case 'csv': {
      const options = [`header = ${seed.header}`];
      if (seed.delimiter !== undefined) options.push(`delim = ${literal(seed.delimiter)}`);
      if (seed.quote !== undefined) options.push(`quote = ${literal(seed.quote)}`);
      // Declared types are given to the reader itself, so '007' is never read as 7 first.
      if (types.length)
        options.push(`${seed.header ? 'types' : 'columns'} = ${literal(seed.columnTypes)}`);
      return `select * from read_csv(${path}, ${options.join(', ')})`;
    }
    case 'json':
    case 'ndjson':
      return `select *${casts} from read_json(${path}, format = ${seed.format === 'ndjson' ? "'newline_delimited'" : "'auto'"})`;
    case 'parquet':
      return `select *${casts} from read_parquet(${path})`;
    case 'json_records':
      return startsWithBracket(seed.file)
        ? `select row_number() over () as record_number, json::varchar as raw from read_json_objects(${path}, format = 'array')`
        : // One row per line, untouched: NUL never occurs in text, so nothing is split or unquoted.
          // row_number() over () is planned as a streaming window, which keeps the scan in file
          // order even with preserve_insertion_order = false. A line is blank when ltrim leaves
          // nothing: the same test as trim, but ltrim stops at the first non-space character
          // while trim (rtrim) walks every line to its end, which doubled this seed's load time at 10M lines.
          `select * from (select row_number() over () as record_number, raw from read_csv(${path}, columns = {'raw': 'VARCHAR'}, header = false, delim = chr(0), quote = '', escape = '', auto_detect = false)) where ltrim(raw) <> ''`;
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
