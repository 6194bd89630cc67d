/**
 * Duplicate event ids end to end: stg_events_duplicate_ids takes as candidates only the records
 * whose raw text the raw_events seed kept for a repeated id (keep_raw_for_duplicates_of), and
 * stg_events keeps an exact duplicate's first record in one pass. Without that seed setting the
 * duplicates are not found, and the build must fail rather than stage them twice.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, query } from '../../src/api.ts';
import { copyProject, type ProjectCopy } from './project-copy.ts';

// BIGINTs are cast to INTEGER in the queries: they come back as JS numbers.

const record = (id: number, type: string, event: string) =>
  `{"id": ${id}, "type": "${type}", "event": {"timestamp": "2022-05-25T05:44:03", ${event}}}`;
const LINES = [
  record(1, 'page_view', '"customer-id": 7, "page": "https://shop.example/a"'),
  record(1, 'page_view', '"customer-id": 7, "page": "https://shop.example/a"'),
  record(2, 'search', '"customer-id": 7, "query": "lamp"'),
  record(2, 'search', '"customer-id": 8, "query": "lamp"'),
  record(3, 'page_view', '"customer-id": 7, "page": "https://shop.example/b"'),
  record(1, 'page_view', '"customer-id": 7, "page": "https://shop.example/a"'),
];

// Two of six records are rejected: above the project's 1% stop, on purpose here.
const VARS = { events_path: 'events.ndjson', max_rejected_share: 0.5 };

function shopWith(lines: string[]): ProjectCopy {
  const shop = copyProject({ withCommittedEvents: false });
  writeFileSync(join(shop.dir, 'events.ndjson'), lines.join('\n') + '\n');
  return shop;
}

describe('webshop duplicate ids', () => {
  let shop: ProjectCopy;
  const rows = (sql: string) => query(sql, { projectDir: shop.dir, vars: VARS });
  beforeAll(async () => {
    shop = shopWith(LINES);
    const r = await build({ projectDir: shop.dir, vars: VARS });
    expect(r.results.filter((x) => x.status === 'error' || x.status === 'fail')).toEqual([]);
  });
  afterAll(() => shop.remove());

  it('tells exact from conflicting duplicates, with the first record of each id', async () => {
    expect(
      (
        await rows(
          'select event_id::int as event_id, record_count::int as record_count, first_record_number::int as first_record_number, version_count::int as version_count, is_conflicting from stg_events_duplicate_ids order by event_id',
        )
      ).rows,
    ).toEqual([
      {
        event_id: 1,
        record_count: 3,
        first_record_number: 1,
        version_count: 1,
        is_conflicting: false,
      },
      {
        event_id: 2,
        record_count: 2,
        first_record_number: 3,
        version_count: 2,
        is_conflicting: true,
      },
    ]);
  });

  it('stages an exact duplicate once, as its first record, and rejects a conflicting one', async () => {
    expect(
      (
        await rows(
          'select event_id::int as event_id, record_number::int as record_number, source_record_count::int as source_record_count, page_path from stg_events order by event_id',
        )
      ).rows,
    ).toEqual([
      { event_id: 1, record_number: 1, source_record_count: 3, page_path: '/a' },
      { event_id: 3, record_number: 5, source_record_count: 1, page_path: '/b' },
    ]);
    expect(
      (
        await rows(
          'select record_number::int as record_number, rejection_reason, raw from stg_events_rejected order by record_number',
        )
      ).rows,
    ).toEqual([
      { record_number: 3, rejection_reason: 'conflicting_duplicate_id', raw: LINES[2] },
      { record_number: 4, rejection_reason: 'conflicting_duplicate_id', raw: LINES[3] },
    ]);
  });

  it('fails the build when the seed no longer keeps the raw text of repeated ids', async () => {
    const bare = shopWith(LINES);
    try {
      const seedYml = join(bare.dir, 'seeds/raw_events.yml');
      const yml = readFileSync(seedYml, 'utf8');
      expect(yml).toMatch(/^ +keep_raw_for_duplicates_of: id\n/m);
      writeFileSync(seedYml, yml.replace(/^ +keep_raw_for_duplicates_of: id\n/m, ''));
      const r = await build({ projectDir: bare.dir, vars: VARS });
      expect(r.success).toBe(false);
      expect(r.results.filter((x) => x.status === 'fail').map((x) => [x.name, x.failures])).toEqual(
        [['unique_stg_events_event_id', 2]],
      );
    } finally {
      bare.remove();
    }
  });
});
