import { LINE_HASH } from '../../../core/nodes.ts';
import type { Connection } from '../../types.ts';
import { lineHashOf } from './typedRecords.ts';
import { REJECTED_LINES, rejectedCount } from './rejects.ts';

/**
 * What DuckDB's reader reported, as a json_records `read_error`. A NUL splits the line into
 * two columns: JSON text never holds one unescaped.
 */
const READ_ERROR = `case error_type
  when 'INVALID ENCODING' then 'invalid_utf8'
  when 'TOO MANY COLUMNS' then 'nul_byte'
  when 'LINE SIZE OVER MAXIMUM' then 'line_too_long'
  else lower(replace(error_type, ' ', '_')) end`;

/**
 * json_records keeps every line. The reader skipped the lines it could not read (recorded with
 * their line numbers), so the rows it returned are numbered 1..n without them: shift each row
 * past the rejected lines before it, then add the rejected lines with what the reader could show
 * of their text and why (`read_error`, or `load_error` in a typed load), and with `lineHash` the
 * hash of that text. Nothing is rewritten when no line was rejected.
 */
export async function keepRejectedLines(
  conn: Connection,
  staging: string,
  reason: string,
  lineHash = false,
): Promise<void> {
  if ((await rejectedCount(conn)) === 0) return;
  // The i-th rejected line (1-based, in file order) at line L has L - i readable lines before
  // it: rows numbered above that come after it.
  await conn.run(`update ${staging} as lines set record_number = lines.record_number + shifts.n
from (
  select readable_before as after_row, lead(readable_before) over (order by line) as up_to_row, n
  from (
    select line, line - row_number() over (order by line) as readable_before, row_number() over (order by line) as n
    from ${REJECTED_LINES}
  )
) as shifts
where lines.record_number > shifts.after_row
  and (shifts.up_to_row is null or lines.record_number <= shifts.up_to_row)`);
  const hash = lineHash ? [`, ${LINE_HASH}`, `, ${lineHashOf('text')}`] : ['', ''];
  await conn.run(
    `insert into ${staging} (record_number, raw, ${reason}${hash[0]}) select line, text, ${READ_ERROR}${hash[1]}
from (select *, coalesce(csv_line, '') as text from ${REJECTED_LINES})`,
  );
}

/** Lines whose bare CRs were masked as NUL for the reader (bareCarriageReturns.ts): put them back. */
export async function markBareCarriageReturns(
  conn: Connection,
  staging: string,
  reason: string,
  lines: number[],
  lineHash = false,
): Promise<void> {
  const text = 'replace(raw, chr(0), chr(13))';
  const hash = lineHash ? `, ${LINE_HASH} = ${lineHashOf(text)}` : '';
  await conn.run(
    `update ${staging} set raw = ${text}, ${reason} = 'bare_carriage_return'${hash} where record_number in (select unnest([${lines.join(', ')}]))`,
  );
}
