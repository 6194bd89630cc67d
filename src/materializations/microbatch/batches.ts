/**
 * Microbatch windows, as dbt 1.9 plans them (dbt-core's MicrobatchBuilder), in UTC: batches are
 * whole hours, days, months or years; the last one ends at the end of the period holding `now`.
 */
export type BatchSize = 'hour' | 'day' | 'month' | 'year';

export const BATCH_SIZES: BatchSize[] = ['hour', 'day', 'month', 'year'];

export interface Batch {
  start: Date;
  end: Date;
}

export function truncate(t: Date, size: BatchSize): Date {
  const y = t.getUTCFullYear();
  if (size === 'year') return new Date(Date.UTC(y, 0, 1));
  const m = t.getUTCMonth();
  if (size === 'month') return new Date(Date.UTC(y, m, 1));
  const d = t.getUTCDate();
  if (size === 'day') return new Date(Date.UTC(y, m, d));
  return new Date(Date.UTC(y, m, d, t.getUTCHours()));
}

/** The start of the period `n` periods after the one holding `t`. */
export function offset(t: Date, size: BatchSize, n: number): Date {
  const s = truncate(t, size);
  const [y, m, d, h] = [s.getUTCFullYear(), s.getUTCMonth(), s.getUTCDate(), s.getUTCHours()];
  if (size === 'year') return new Date(Date.UTC(y + n, 0, 1));
  if (size === 'month') return new Date(Date.UTC(y, m + n, 1));
  if (size === 'day') return new Date(Date.UTC(y, m, d + n));
  return new Date(Date.UTC(y, m, d, h + n));
}

/** `t` itself when it starts a period, else the start of the next period. */
export function ceiling(t: Date, size: BatchSize): Date {
  const s = truncate(t, size);
  return s.getTime() === t.getTime() ? s : offset(s, size, 1);
}

/**
 * Where a run's batches start: the window's start when given (a backfill), `begin` on a first
 * build or full refresh, else `lookback` periods before the one holding `now`.
 */
export function firstBatchStart(args: {
  size: BatchSize;
  now: Date;
  lookback: number;
  begin?: Date;
  fresh: boolean;
  windowStart?: Date;
}): Date {
  const { size, now, lookback } = args;
  if (args.windowStart) return truncate(args.windowStart, size);
  if (args.fresh) {
    if (!args.begin)
      throw new Error(
        `a microbatch model's first build needs 'begin' (when its data starts), or --event-time-start/--event-time-end`,
      );
    return truncate(args.begin, size);
  }
  // A `now` on a period boundary closes the previous period: that one is the latest batch.
  return offset(now, size, -(lookback + (truncate(now, size).getTime() === now.getTime() ? 1 : 0)));
}

/** Consecutive windows from `start` to `end`; the last one ends exactly at `end`. */
export function batches(start: Date, end: Date, size: BatchSize): Batch[] {
  if (start >= end)
    throw new Error(
      `no window to build: the first would start at ${start.toISOString()}, not before the end ${end.toISOString()} (is begin in the future?)`,
    );
  const out: Batch[] = [];
  let from = start;
  do {
    const to = offset(from, size, 1);
    out.push({ start: from, end: to });
    from = to;
  } while (from < end);
  out[out.length - 1].end = end;
  return out;
}

/** `2024-10-01` for a day, `2024-10-01T16` for an hour: how run lines name a batch. */
export function batchId(b: Batch, size: BatchSize): string {
  const iso = b.start.toISOString();
  if (size === 'hour') return iso.slice(0, 13);
  if (size === 'day') return iso.slice(0, 10);
  if (size === 'month') return iso.slice(0, 7);
  return iso.slice(0, 4);
}
