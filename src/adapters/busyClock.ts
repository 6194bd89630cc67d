/**
 * Wall-clock time during which a database works for the run: statements in flight on any
 * connection, opening the database and closing it. Statements that overlap on concurrent
 * connections count once, so the run's wall time minus `seconds` is duckflow's own overhead
 * (a plain sum of statement times can exceed the wall time).
 */
export class BusyClock {
  private inFlight = 0;
  private since = 0;

  constructor(
    readonly stats: { statements: number; seconds: number },
    private readonly parent?: BusyClock,
  ) {}

  async time<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.inFlight++ === 0) this.since = performance.now();
    try {
      return await (this.parent ? this.parent.time(fn) : fn());
    } finally {
      if (--this.inFlight === 0) this.stats.seconds += (performance.now() - this.since) / 1000;
    }
  }
}

/** The same over every database the process opens (a run's target and its unit tests' scratch one). */
export const processClock = new BusyClock({ statements: 0, seconds: 0 });

/** Seconds the process has spent with some database at work; differences time a run. */
export function databaseBusySeconds(): number {
  return processClock.stats.seconds;
}
