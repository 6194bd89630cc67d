/**
 * Property tests of the webshop sessionization: random per-customer event timelines (with gaps
 * of exactly the threshold and one microsecond either side, equal timestamps, midnight
 * crossings, anonymous events, purchases) go through the project's real `session_events`,
 * `sessions`, `customer_journeys` and `sessionization_checks` SQL, compiled by duckflow from
 * the repository's models and run on one shared in-memory DuckDB, and invariants are checked
 * against the generated input for every case.
 */
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession } from '../../src/api.ts';
import { Compiler } from '../../src/compile/compiler.ts';
import type { ModelNode } from '../../src/core/nodes.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MINUTE_US = 60_000_000;
const RUNS = 100;

const session = openSession({ projectDir: ROOT });
const GAP_MINUTES = Number(session.project.vars.session_gap_minutes ?? 30);
const GAP_US = GAP_MINUTES * MINUTE_US;
const compiler = new Compiler(session.project, session.renderer);
const modelSql = (name: string): string => {
  const model = session.project.models.get(name);
  if (!model) throw new Error(`model ${name} not found in ${ROOT}`);
  return compiler.compileModel(model as ModelNode).sql;
};
/** Models in dependency order; refs compile to "main"."<name>", the tables made here. */
const MODELS = ['session_events', 'sessions', 'customer_journeys', 'sessionization_checks'];
const SQL = Object.fromEntries(MODELS.map((m) => [m, modelSql(m)]));

// ---------------------------------------------------------------------------------------------
// Generated input

const TYPES = [
  'PAGE_VIEW',
  'SEARCH',
  'ADD_PRODUCT_TO_CART',
  'VISIT_RELATED_PRODUCT',
  'PLACED_ORDER',
];
const REFERRERS: [string, string][] = [
  ['https://www.google.com/search?q=lamp', 'google.com'],
  ['https://l.facebook.com/l.php?u=x', 'l.facebook.com'],
  ['https://unknown-blog.example/post', 'unknown-blog.example'],
];
/** 2024-03-10 23:00:00 UTC: timelines start within 2 hours of it, so many cross midnight. */
const BASE_US = Date.UTC(2024, 2, 10, 23, 0, 0) * 1000;

/** Gaps between a customer's consecutive events, biased to the boundaries. */
const gap = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0, 1, GAP_US - 1, GAP_US, GAP_US + 1) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: GAP_US }) },
  { weight: 2, arbitrary: fc.integer({ min: GAP_US + 1, max: 3 * 24 * 60 * MINUTE_US }) },
);
const eventTail = fc.record({
  type: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...TYPES.slice(0, 4)) },
    { weight: 1, arbitrary: fc.constant('PLACED_ORDER') },
  ),
  referrer: fc.option(fc.constantFrom(...REFERRERS), { freq: 4 }),
  /** Orders event ids independently of time, so equal timestamps are broken by a random id order. */
  idKey: fc.integer({ min: 0, max: 999 }),
});
const timeline = fc.record({
  startOffset: fc.integer({ min: 0, max: 2 * 60 * MINUTE_US }),
  events: fc.array(fc.tuple(gap, eventTail), { minLength: 1, maxLength: 12 }),
});
const input = fc.record({
  customers: fc.array(timeline, { minLength: 1, maxLength: 4 }),
  anonymous: fc.array(fc.tuple(fc.integer({ min: 0, max: 6 * 60 * MINUTE_US }), eventTail), {
    maxLength: 4,
  }),
});

interface Event {
  eventId: number;
  customerId: number | null;
  tsUs: number;
  type: string;
  referrer: [string, string] | null;
}

type Generated = typeof input extends fc.Arbitrary<infer T> ? T : never;

function eventsOf(generated: Generated): Event[] {
  const events: Event[] = [];
  let n = 0;
  // event_id = idKey * 10_000 + n: unique, and unrelated to time order
  const id = (idKey: number) => idKey * 10_000 + ++n;
  generated.customers.forEach((c, i) => {
    let ts = BASE_US + c.startOffset;
    c.events.forEach(([g, e], j) => {
      if (j > 0) ts += g;
      events.push({
        eventId: id(e.idKey),
        customerId: 100 + i,
        tsUs: ts,
        type: e.type,
        referrer: e.referrer,
      });
    });
  });
  for (const [offset, e] of generated.anonymous)
    events.push({
      eventId: id(e.idKey),
      customerId: null,
      tsUs: BASE_US + offset,
      type: e.type,
      referrer: e.referrer,
    });
  return events;
}

// ---------------------------------------------------------------------------------------------
// Running the models

let instance: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await conn.run(`create table main.stg_events (
    event_id bigint, event_type varchar, event_ts timestamp, customer_id bigint, user_agent varchar,
    ip varchar, page_url varchar, page_path varchar, referrer_url varchar, referrer_host varchar,
    search_query varchar, product_id varchar, position bigint, record_number bigint,
    source_record_count bigint)`);
  await conn.run(
    `create table main.referrer_channels as select * from read_csv(${sqlString(join(ROOT, 'seeds/referrer_channels.csv'))}, header = true, all_varchar = true)`,
  );
});

afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

async function runModels(events: Event[]): Promise<void> {
  await conn.run('delete from main.stg_events');
  const values = events.map(
    (e) =>
      `(${e.eventId}, '${e.type}', make_timestamp(${e.tsUs}::bigint), ${e.customerId ?? 'null'}, ` +
      `'/p', ${e.referrer ? sqlString(e.referrer[0]) : 'null'}, ${e.referrer ? sqlString(e.referrer[1]) : 'null'}, ` +
      `'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', 1)`,
  );
  await conn.run(
    `insert into main.stg_events (event_id, event_type, event_ts, customer_id, page_path, referrer_url, referrer_host, user_agent, source_record_count) values ${values.join(', ')}`,
  );
  for (const model of MODELS)
    await conn.run(`create or replace table main.${model} as ${SQL[model]}`);
}

// ---------------------------------------------------------------------------------------------
// Invariants

/** '%Y-%m-%dT%H:%M:%S.%f' of a microsecond epoch, as session_id hashes it. */
function formatUs(us: number): string {
  const micros = String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
  return `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${micros}`;
}
/** Exact DECIMAL(18, 6) text of a microsecond count (non-negative). */
const secondsText = (us: number) =>
  `${Math.floor(us / 1_000_000)}.${String(us % 1_000_000).padStart(6, '0')}`;

/** Map.groupBy, which Node 20 lacks. */
function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const byTime = (a: { tsUs: number; eventId: number }, b: { tsUs: number; eventId: number }) =>
  a.tsUs - b.tsUs || a.eventId - b.eventId;

