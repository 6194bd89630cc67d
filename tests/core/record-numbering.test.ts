/**
 * A json_records load numbers its lines by row id, in one of two ways (orderedLoad.ts): up to one
 * row group (122,880 rows) before the commit, from the transaction's own row ids; above it after
 * the commit. Both must give every line its line number, on either side of the boundary.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { removeFixtures } from '../helpers/fixture.ts';
import { jsonRecordsProject } from '../helpers/jsonRecords.ts';

afterAll(removeFixtures);

const ROW_GROUP = 122_880;

/** Line i (1-based) carries i as its id, so each row says which line it came from. */
const lines = (n: number) =>
  `${Array.from({ length: n }, (_, i) => `{"id": ${i + 1}, "type": "t${i % 7}"}`).join('\n')}\n`;

describe('record numbers of a json_records load', () => {
  it.each([
    ['a few lines', 3],
    ['exactly one row group, numbered before the commit', ROW_GROUP],
    ['one line over a row group, numbered after the commit', ROW_GROUP + 1],
  ])('%s (%i lines): each record numbered as its line', async (_, n) => {
    const p = jsonRecordsProject(
      'data/events.ndjson',
      ['fields:', '  - { name: id, data_type: bigint, required: true }', '  - { name: type }'],
      { 'data/events.ndjson': lines(n) },
    );
    expect((await p.build()).success).toBe(true);
    expect(
      await p.query(
        `select count(*)::int as n, min(record_number)::int as first, max(record_number)::int as last,
           count(*) filter (where record_number <> id)::int as misnumbered
         from events`,
      ),
    ).toEqual([{ n, first: 1, last: n, misnumbered: 0 }]);
  });
});
