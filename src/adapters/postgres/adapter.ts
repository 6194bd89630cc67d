import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { RelationType } from '../../core/dialect.ts';
import type { SeedNode } from '../../core/nodes.ts';
import type { TableRelation } from '../../core/relation.ts';
import type { Json, QueryResult } from '../../core/results.ts';
import { BusyClock, processClock } from '../busyClock.ts';
import { FileRows } from '../duckdb/fileRows.ts';
import type { GzipChecks } from '../duckdb/seeds/gzipChecks.ts';
import { relationTypeOf } from '../informationSchema.ts';
import type { Adapter, Column, Connection, NodeSettings } from '../types.ts';
import { applyPostgresSettings } from './settings.ts';
import { postgresDialect } from './dialect.ts';
import type { PostgresTarget } from './target.ts';
import { duckdbType, postgresType } from './types.ts';

// Dates and times come back as the server's text, as DuckDB's JSON rows give them: a JS Date
// would drop microseconds and shift by the client's time zone.
const TEXT_TYPES = new Set([1082, 1083, 1114, 1184, 1266]);
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    TEXT_TYPES.has(oid)
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

class PgConn implements Connection {
  constructor(
    readonly client: pg.PoolClient,
    private readonly clock: BusyClock,
    private readonly adapter: PostgresAdapter,
  ) {}

  private timed<T>(fn: () => Promise<T>): Promise<T> {
    this.clock.stats.statements++;
    return this.clock.time(fn);
  }

  async run(sql: string): Promise<number | undefined> {
    return this.timed(async () => {
      const result = (await this.client.query(sql)) as pg.QueryResult | pg.QueryResult[];
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return last?.rowCount ?? undefined;
    });
  }

  async query(sql: string): Promise<QueryResult> {
    return this.timed(async () => {
      const result = await this.client.query({ text: sql, rowMode: 'array' });
      const columns = result.fields.map((f) => f.name);
      return {
        columns,
        types: await this.adapter.typeNames(this.client, result.fields),
        rows: result.rows.map((values: unknown[]) =>
          Object.fromEntries(columns.map((c, i) => [c, values[i] as Json])),
        ),
      };
    });
  }

  /** Stream a CSV file into `table` with COPY: the server parses it, in bulk. */
  async copyCsv(table: string, columns: string[], file: string): Promise<number> {
    return this.timed(async () => {
      const stream = this.client.query(
        copyFrom(`copy ${table} (${columns.join(', ')}) from stdin with (format csv, null '\\N')`),
      );
      await pipeline(createReadStream(file), stream);
      return Number(stream.rowCount ?? 0);
    });
  }

  interrupt(): void {
    this.adapter.cancel(this.client);
  }
}

