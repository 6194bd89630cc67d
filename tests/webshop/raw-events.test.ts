/**
 * The webshop's raw_events seed (seeds/raw_events.yml) types and validates each line of the
 * export as it loads; stg_events_parsed only names and derives. These are the records the
 * model's unit tests once fed as raw JSON, now through the real seed config and the model:
 * the verdicts and typed values are worked out by hand.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, query } from '../../src/api.ts';
import { copyProject, type ProjectCopy } from './project-copy.ts';

const EVENT = (id: string, type: string, event: string) =>
  `{"id": ${id}, "type": ${type}, "event": {${event}}}`;
const AT = '"timestamp": "2022-05-25T05:44:03"';

/** Line (1-based), the record, the expected rejection_reason. */
const RECORDS: [string, string | null][] = [
  [
    EVENT(
      '101',
      '"page_view"',
      `"customer-id": 7, "timestamp": "2022-05-25T07:44:03.648681+02:00", "page": "https://xcc-webshop.com/category/13?sort=price#top", "referrer": "https://www.Google.com/search?q=lamp"`,
    ),
    null,
  ],
  [
    EVENT(
      '102',
      '"Add-Product-To-Cart"',
      `"timestamp": "2022-05-26T00:00:00-01:30", "product": 1060, "position": 2.5`,
    ),
    null,
  ],
  [
    EVENT(
      '103',
      '"visit_related_product"',
      `"timestamp": "2022-05-25 23:59:59.999999", "product": "A", "position": "4"`,
    ),
    null,
  ],
  ['{"id": 201, "type": "page_view", "event": {"customer-id": 7, "timest', 'invalid_json'],
  ['', null], // blank: not a record
  [`{"type": "page_view", "event": {"customer-id": 7, ${AT}}}`, 'missing_id'],
  ['[1, 2, 3]', 'missing_id'],
  [EVENT('"abc"', '"page_view"', `"customer-id": 7, ${AT}`), 'invalid_id'],
  [EVENT('207.5', '"page_view"', `"customer-id": 7, ${AT}`), 'invalid_id'],
  [EVENT('"208"', '"page_view"', `"customer-id": 7, ${AT}`), 'invalid_id'],
  [`{"id": 209, "event": {"customer-id": 7, ${AT}}}`, 'missing_type'],
  [EVENT('210', '"page_veiw"', `"customer-id": 7, ${AT}`), 'unknown_type'],
  [EVENT('212', '"page_view"', `"customer-id": 7, "page": "/"`), 'missing_timestamp'],
  [EVENT('213', '"page_view"', `"timestamp": "2022-13-01T10:00:00.000000"`), 'invalid_timestamp'],
  [EVENT('214', '"page_view"', `"timestamp": "not a timestamp"`), 'invalid_timestamp'],
  [EVENT('217', '"page_view"', `"timestamp": "2022-05-25"`), 'invalid_timestamp'],
  [EVENT('218', '"page_view"', `"customer-id": "C-1403", ${AT}`), 'invalid_customer_id'],
  [EVENT('219', '"page_view"', `"customer-id": "1403", ${AT}`), 'invalid_customer_id'],
  [EVENT('220', '"page_view"', `"customer-id": 14.5, ${AT}`), 'invalid_customer_id'],
  // several problems: the first check in the documented order wins
  ['{"id": "x", "type": "nope", "event": {}}', 'invalid_id'],
  [EVENT('221', '"nope"', `"customer-id": "x"`), 'unknown_type'],
  ['{"id": 222, "type": "search", "event": "oops"}', 'missing_timestamp'],
];

describe('the webshop raw_events seed', () => {
  let shop: ProjectCopy;
  beforeAll(async () => {
    shop = copyProject({ withCommittedEvents: false });
    writeFileSync(join(shop.dir, 'events.ndjson'), RECORDS.map(([r]) => r).join('\n') + '\n');
    const r = await build({
      projectDir: shop.dir,
      vars: { events_path: 'events.ndjson' },
      select: ['raw_events', 'stg_events_parsed'],
    });
    const built = r.results.filter((x) => x.kind === 'seed' || x.kind === 'model');
    expect(built.map((x) => [x.name, x.status])).toEqual([
      ['raw_events', 'success'],
      ['stg_events_parsed', 'success'],
    ]);
  });
  afterAll(() => shop.remove());

  const rows = async (sql: string) =>
    (await query(sql, { projectDir: shop.dir, vars: { events_path: 'events.ndjson' } })).rows;

  it('rejects each malformed record with the first failing check, blank lines aside', async () => {
    const expected = RECORDS.flatMap(([, reason], i) =>
      i === 4 ? [] : [{ n: i + 1, rejection_reason: reason }],
    );
    expect(
      await rows(
        'select record_number::int as n, rejection_reason from stg_events_parsed order by n',
      ),
    ).toEqual(expected);
    expect(
      await rows(
        `select record_number::int as n, load_error, raw is not null as has_raw from raw_events where record_number in (4, 5, 12) order by n`,
      ),
    ).toEqual([
      { n: 4, load_error: 'invalid_json', has_raw: true },
      { n: 5, load_error: 'blank_line', has_raw: true },
      { n: 12, load_error: 'invalid_type', has_raw: true },
    ]);
  });

  it('types the valid records: zones converted to UTC, non-integer positions dropped, products as text', async () => {
    // 07:44:03.648681 at +02:00 = 05:44:03.648681 UTC; 00:00 at -01:30 = 01:30 UTC
    expect(
      await rows(
        `select event_id::int as id, event_type, strftime(event_ts, '%Y-%m-%d %H:%M:%S.%f') as ts, customer_id::int as customer,
           page_path, referrer_host, product_id, position::int as position
         from stg_events_parsed where rejection_reason is null order by id`,
      ),
    ).toEqual([
      {
        id: 101,
        event_type: 'PAGE_VIEW',
        ts: '2022-05-25 05:44:03.648681',
        customer: 7,
        page_path: '/category/13',
        referrer_host: 'google.com',
        product_id: null,
        position: null,
      },
      {
        id: 102,
        event_type: 'ADD_PRODUCT_TO_CART',
        ts: '2022-05-26 01:30:00.000000',
        customer: null,
        page_path: null,
        referrer_host: null,
        product_id: '1060',
        position: null,
      },
      {
        id: 103,
        event_type: 'VISIT_RELATED_PRODUCT',
        ts: '2022-05-25 23:59:59.999999',
        customer: null,
        page_path: null,
        referrer_host: null,
        product_id: 'A',
        position: null,
      },
    ]);
  });
});
