/**
 * `keep_all_raw_while_incremental: <model>` on a typed json_records seed: every line keeps its
 * raw text in a build that runs the model incrementally, and only then; the model must exist
 * and be incremental.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { errorOf, removeFixtures } from '../helpers/fixture.ts';
import { jsonRecordsProject } from '../helpers/jsonRecords.ts';

afterAll(removeFixtures);

const LINES = ['{"id": 1}', '{"id": 2, "x": "y"}', '{"id": oops', '{"id": 1}'];
const FIELDS = ['fields:', '  - { name: id, data_type: bigint, required: true }'];
const INCREMENTAL =
  "{{ config(materialized='incremental') }}\nselect id from {{ ref('events') }}\n";

const shop = (config: string[], model = INCREMENTAL) =>
  jsonRecordsProject('data/events.ndjson', [...config, ...FIELDS], {
    'data/events.ndjson': `${LINES.join('\n')}\n`,
    'models/loaded.sql': model,
  });

describe('keep_all_raw_while_incremental', () => {
  it('keeps every line in a build that runs the model incrementally, as before otherwise', async () => {
    const p = shop(['keep_all_raw_while_incremental: loaded', 'keep_raw_for_duplicates_of: id']);
    const raw = () => p.query('select record_number::int as n, raw from events order by n');
    // First build: the model is built whole; the quarantined line and the duplicates keep theirs.
    expect((await p.build()).success).toBe(true);
    expect(await raw()).toEqual([
      { n: 1, raw: LINES[0] },
      { n: 2, raw: null },
      { n: 3, raw: LINES[2] },
      { n: 4, raw: LINES[3] },
    ]);
    expect((await p.build()).success).toBe(true);
    expect(await raw()).toEqual(LINES.map((raw, i) => ({ n: i + 1, raw })));
    expect((await p.build({ fullRefresh: true })).success).toBe(true);
    expect((await raw()).map((r) => r.raw)).toEqual([LINES[0], null, LINES[2], LINES[3]]);
  });

  it('stores the text uncompressed when every line keeps it', async () => {
    // Text DuckDB would compress (FSST or a dictionary): compressing a batch's every line at
    // the commit took about as long as parsing it (orderedLoad.ts).
    const lines = Array.from(
      { length: 3000 },
      (_, i) => `{"id": ${i}, "x": "a b c d e f ${i % 7}"}`,
    );
    const p = jsonRecordsProject(
      'data/events.ndjson',
      ['keep_all_raw_while_incremental: loaded', ...FIELDS],
      { 'data/events.ndjson': `${lines.join('\n')}\n`, 'models/loaded.sql': INCREMENTAL },
    );
    const storage = () =>
      p.query(
        `select distinct compression from pragma_storage_info('events') where column_name = 'raw' and segment_type = 'VARCHAR'`,
      );
    expect((await p.build()).success).toBe(true);
    expect((await p.build()).success).toBe(true);
    expect(await storage()).toEqual([{ compression: 'Uncompressed' }]);
    expect(await p.query('select count(raw)::int as n from events')).toEqual([{ n: 3000 }]);
  });

  it('keeps every line of an export with a bare CR (read again, masked)', async () => {
    const lines = ['{"id": 1}', '{"id": 2, "x": "a\rb"}', '{"id": 3}'];
    const p = jsonRecordsProject(
      'data/events.ndjson',
      ['keep_all_raw_while_incremental: loaded', ...FIELDS],
      {
        'data/events.ndjson': `${lines.join('\n')}\n`,
        'models/loaded.sql': INCREMENTAL,
      },
    );
    expect((await p.build()).success).toBe(true);
    expect((await p.build()).success).toBe(true);
    expect(
      await p.query('select record_number::int as n, load_error, raw from events order by n'),
    ).toEqual([
      { n: 1, load_error: null, raw: lines[0] },
      { n: 2, load_error: 'bare_carriage_return', raw: lines[1] },
      { n: 3, load_error: null, raw: lines[2] },
    ]);
  });

  it('names a model of the project that is incremental, with declared fields', async () => {
    const unknown = await errorOf(() => shop(['keep_all_raw_while_incremental: loded']).list());
    expect(unknown.message).toContain(
      "seed 'events': keep_all_raw_while_incremental names no model of the project: 'loded'",
    );
    expect(unknown.message).toContain("'loaded'");
    const untyped = await errorOf(() =>
      jsonRecordsProject('data/e.ndjson', ['keep_all_raw_while_incremental: m'], {
        'data/e.ndjson': '{}\n',
      }).list(),
    );
    expect(untyped.message).toContain(
      'keep_all_raw_while_incremental needs declared fields (config.fields)',
    );
    const table = shop(
      ['keep_all_raw_while_incremental: loaded'],
      "{{ config(materialized='table') }}\nselect id from {{ ref('events') }}\n",
    );
    const report = await table.build();
    expect(report.results.find((r) => r.name === 'events')?.message).toContain(
      "keep_all_raw_while_incremental: model 'loaded' is table, not incremental",
    );
  });
});