/** A PostgreSQL server through `pg`: a pool of one connection per thread. */
export class PostgresAdapter implements Adapter {
  readonly type = 'postgres';
  readonly dialect = postgresDialect;
  readonly stats = { statements: 0, seconds: 0 };
  private readonly clock = new BusyClock(this.stats, processClock);
  private readonly busy = new Set<pg.PoolClient>();
  private readonly typeCache = new Map<string, string>();
  private files: FileRows | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly target: PostgresTarget,
  ) {}

  static async open(target: PostgresTarget): Promise<PostgresAdapter> {
    const pool = new pg.Pool({
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      database: target.database,
      max: target.threads,
      types,
    });
    // A pool connects lazily: fail here, with the server's own words, when it cannot be reached.
    const adapter = new PostgresAdapter(pool, target);
    await adapter.withConnection((c) => c.run('select 1'));
    return adapter;
  }

  async withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    this.busy.add(client);
    let broken: Error | undefined;
    try {
      return await fn(new PgConn(client, this.clock, this));
    } catch (e) {
      // A connection left inside a failed transaction is of no use to the next node.
      broken = await client
        .query('rollback')
        .then(() => undefined)
        .catch((err: Error) => err);
      throw e;
    } finally {
      this.busy.delete(client);
      client.release(broken);
    }
  }

  /** Ask the server to stop a connection's statement (Ctrl-C); from another connection, as it must. */
  cancel(client: pg.PoolClient): void {
    const pid = (client as unknown as { processID?: number }).processID;
    if (pid === undefined) return;
    const canceller = new pg.Client({ ...this.pool.options });
    canceller
      .connect()
      .then(() => canceller.query(`select pg_cancel_backend(${pid})`))
      .catch(() => undefined)
      .finally(() => canceller.end().catch(() => undefined));
  }

  interruptAll(): void {
    for (const client of this.busy) this.cancel(client);
  }

  async close(): Promise<void> {
    await this.files?.close();
    await this.pool.end();
  }

  /** Type names of result columns, as the server writes them (`numeric(18,6)`), cached by OID. */
  async typeNames(client: pg.PoolClient, fields: pg.FieldDef[]): Promise<string[]> {
    const key = (f: pg.FieldDef) => `${f.dataTypeID}:${f.dataTypeModifier}`;
    const missing = fields.filter((f) => !this.typeCache.has(key(f)));
    if (missing.length > 0) {
      const { rows } = await client.query(
        'select format_type(t.oid, t.mod) as name from unnest($1::oid[], $2::int[]) as t(oid, mod)',
        [missing.map((f) => f.dataTypeID), missing.map((f) => f.dataTypeModifier)],
      );
      missing.forEach((f, i) => this.typeCache.set(key(f), String(rows[i].name)));
    }
    return fields.map((f) => this.typeCache.get(key(f))!);
  }

  relationType(conn: Connection, r: TableRelation): Promise<RelationType | undefined> {
    return relationTypeOf(conn, this.dialect, r);
  }

  async columns(conn: Connection, r: TableRelation): Promise<Column[]> {
    const { rows } = await conn.query(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a where a.attrelid = to_regclass(${this.dialect.literal(this.dialect.relation(r))}) and a.attnum > 0 and not a.attisdropped order by a.attnum`,
    );
    return rows.map((row) => ({ name: String(row.name), type: String(row.type) }));
  }

  async describe(conn: Connection, select: string): Promise<Column[]> {
    const { columns, types } = await conn.query(
      `select * from (\n${select}\n) as described limit 0`,
    );
    return columns.map((name, i) => ({ name, type: types[i] }));
  }

  /** DuckDB reads the file (its readers, one place for all formats); the rows arrive by COPY. */
  loadSeed(
    conn: Connection,
    seed: SeedNode,
    into: TableRelation,
    gzipChecks: GzipChecks,
  ): Promise<number> {
    this.files ??= new FileRows();
    return this.files.exportSeed(seed, gzipChecks, (columns, file) =>
      this.create(conn, columns, file, this.dialect.relation(into), 'table'),
    );
  }

  async describeRows(_conn: Connection, select: string): Promise<Column[]> {
    this.files ??= new FileRows();
    return (await this.files.describe(select)).map((c) => ({ ...c, type: postgresType(c.type) }));
  }

  async loadRows(conn: Connection, name: string, select: string): Promise<void> {
    this.files ??= new FileRows();
    await this.files.export(select, (columns, file) =>
      this.create(conn, columns, file, this.dialect.quote(name), 'temporary table'),
    );
  }

  readerType(type: string): string {
    return duckdbType(type);
  }

  /** Rows DuckDB produced, in a new table here created with their types, filled by COPY. */
  private async create(
    conn: Connection,
    columns: Column[],
    file: string,
    target: string,
    kind: 'table' | 'temporary table',
  ): Promise<number> {
    const quoted = columns.map((c) => this.dialect.quote(c.name));
    await conn.run(
      `create ${kind} ${target} (${columns.map((c, i) => `${quoted[i]} ${postgresType(c.type)}`).join(', ')})`,
    );
    return (conn as PgConn).copyCsv(target, quoted, file);
  }

  applySettings(conn: Connection, settings: NodeSettings): Promise<() => Promise<void>> {
    return applyPostgresSettings(conn, settings);
  }

  async version(): Promise<string> {
    return this.withConnection(async (c) =>
      String((await c.query('select version() as v')).rows[0].v),
    );
  }

  explainError(
    error: unknown,
    statement: string,
  ): { summary: string; line?: number; near?: string } {
    const e = error as Error & { position?: string };
    const summary = (e.message ?? String(error)).split('\n')[0];
    if (!e.position) return { summary };
    // The server's position is a 1-based character offset into the statement.
    const offset = Number(e.position) - 1;
    const near = statement.slice(offset).split('\n')[0].slice(0, 40) || undefined;
    return { summary, line: statement.slice(0, offset).split('\n').length, near };
  }

  toString(): string {
    return `postgres ${this.target.host}:${this.target.port}/${this.target.database}`;
  }
}
