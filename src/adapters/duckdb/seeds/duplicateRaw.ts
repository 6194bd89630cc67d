import { LINE_HASH, type SeedNode } from '../../../core/nodes.ts';
import type { Connection } from '../../types.ts';
import { duckdbDialect } from '../dialect.ts';
import { withPerfectHash } from '../perfectHash.ts';
import { jsonRecordLines } from './select.ts';
import { asHash, asLineHash, LOAD_ERROR, RAW_HASH } from './typedRecords.ts';

const WANTED = 'temp.main.duckflow_duplicate_hashes';
const RECOVERED = 'temp.main.duckflow_duplicate_raw';

/**
 * A typed load keeps raw text for quarantined lines only; `keep_raw_for_duplicates_of` also
 * wants it for every loaded line whose field value occurs on more than one loaded line. Those
 * are found in the table, and their text is read again from the file by a second (parallel,
 * unordered) scan matched on the line's hash, kept for each line in the first pass (as
 * line_hash when the seed keeps that, else dropped after). Two different
 * texts with one hash would make the match ambiguous: the load then fails rather than guess.
 */
export async function keepRawOfDuplicates(
  conn: Connection,
  table: string,
  seed: SeedNode & { keepRawForDuplicatesOf: string },
): Promise<void> {
  const key = duckdbDialect.quote(seed.keepRawForDuplicatesOf);
  const hash = seed.lineHash ? LINE_HASH : RAW_HASH;
  // The file's lines are matched on hash() itself: the few wanted values are converted, not
  // every line's hash.
  try {
    // Grouping every loaded line by the field is most of this statement: a perfect-hash
    // aggregate does it in a third of the time where the field's range allows (10M ids: 24 bits).
    await withPerfectHash(conn, table, key, () =>
      conn.run(`create or replace temp table duckflow_duplicate_hashes as
select distinct ${asHash(hash)} as ${RAW_HASH} from ${table}
where ${LOAD_ERROR} is null and ${key} in (
  select ${key} from ${table} where ${LOAD_ERROR} is null and ${key} is not null group by ${key} having count(*) > 1
)`),
    );
    const wanted = await conn.query(`select count(*) as n from ${WANTED}`);
    if (Number(wanted.rows[0].n) > 0) {
      await conn.run(`create or replace temp table duckflow_duplicate_raw as
select hash(raw) as ${RAW_HASH}, min(raw) as raw, count(distinct raw) as texts
from (${jsonRecordLines(seed, 'null::bigint')}) as lines
where hash(raw) in (select ${RAW_HASH} from ${WANTED})
group by all`);
      const clash = await conn.query(`select count(*) as n from ${RECOVERED} where texts > 1`);
      if (Number(clash.rows[0].n) > 0)
        throw new Error(
          `keep_raw_for_duplicates_of: two different lines share a 64-bit hash; their raw text cannot be matched to its line`,
        );
      await conn.run(`update ${table} as lines set raw = recovered.raw from ${RECOVERED} as recovered
where lines.raw is null and lines.${hash} = ${asLineHash(`recovered.${RAW_HASH}`)}`);
    }
    if (!seed.lineHash) await conn.run(`alter table ${table} drop column ${RAW_HASH}`);
  } finally {
    await conn.run(`drop table if exists ${WANTED}; drop table if exists ${RECOVERED}`);
  }
}
