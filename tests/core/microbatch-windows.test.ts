/** Microbatch windows as dbt 1.9 plans them (dbt-core's MicrobatchBuilder), worked out by hand. */
import { describe, expect, it } from 'vitest';
import {
  batches,
  ceiling,
  firstBatchStart,
  offset,
  truncate,
} from '../../src/materializations/microbatch/batches.ts';

const t = (iso: string) => new Date(`${iso}Z`);
const iso = (d: Date) => d.toISOString().slice(0, 19);

describe('microbatch windows', () => {
  const at = t('2024-09-17T16:06:00');

  it('truncates, offsets and ceils by hour, day, month and year', () => {
    expect(iso(truncate(at, 'hour'))).toBe('2024-09-17T16:00:00');
    expect(iso(truncate(at, 'month'))).toBe('2024-09-01T00:00:00');
    expect(iso(offset(at, 'hour', -1))).toBe('2024-09-17T15:00:00');
    expect(iso(offset(at, 'day', 1))).toBe('2024-09-18T00:00:00');
    expect(iso(offset(at, 'month', -1))).toBe('2024-08-01T00:00:00');
    expect(iso(offset(t('2024-01-31T00:00:00'), 'month', -1))).toBe('2023-12-01T00:00:00');
    expect(iso(offset(at, 'year', 1))).toBe('2025-01-01T00:00:00');
    expect(iso(ceiling(at, 'day'))).toBe('2024-09-18T00:00:00');
    expect(iso(ceiling(t('2024-09-17T00:00:00'), 'day'))).toBe('2024-09-17T00:00:00');
  });

  it('starts lookback periods before now, one more when now is on a boundary', () => {
    const start = (now: string, lookback: number) =>
      iso(firstBatchStart({ size: 'day', now: t(now), lookback, fresh: false }));
    expect(start('2024-10-01T06:00:00', 1)).toBe('2024-09-30T00:00:00');
    expect(start('2024-10-01T06:00:00', 0)).toBe('2024-10-01T00:00:00');
    // Midnight closes 09-30: it is the latest batch, and lookback 1 adds 09-29.
    expect(start('2024-10-01T00:00:00', 1)).toBe('2024-09-29T00:00:00');
  });

  it('starts at begin on a first build, at the window when one is given', () => {
    const base = { size: 'month' as const, now: at, lookback: 1 };
    expect(iso(firstBatchStart({ ...base, fresh: true, begin: t('2024-02-10T00:00:00') }))).toBe(
      '2024-02-01T00:00:00',
    );
    expect(
      iso(firstBatchStart({ ...base, fresh: false, windowStart: t('2023-05-20T00:00:00') })),
    ).toBe('2023-05-01T00:00:00');
    expect(() => firstBatchStart({ ...base, fresh: true })).toThrow(/needs 'begin'/);
  });

  it('splits a range into whole periods, the last ending exactly at the end', () => {
    expect(
      batches(t('2024-01-01T00:00:00'), t('2024-03-15T12:00:00'), 'month').map(
        (b) => `${iso(b.start)} ${iso(b.end)}`,
      ),
    ).toEqual([
      '2024-01-01T00:00:00 2024-02-01T00:00:00',
      '2024-02-01T00:00:00 2024-03-01T00:00:00',
      '2024-03-01T00:00:00 2024-03-15T12:00:00',
    ]);
    // A begin after now leaves nothing to build: an error, not an odd window.
    expect(() => batches(t('2030-01-01T00:00:00'), t('2026-12-01T00:00:00'), 'day')).toThrow(
      /no window to build: the first would start at 2030-01-01T00:00:00.000Z, not before the end 2026-12-01T00:00:00.000Z \(is begin in the future\?\)/,
    );
  });
});
