import type { JsonField, JsonFieldType } from '../../../core/nodes.ts';
import { duckdbDialect } from '../dialect.ts';

const { quote, literal } = duckdbDialect;

/** The column a typed json_records table names each line's problem in (null: loaded). */
export const LOAD_ERROR = 'load_error';
/** The line hash of every line, kept only while the raw text of duplicates is recovered. */
export const RAW_HASH = 'raw_hash';

const SHIFT = '9223372036854775808';
/**
 * A line's 64-bit hash as a BIGINT (`line_hash`): DuckDB's hash() is UBIGINT, and other engines
 * (PostgreSQL) have no unsigned 64-bit type, so it is shifted into BIGINT's range, one to one.
 */
export const lineHashOf = (text: string) => asLineHash(`hash(${text})`);
/** A hash() value as the line hash it gives, and back (few values: hugeint is no cost there). */
export const asLineHash = (hash: string) => `cast(${hash}::hugeint - ${SHIFT} as bigint)`;
export const asHash = (lineHash: string) => `cast(${lineHash}::hugeint + ${SHIFT} as ubigint)`;

/**
 * The SELECT of a typed json_records load: from `lines` (record_number, raw), each line parsed
 * once (one json_transform into a struct of the declared paths), every field typed, and the
 * line's first problem in `load_error`: blank_line, invalid_json, then per field in declared
 * order missing_<name> (required, absent or JSON null) and invalid_<name> (wrong type or
 * failing `check`). The raw text is kept only for those lines (or for all: `keepRaw` 'all'). No join, window or aggregate:
 * the plan stays a projection over the scan, so it can keep the file's order (orderedLoad.ts).
 */
export function typedRecordsSelect(
  lines: string,
  fields: JsonField[],
  /**
   * Which other lines keep their text. `all` (keep_all_raw_while_incremental, in a run that
   * builds its model incrementally): every line. For `keep_raw_for_duplicates_of`: `hash` adds
   * hash(raw) for the loader's second scan (duplicateRaw.ts); `window` keeps those lines' text
   * in this one statement with a window over the field (no longer in file order, so only once
   * the lines are numbered).
   */
  keepRaw?: 'all' | { field: string; by: 'hash' | 'window' },
  /** The column that keeps each line's hash (lineHashOf), if any; `hash` needs one. */
  hashAs?: string,
): string {
  const leaf = (i: number) => quote(`__leaf_${i}`);
  const ok = (i: number) => quote(`__ok_${i}`);
  const parsed = `select record_number, raw, __valid_json, json_transform(case when __valid_json then raw end, ${literal(JSON.stringify(structSpec(fields)))}) as __record
  from (select record_number, raw, coalesce(json_valid(raw), false) as __valid_json from (${lines}) as lines) as checked`;
  const typed = `select record_number, raw, __valid_json, ${fields
    .map((f, i) => {
      const value = `__record${f.path.map((k) => `[${literal(k)}]`).join('')}`;
      return `${value} as ${leaf(i)}, ${typedValue(value, f.dataType)} as ${quote(f.name)}`;
    })
    .join(', ')}
  from (${parsed}) as parsed`;
  // A value is invalid when present but not of its type, or when its check does not hold.
  const valid = (f: JsonField) =>
    `(${quote(f.name)} is not null${f.check ? ` and coalesce((${f.check}), false)` : ''})`;
  const reasons = fields.flatMap((f, i) => [
    ...(f.required ? [`when ${leaf(i)} is null then ${literal(`missing_${f.name}`)}`] : []),
    ...(f.onInvalid === 'reject' && canBeInvalid(f)
      ? [`when ${leaf(i)} is not null and not ${ok(i)} then ${literal(`invalid_${f.name}`)}`]
      : []),
  ]);
  // A blank line is never valid JSON: only the few invalid lines pay for the blank test.
  const checked = `select *, case
    when not __valid_json then case when ltrim(raw) = '' then 'blank_line' else 'invalid_json' end
    ${reasons.join('\n    ')}
  end as ${LOAD_ERROR}
  from (select *, ${fields.map((f, i) => `${valid(f)} as ${ok(i)}`).join(', ')} from (${typed}) as typed) as validated`;
  const columns = fields.map((f, i) =>
    f.onInvalid === 'null'
      ? `case when ${ok(i)} then ${quote(f.name)} end as ${quote(f.name)}`
      : quote(f.name),
  );
  const duplicates = keepRaw === 'all' ? undefined : keepRaw;
  const key = duplicates && quote(duplicates.field);
  const kept =
    keepRaw === 'all'
      ? 'true'
      : duplicates?.by === 'window'
        ? `${LOAD_ERROR} is not null or (${key} is not null and ${LOAD_ERROR} is null and count(*) over (partition by ${key}, ${LOAD_ERROR} is null) > 1)`
        : `${LOAD_ERROR} is not null`;
  const hash = hashAs ? `, ${lineHashOf('raw')} as ${quote(hashAs)}` : '';
  return `select record_number, ${columns.join(', ')}, ${LOAD_ERROR}, case when ${kept} then raw end as raw${hash}
from (${checked}) as records`;
}

/**
 * Whether a present value can fail its field: a text field takes any JSON value (as its
 * text), so only a check can reject it. The CASE then skips a test that never holds.
 */
function canBeInvalid(f: JsonField): boolean {
  return f.check !== undefined || !(f.dataType === 'varchar' || f.dataType === 'json');
}

/** json_transform's structure: nested objects down to each field's leaf type. */
function structSpec(fields: JsonField[]): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  for (const f of fields) {
    let node = spec;
    for (const key of f.path.slice(0, -1))
      node = (node[key] ??= {}) as Record<string, unknown>;
    // Text fields take json_transform's own conversion (a string unquoted, anything else as its
    // JSON text); the others keep the JSON value, so its type can be checked exactly.
    node[f.path[f.path.length - 1]] =
      f.dataType === 'varchar' || f.dataType === 'timestamp' ? 'VARCHAR' : 'JSON';
  }
  return spec;
}

/** A leaf as its declared type; null when the value is not of that type. */
function typedValue(value: string, type: JsonFieldType): string {
  switch (type) {
    case 'varchar':
    case 'json':
      return value;
    case 'bigint':
    case 'integer':
    case 'smallint':
      // An integer written as itself: the cast must give back the same text (no 2.0, 2e0, "2").
      return `case when try_cast(${value}::varchar as ${type})::varchar = ${value}::varchar then try_cast(${value}::varchar as ${type}) end`;
    case 'double':
      return `case when json_type(${value}) in ('BIGINT', 'UBIGINT', 'DOUBLE') then try_cast(${value}::varchar as double) end`;
    case 'boolean':
      return `case when json_type(${value}) = 'BOOLEAN' then ${value}::varchar = 'true' end`;
    case 'timestamp':
      // A date and a time are required; an explicit zone or offset is converted to UTC, and a
      // timestamp without one is UTC already.
      return `case
      when length(${value}) < 16 or substr(${value}, 11, 1) not in ('T', 't', ' ') then null
      when right(${value}, 1) in ('Z', 'z') or strpos(substr(${value}, 12), '+') > 0 or strpos(substr(${value}, 12), '-') > 0
        then timezone('UTC', try_cast(${value} as timestamptz))
      else try_cast(${value} as timestamp)
    end`;
  }
}
