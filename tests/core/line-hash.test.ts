/**
 * `line_hash: true` on a json_records seed: a BIGINT hash of each line's text as read, filled on
 * every load path, equal for identical lines and different for a changed byte.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { seedSelect } from '../../src/adapters/duckdb/seeds/select.ts';
import { openSession } from '../../src/api.ts';
import type { SeedNode } from '../../src/core/nodes.ts';
import { errorOf, project as fixture, removeFixtures } from '../helpers/fixture.ts';
import { jsonRecordsProject } from '../helpers/jsonRecords.ts';

afterAll(removeFixtures);

const FIELDS = ['fields:', '  - { name: id, data_type: bigint, required: true }'];
const INCREMENTAL =
  "{{ config(materialized='incremental') }}\nselect id from {{ ref('events') }}\n";

/** Lines 1 and 3 are the same text; line 2 differs from them in one byte. */
const LINES = ['{"id": 1, "x": "ab"}', '{"id": 1, "x": "ac"}', '{"id": 1, "x": "ab"}'];

/** DuckDB's hash() (UBIGINT, as text) as the BIGINT it is kept as: 2^63 below it. */
const asBigint = (hash: string) => (BigInt(hash) - 2n ** 63n).toString();
const expected = (texts: string[]) => texts.map((t) => asBigint(hashOf(t)));

// Filled from DuckDB itself below (the one hash function both sides must agree on).
let hashes: Map<string, string>;
const hashOf = (text: string) => hashes.get(text)!;

async function lineHashes(p: ReturnType<typeof jsonRecordsProject>, texts: string[]) {
  const rows = await p.query(
    `select t, hash(t)::varchar as h from unnest([${texts.map((t) => `'${t.replace(/'/g, "''")}'`).join(', ')}]) as u(t)`,
  );
  hashes = new Map(rows.map((r) => [String(r.t), String(r.h)]));
  const kept = await p.query(
    'select line_hash::varchar as h, typeof(line_hash) as t from events order by record_number',
  );
  expect(new Set(kept.map((r) => r.t))).toEqual(new Set(['BIGINT']));
  return kept.map((r) => r.h);
}

const project = (config: string[], lines: string[], files = {}) =>
  jsonRecordsProject('data/events.ndjson', ['line_hash: true', ...config], {
    'data/events.ndjson': `${lines.join('\n')}\n`,
    ...files,
  });

describe('line_hash', () => {
  it('typed load recovering duplicates by hash: kept, equal for equal lines, not raw_hash', async () => {
    const p = project([...FIELDS, 'keep_raw_for_duplicates_of: id'], LINES);
    expect((await p.build()).success).toBe(true);
    const got = await lineHashes(p, LINES);
    expect(got).toEqual(expected(LINES));
    expect(got[0]).toBe(got[2]);
    expect(got[0]).not.toBe(got[1]);
    // The duplicates' text is still recovered, matched on line_hash; no helper column is left.
    expect(await p.query('select raw from events order by record_number')).toEqual(
      LINES.map((raw) => ({ raw })),
    );
    expect(
      (await p.query(`select column_name from (describe events)`)).map((r) => r.column_name),
    ).toEqual(['record_number', 'id', 'load_error', 'raw', 'line_hash']);
    // The one-statement form other tools run (duplicates' text by a window) keeps it too.
    const seed = openSession({ projectDir: p.dir }).graph.get('seed.x.events') as SeedNode;
    const select = seedSelect(seed);
    expect(
      await p.query(`select line_hash::varchar as h, raw from (${select}) order by record_number`),
    ).toEqual(got.map((h, i) => ({ h, raw: LINES[i] })));
  });

  it('typed load without duplicates to recover, and keep-all-raw in an incremental build', async () => {
    const p = project([...FIELDS, 'keep_all_raw_while_incremental: loaded'], LINES, {
      'models/loaded.sql': INCREMENTAL,
    });
    expect((await p.build()).success).toBe(true);
    expect(await lineHashes(p, LINES)).toEqual(expected(LINES));
    // The second build runs `loaded` incrementally: every line keeps its text.
    expect((await p.build()).success).toBe(true);
    expect(await p.query('select count(raw)::int as n from events')).toEqual([{ n: 3 }]);
    expect(await lineHashes(p, LINES)).toEqual(expected(LINES));
  });

  it('untyped load', async () => {
    const p = project([], LINES);
    expect((await p.build()).success).toBe(true);
    expect(await lineHashes(p, LINES)).toEqual(expected(LINES));
  });

  it('lines the reader rejected (a NUL) and lines with a bare CR: the hash of the text kept', async () => {
    const nul = [
      '{"id": 1}',
      '{"id": 2, "x": "a\0b"}',
      '{"id": 2, "x": "a\0c"}',
      '{"id": 2, "x": "a\0b"}',
    ];
    const p = project(FIELDS, nul);
    expect((await p.build()).success).toBe(true);
    const rows = await p.query(
      'select load_error, hash(raw)::varchar as h, line_hash::varchar as kept from events order by record_number',
    );
    expect(rows.map((r) => r.load_error)).toEqual([null, 'nul_byte', 'nul_byte', 'nul_byte']);
    const got = rows.map((r) => r.kept);
    // The loaded line keeps no text (null raw): its hash is checked on the other paths.
    expect(got.slice(1)).toEqual(rows.slice(1).map((r) => asBigint(String(r.h))));
    expect(got[1]).toBe(got[3]);
    expect(got[1]).not.toBe(got[2]);

    const cr = ['{"id": 1, "x": "a\rb"}', '{"id": 1, "x": "a\rc"}', '{"id": 1, "x": "a\rb"}'];
    const q = project(FIELDS, cr);
    expect((await q.build()).success).toBe(true);
    expect(await q.query('select load_error, raw from events order by record_number')).toEqual(
      cr.map((raw) => ({ load_error: 'bare_carriage_return', raw })),
    );
    expect(await lineHashes(q, cr)).toEqual(expected(cr));
  });

  it('is for json_records only, a boolean, and reserves its column name', async () => {
    const csv = await errorOf(() =>
      fixture({
        'project.yml': 'name: x\n',
        'seeds/e.csv': 'a\n1\n',
        'seeds/e.yml': 'seeds:\n  - name: e\n    config:\n      line_hash: true\n',
      }).list(),
    );
    expect(csv.message).toContain('line_hash is for format json_records');
    const text = await errorOf(() =>
      jsonRecordsProject('data/e.ndjson', ["line_hash: 'yes'"], { 'data/e.ndjson': '{}\n' }).list(),
    );
    expect(text.message).toContain('line_hash');
    const named = await errorOf(() =>
      project([...FIELDS, '  - { name: line_hash }'], LINES).list(),
    );
    expect(named.message).toContain("fields: 'line_hash' is the column line_hash: true adds");
  });
});
