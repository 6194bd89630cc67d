import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SeedNode, TargetConfig } from '../project/types.ts';
import { seedSelect } from '../seeds/select.ts';
import { quoteIdent, sqlLiteral } from '../util/sql.ts';
import type { Adapter, Connection, Json, QueryResult, RelationType } from './types.ts';

/**
 * Wall-clock time during which DuckDB works for the run: statements in flight on any
 * connection, opening the database and closing it (the final checkpoint). Statements that
 * overlap on concurrent connections count once, so the run's wall time minus `seconds` is
 * duckflow's own overhead (a plain sum of statement times can exceed the wall time).
 */
class BusyClock {
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
const processClock = new BusyClock({ statements: 0, seconds: 0 });

/** Seconds the process has spent with some DuckDB database at work; differences time a run. */
export function databaseBusySeconds(): number {
  return processClock.stats.seconds;
}

class DuckDBConn implements Connection {
  constructor(
    private readonly conn: DuckDBConnection,
    private readonly clock: BusyClock,
  ) {}

  private async timed<T>(fn: () => Promise<T>): Promise<T> {
    this.clock.stats.statements++;
    return this.clock.time(fn);
  }

  async run(sql: string): Promise<number | undefined> {
    return this.timed(async () => {
      const result = await this.conn.run(sql);
      const changed = result.rowsChanged;
      return typeof changed === 'number' ? changed : Number(changed);
    });
  }

  async query(sql: string): Promise<QueryResult> {
    return this.timed(async () => {
      const reader = await this.conn.runAndReadAll(sql);
      return {
        columns: reader.columnNames(),
        types: reader.columnTypes().map((t) => t.toString()),
        rows: reader.getRowObjectsJson() as Record<string, Json>[],
      };
    });
  }

  interrupt(): void {
    this.conn.interrupt();
  }

  close(): void {
    this.conn.closeSync();
  }
}

export class DuckDBAdapter implements Adapter {
  readonly type = 'duckdb';
  readonly stats = { statements: 0, seconds: 0 };
  private readonly clock = new BusyClock(this.stats, processClock);
  private readonly idle: DuckDBConn[] = [];
  private readonly all: DuckDBConn[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    openSeconds = 0,
  ) {
    this.stats.seconds += openSeconds;
  }

  static async open(target: TargetConfig): Promise<DuckDBAdapter> {
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    const options: Record<string, string> = {};
    if (target.memory_limit) options.memory_limit = target.memory_limit;
    if (target.temp_directory) options.temp_directory = target.temp_directory;
    for (const [k, v] of Object.entries(target.settings)) options[k] = String(v);
    // Loaded on first use: commands that never open the database (ls, compile) start faster.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const started = performance.now();
    const instance = await processClock.time(() => DuckDBInstance.create(target.path, options));
    return new DuckDBAdapter(instance, (performance.now() - started) / 1000);
  }

  async withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    let conn = this.idle.pop();
    if (!conn) {
      conn = new DuckDBConn(await this.instance.connect(), this.clock);
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

  async close(): Promise<void> {
    for (const c of this.all) c.close();
    this.all.length = 0;
    this.idle.length = 0;
    await this.clock.time(() => this.instance.closeSync());
  }

  quote(identifier: string): string {
    return quoteIdent(identifier);
  }

  relation(schema: string, name: string): string {
    return `${quoteIdent(schema)}.${quoteIdent(name)}`;
  }

  async relationType(
    conn: Connection,
    schema: string,
    name: string,
  ): Promise<RelationType | undefined> {
    const { rows } = await conn.query(
      `select table_type from information_schema.tables where table_schema = ${sqlLiteral(schema)} and table_name = ${sqlLiteral(name)}`,
    );
    if (rows.length === 0) return undefined;
    return rows[0].table_type === 'VIEW' ? 'view' : 'table';
  }

  async columns(
    conn: Connection,
    schema: string,
    name: string,
  ): Promise<{ name: string; type: string }[]> {
    const { rows } = await conn.query(
      `select column_name, data_type from information_schema.columns where table_schema = ${sqlLiteral(schema)} and table_name = ${sqlLiteral(name)} order by ordinal_position`,
    );
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.data_type) }));
  }

  async seedSelect(seed: SeedNode): Promise<string> {
    return seedSelect(seed);
  }

  async version(): Promise<string> {
    return this.withConnection(async (c) =>
      String((await c.query('select version() as v')).rows[0].v),
    );
  }
}