async function checkInvariants(events: Event[]): Promise<void> {
  const loggedIn = events.filter((e) => e.customerId !== null);
  const inputById = new Map(events.map((e) => [e.eventId, e]));

  const sessionEvents = (
    await rows(`select event_id, customer_id, session_id, session_number, event_number_in_session,
        epoch_us(event_ts) as ts_us, is_session_start, is_purchase from main.session_events`)
  ).map((r) => ({
    eventId: Number(r.event_id),
    customerId: Number(r.customer_id),
    sessionId: String(r.session_id),
    sessionNumber: Number(r.session_number),
    numberInSession: Number(r.event_number_in_session),
    tsUs: Number(r.ts_us),
    isStart: r.is_session_start as boolean,
    isPurchase: r.is_purchase as boolean,
  }));
  const sessions = (
    await rows(`select session_id, customer_id, session_number, epoch_us(session_start) as start_us,
        epoch_us(session_end) as end_us, duration_seconds::varchar as duration, event_count,
        has_purchase, channel, referrer_url is null as no_referrer from main.sessions`)
  ).map((r) => ({
    sessionId: String(r.session_id),
    customerId: Number(r.customer_id),
    sessionNumber: Number(r.session_number),
    startUs: Number(r.start_us),
    endUs: Number(r.end_us),
    duration: String(r.duration),
    eventCount: Number(r.event_count),
    hasPurchase: r.has_purchase as boolean,
    channel: String(r.channel),
    noReferrer: r.no_referrer as boolean,
  }));
  const journeys = new Map(
    (
      await rows(
        'select customer_id, has_purchased, sessions_before_first_purchase, session_count from main.customer_journeys',
      )
    ).map((r) => [
      Number(r.customer_id),
      {
        hasPurchased: r.has_purchased as boolean,
        before:
          r.sessions_before_first_purchase === null
            ? null
            : Number(r.sessions_before_first_purchase),
        sessionCount: Number(r.session_count),
      },
    ]),
  );

  // Every logged-in event is in exactly one session; anonymous events in none.
  expect(sessionEvents.map((e) => e.eventId).sort((a, b) => a - b)).toEqual(
    loggedIn.map((e) => e.eventId).sort((a, b) => a - b),
  );
  for (const e of sessionEvents) {
    expect(e.customerId).toBe(inputById.get(e.eventId)!.customerId);
    expect(e.tsUs).toBe(inputById.get(e.eventId)!.tsUs);
    expect(e.isPurchase).toBe(inputById.get(e.eventId)!.type === 'PLACED_ORDER');
  }
  expect(sessions.reduce((sum, s) => sum + s.eventCount, 0)).toBe(loggedIn.length);

  const sessionById = new Map(sessions.map((s) => [s.sessionId, s]));
  expect(sessionById.size).toBe(sessions.length);
  const eventsBySession = groupBy(sessionEvents, (e) => e.sessionId);
  expect(new Set(eventsBySession.keys())).toEqual(new Set(sessionById.keys()));

  for (const [sessionId, members] of eventsBySession) {
    const s = sessionById.get(sessionId)!;
    members.sort(byTime);
    // Within a session every consecutive gap is <= the threshold.
    for (let i = 1; i < members.length; i++)
      expect(members[i].tsUs - members[i - 1].tsUs).toBeLessThanOrEqual(GAP_US);
    // Positions 1..k in (event_ts, event_id) order; only the first is a session start.
    expect(members.map((m) => m.numberInSession)).toEqual(members.map((_, i) => i + 1));
    expect(members.map((m) => m.isStart)).toEqual(members.map((_, i) => i === 0));
    for (const m of members) {
      expect(m.customerId).toBe(s.customerId);
      expect(m.sessionNumber).toBe(s.sessionNumber);
    }
    // Start, end, exact duration = end - start >= 0, event count, purchase flag.
    expect(s.startUs).toBe(members[0].tsUs);
    expect(s.endUs).toBe(members[members.length - 1].tsUs);
    expect(s.endUs - s.startUs).toBeGreaterThanOrEqual(0);
    expect(s.duration).toBe(secondsText(s.endUs - s.startUs));
    expect(s.eventCount).toBe(members.length);
    expect(s.hasPurchase).toBe(members.some((m) => m.isPurchase));
    expect(s.noReferrer).toBe(s.channel === 'direct');
    // Deterministic id: md5 of customer and start, whatever else is in the data.
    expect(sessionId).toBe(
      createHash('md5')
        .update(`${s.customerId}|${formatUs(s.startUs)}`)
        .digest('hex'),
    );
  }

  const sessionsByCustomer = groupBy(sessions, (s) => s.customerId);
  for (const [customerId, own] of sessionsByCustomer) {
    own.sort((a, b) => a.sessionNumber - b.sessionNumber);
    // session_number contiguous from 1, in time order; consecutive sessions more than the threshold apart.
    expect(own.map((s) => s.sessionNumber)).toEqual(own.map((_, i) => i + 1));
    for (let i = 1; i < own.length; i++) {
      expect(own[i].startUs).toBeGreaterThanOrEqual(own[i - 1].endUs);
      expect(own[i].startUs - own[i - 1].endUs).toBeGreaterThan(GAP_US);
    }
    // sessions_before_first_purchase = sessions started before the session of the first purchase.
    const purchases = sessionEvents
      .filter((e) => e.customerId === customerId && e.isPurchase)
      .sort(byTime);
    const journey = journeys.get(customerId)!;
    expect(journey.sessionCount).toBe(own.length);
    expect(journey.hasPurchased).toBe(purchases.length > 0);
    if (purchases.length === 0) expect(journey.before).toBeNull();
    else {
      const firstPurchaseStart = sessionById.get(purchases[0].sessionId)!.startUs;
      expect(journey.before).toBe(own.filter((s) => s.startUs < firstPurchaseStart).length);
    }
  }
  expect(journeys.size).toBe(sessionsByCustomer.size);

  // The data tests' own invariants hold as well.
  const [checks] = await rows('select * from main.sessionization_checks');
  expect(Number(checks.logged_in_event_count)).toBe(loggedIn.length);
  expect(Number(checks.session_event_count)).toBe(loggedIn.length);
  expect(Number(checks.events_in_sessions)).toBe(loggedIn.length);
  expect(Number(checks.session_count)).toBe(sessions.length);
  expect(Number(checks.gaps_over_threshold_inside_sessions)).toBe(0);
  expect(Number(checks.session_starts_within_threshold)).toBe(0);
  expect(Number(checks.sessions_within_threshold_of_previous)).toBe(0);
  expect(Number(checks.customers_with_non_contiguous_session_numbers)).toBe(0);
}

/** The reference cut, written independently: a new session when the gap exceeds the threshold. */
function expectedSessionCount(events: Event[]): number {
  let count = 0;
  for (const own of groupBy(
    events.filter((e) => e.customerId !== null),
    (e) => e.customerId,
  ).values()) {
    own.sort(byTime);
    count += 1 + own.slice(1).filter((e, i) => e.tsUs - own[i].tsUs > GAP_US).length;
  }
  return count;
}

describe('sessionization properties', () => {
  it(`holds the sessionization invariants on ${RUNS} random timelines`, async () => {
    await fc.assert(
      fc.asyncProperty(input, async (generated) => {
        const events = eventsOf(generated);
        await runModels(events);
        await checkInvariants(events);
        const [{ n }] = await rows('select count(*) as n from main.sessions');
        expect(Number(n)).toBe(expectedSessionCount(events));
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps session ids when the same events are sessionized again in another order', async () => {
    await fc.assert(
      fc.asyncProperty(input, async (generated) => {
        const events = eventsOf(generated);
        await runModels(events);
        const first = await rows(
          'select event_id, session_id from main.session_events order by event_id',
        );
        await runModels([...events].reverse());
        expect(
          await rows('select event_id, session_id from main.session_events order by event_id'),
        ).toEqual(first);
      }),
      { numRuns: 20 },
    );
  });
});
