/**
 * Connections kept for reuse: one per node running at once (the runner never runs more than
 * the target's threads), opened on first need.
 */
export class ConnectionPool<C extends { interrupt(): void }> {
  private readonly idle: C[] = [];
  /** Every connection opened, busy or not. */
  readonly all: C[] = [];

  constructor(private readonly open: () => Promise<C>) {}

  async use<T>(fn: (conn: C) => Promise<T>): Promise<T> {
    let conn = this.idle.pop();
    if (!conn) {
      conn = await this.open();
      this.all.push(conn);
    }
    try {
      return await fn(conn);
    } finally {
      this.idle.push(conn);
    }
  }

  interruptAll(): void {
    for (const c of this.all) c.interrupt();
  }

  /** Forget every connection (the caller has closed them). */
  clear(): void {
    this.all.length = 0;
    this.idle.length = 0;
  }
}
