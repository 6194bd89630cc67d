/**
 * Random webshop event exports for the incremental property test: per-customer timelines with
 * gaps at and around the session threshold (T−1, T, T+1 µs), equal timestamps, anonymous
 * events, exact duplicates (possibly arriving in another batch than the original) and
 * conflicting duplicates (same id, other content, in the same batch), every event assigned to
 * a random batch and every batch in random line order, so that later batches bring events
 * before, between and after the sessions built so far.
 */
import fc from 'fast-check';

const MINUTE_US = 60_000_000;
/** 2024-03-10 23:00:00 UTC: timelines start within 2 hours of it, so some cross midnight. */
const BASE_US = Date.UTC(2024, 2, 10, 23, 0, 0) * 1000;
const TYPES = ['page_view', 'search', 'add_product_to_cart', 'visit_related_product'];

/** true about once in `odds` + 1 draws. */
const rarely = (odds: number) =>
  fc.oneof(
    { weight: odds, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  );

export function batchesArbitrary(gapMinutes: number, maxBatches: number) {
  const gapUs = gapMinutes * MINUTE_US;
  const gap = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0, 1, gapUs - 1, gapUs, gapUs + 1) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: gapUs }) },
    { weight: 2, arbitrary: fc.integer({ min: gapUs + 1, max: 6 * 60 * MINUTE_US }) },
  );
  const event = fc.record({
    gap,
    type: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...TYPES) },
      { weight: 1, arbitrary: fc.constant('placed_order') },
    ),
    referred: fc.boolean(),
    batch: fc.nat(maxBatches - 1),
    /** Where the event's line goes in its batch's file. */
    position: fc.double({ min: 0, max: 1, noNaN: true }),
    /** An exact copy in this batch, or none. */
    duplicateIn: fc.option(fc.nat(maxBatches - 1), { freq: 6 }),
    /** A record with the same id and another timestamp, in the same batch. */
    conflicting: rarely(8),
  });
  const timeline = fc.record({
    startOffset: fc.integer({ min: 0, max: 2 * 60 * MINUTE_US }),
    anonymous: rarely(4),
    events: fc.array(event, { minLength: 1, maxLength: 7 }),
  });
  return fc.array(timeline, { minLength: 1, maxLength: 4 }).map((timelines) => {
    const batches: { position: number; line: string }[][] = Array.from(
      { length: maxBatches },
      () => [],
    );
    let id = 1000;
    timelines.forEach((t, customer) => {
      let us = BASE_US + t.startOffset;
      for (const e of t.events) {
        us += e.gap;
        id += 1;
        const line = (timestampUs: number) =>
          JSON.stringify({
            id,
            type: e.type,
            event: {
              'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0',
              ip: '10.0.0.1',
              'customer-id': t.anonymous ? null : customer + 1,
              timestamp: isoUs(timestampUs),
              page: `https://xcc-webshop.com/products/${id % 5}`,
              ...(e.referred ? { referrer: 'https://www.google.com/search?q=lamp' } : {}),
            },
          });
        batches[e.batch].push({ position: e.position, line: line(us) });
        if (e.conflicting) batches[e.batch].push({ position: 1 - e.position, line: line(us + 1) });
        else if (e.duplicateIn !== null)
          batches[e.duplicateIn].push({ position: 1 - e.position, line: line(us) });
      }
    });
    return batches
      .filter((b) => b.length > 0)
      .map((b) => b.sort((x, y) => x.position - y.position).map((r) => r.line));
  });
}

/** A UTC instant in microseconds as the export writes it: 2024-03-10T23:00:00.000001. */
function isoUs(us: number): string {
  const seconds = new Date(Math.floor(us / 1000)).toISOString().slice(0, 19);
  return `${seconds}.${String(us % 1_000_000).padStart(6, '0')}`;
}
