import { randomBytes } from 'node:crypto';
import { dirname, relative, sep } from 'node:path';
import type { Dialect, RelationType } from '../../core/dialect.ts';
import type { SeedNode } from '../../core/nodes.ts';
import type { TableRelation } from '../../core/relation.ts';
import type { Json, QueryResult } from '../../core/results.ts';
import { BusyClock, processClock } from '../busyClock.ts';
import { FileRows, type ExportFormat } from '../duckdb/fileRows.ts';
import type { GzipChecks } from '../duckdb/seeds/gzipChecks.ts';
import { relationTypeOf } from '../informationSchema.ts';
import { ConnectionPool } from '../pool.ts';
import type { Adapter, Column, Connection, NodeSettings } from '../types.ts';
import { TrinoClient, TrinoQueryError } from './client.ts';
import { trinoDialect } from './dialect.ts';
import { retryVanishedListing } from './listing.ts';
import { trinoUrl, type TrinoTarget } from './target.ts';
import { duckdbType, stagedType, trinoType } from './types.ts';

// Trino has no temporary tables: the statements that ask for one (unit tests' fixtures) get a
// table of the connection's own schema instead, which they drop when done.
const TEMPORARY = /^\s*create\s+temp(?:orary)?\s+table\b/i;

/**
 * A time or timestamp as DuckDB and PostgreSQL write it: Trino pads the fraction to the type's
 * precision (`08:10:44.221640`), they stop at its last digit (`08:10:44.22164`).
 */
const timeText = (value: string | null) =>
  value === null ? null : value.replace(/(\.\d*?)0+(?=$|[ +-])/, '$1').replace(/\.(?=$|[ +-])/, '');

class TrinoConn implements Connection {
  constructor(
    readonly client: TrinoClient,
    /** The schema unqualified names resolve to: where this connection's own tables go. */
    readonly schema: string,
    private readonly clock: BusyClock,
  ) {}

  private timed<T>(fn: () => Promise<T>): Promise<T> {
    this.clock.stats.statements++;
    return this.clock.time(fn);
  }

  async run(sql: string): Promise<number | undefined> {
    return this.timed(
      async () => (await this.client.query(sql.replace(TEMPORARY, 'create table'))).updateCount,
    );
  }

  async query(sql: string): Promise<QueryResult> {
    return this.timed(async () => {
      const result = await retryVanishedListing(sql, () => this.client.query(sql));
      const columns = result.columns.map((c) => c.name);
      const times = result.columns.map((c) => /^time/.test(c.type));
      return {
        columns,
        types: result.columns.map((c) => c.type),
        rows: result.rows.map((values) =>
          Object.fromEntries(
            columns.map((c, i) => [
              c,
              times[i] ? timeText(values[i] as string | null) : (values[i] as Json),
            ]),
          ),
        ),
      };
    });
  }

  interrupt(): void {
    void this.client.cancelAll();
  }

  /** The session properties of this connection's statements from now on. */
  async setSession(properties: Record<string, string>): Promise<void> {
    this.client.setSessionProperties(properties);
  }
}

/**
 * A Trino cluster through its REST protocol. Connections are clients (HTTP is stateless): one per
 * concurrent node. A scratch target (unit tests) gives each its own schema, dropped on close.
 */
export class TrinoAdapter implements Adapter {
  readonly type = 'trino';
  readonly stats = { statements: 0, seconds: 0 };
  private readonly clock = new BusyClock(this.stats, processClock);
  private readonly pool = new ConnectionPool(() => this.connect());
  private files: FileRows | undefined;

  private constructor(
    private readonly target: TrinoTarget,
    readonly dialect: Dialect,
  ) {}

  static async open(target: TrinoTarget): Promise<TrinoAdapter> {
    const client = new TrinoClient({ url: trinoUrl(target), user: target.user });
    // Fails here, with the server's words, when the cluster or the catalog cannot be reached.
    const { rows } = await processClock.time(() =>
      client.query(
        `select connector_name from system.metadata.catalogs where catalog_name = ${trinoDialect('').literal(target.catalog)}`,
      ),
    );
    if (rows.length === 0)
      throw new Error(`Trino at ${trinoUrl(target)} has no catalog '${target.catalog}'`);
    return new TrinoAdapter(target, trinoDialect(String(rows[0]![0])));
  }

  private async connect(): Promise<TrinoConn> {
    const { target } = this;
    const schema = target.scratch
      ? `${target.schema}__duckflow_unit_${process.pid}_${randomBytes(3).toString('hex')}`
      : target.schema;
    const client = new TrinoClient({
      url: trinoUrl(target),
      user: target.user,
      catalog: target.catalog,
      schema,
      sessionProperties: target.session_properties,
    });
    const conn = new TrinoConn(client, schema, this.clock);
    if (target.scratch) await conn.run(`create schema if not exists ${this.dialect.quote(schema)}`);
    return conn;
  }

  withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return this.pool.use(fn);
  }

  interruptAll(): void {
    this.pool.interruptAll();
  }

  async close(): Promise<void> {
    await this.files?.close();
    if (this.target.scratch)
      for (const c of this.pool.all)
        await c.run(`drop schema if exists ${this.dialect.quote(c.schema)} cascade`);
    this.pool.clear();
  }

  // Trino folds unquoted and quoted names alike to lower case in its catalogs.
  private folded(r: TableRelation): TableRelation {
    return { ...r, schema: r.schema.toLowerCase(), identifier: r.identifier.toLowerCase() };
  }

  relationType(conn: Connection, r: TableRelation): Promise<RelationType | undefined> {
    return relationTypeOf(conn, this.dialect, this.folded(r));
  }

  async columns(conn: Connection, r: TableRelation): Promise<Column[]> {
    const { schema, identifier } = this.folded(r);
    const { literal } = this.dialect;
    const { rows } = await conn.query(
      `select column_name, data_type from information_schema.columns where table_schema = ${literal(schema)} and table_name = ${literal(identifier)} order by ordinal_position`,
    );
    return rows.map((row) => ({ name: String(row.column_name), type: String(row.data_type) }));
  }

  async describe(conn: Connection, select: string): Promise<Column[]> {
    const { columns, types } = await conn.query(
      `select * from (\n${select}\n) as described limit 0`,
    );
    return columns.map((name, i) => ({ name, type: types[i]! }));
  }

  /** DuckDB reads the file (its readers, one place for all formats); Trino reads its Parquet. */
  loadSeed(
    conn: Connection,
    seed: SeedNode,
    into: TableRelation,
    gzipChecks: GzipChecks,
  ): Promise<number> {
    return this.rowFiles().exportSeed(
      seed,
      gzipChecks,
      (columns, file) => this.create(conn, columns, file, this.dialect.relation(into), into.schema),
      this.staged(),
    );
  }

  async describeRows(_conn: Connection, select: string): Promise<Column[]> {
    return (await this.rowFiles().describe(select)).map((c) => ({ ...c, type: trinoType(c.type) }));
  }

  async loadRows(conn: Connection, name: string, select: string): Promise<void> {
    const schema = (conn as TrinoConn).schema;
    await this.rowFiles().export(
      select,
      (columns, file) => this.create(conn, columns, file, this.dialect.quote(name), schema),
      this.staged(),
    );
  }

  readerType(type: string): string {
    return duckdbType(type);
  }

  private rowFiles(): FileRows {
    this.files ??= new FileRows();
    return this.files;
  }

  private staged(): ExportFormat {
    const { staging } = this.target;
    if (!staging)
      throw new Error(
        `target '${this.target.name}' has no staging_location: Trino reads seeds and unit test rows from Parquet files there (docs/trino.md)`,
      );
    return { format: 'parquet', under: staging.path, cast: stagedType };
  }

  /**
   * Parquet rows DuckDB wrote, registered as an external table of the staging catalog (in
   * `schema`), copied into the new table `target` with their types, then forgotten.
   */
  private async create(
    conn: Connection,
    columns: Column[],
    file: string,
    target: string,
    schema: string,
  ): Promise<number> {
    const staging = this.target.staging!;
    const { quote, literal } = this.dialect;
    const folder = relative(staging.path, dirname(file)).split(sep).join('/');
    const name = `duckflow_files_${folder.replace(/[^A-Za-z0-9]/g, '_').toLowerCase()}`;
    const external = [staging.catalog, schema, name].map(quote).join('.');
    if (staging.catalog !== this.target.catalog)
      await conn.run(`create schema if not exists ${quote(staging.catalog)}.${quote(schema)}`);
    await conn.run(
      `create table ${external} (${columns.map((c) => `${quote(c.name)} ${trinoType(c.type)}`).join(', ')}) with (external_location = ${literal(`${staging.location}/${folder}`)}, format = 'PARQUET')`,
    );
    try {
      return (await conn.run(`create table ${target} as select * from ${external}`)) ?? 0;
    } finally {
      // An external table's files are not the catalog's: dropping it leaves them for FileRows.
      await conn.run(`drop table if exists ${external}`);
    }
  }

  /**
   * A node's settings as Trino session properties (`X-Trino-Session`) on its connection's
   * requests, over the target's `session_properties`, and the target's back afterwards. Trino
   * checks them when a statement arrives: a cheap one checks them before the node's own, so a
   * property Trino does not know, or a value it refuses, fails the node with Trino's words.
   */
  async applySettings(conn: Connection, settings: NodeSettings): Promise<() => Promise<void>> {
    const own = this.target.session_properties;
    const text = Object.entries(settings).map(([k, v]) => [k, String(v)]);
    // The runner may hand over a proxy of the connection: its methods reach the TrinoConn.
    const trinoConn = conn as TrinoConn;
    await trinoConn.setSession({ ...own, ...Object.fromEntries(text) });
    const restore = () => trinoConn.setSession(own);
    try {
      await conn.query('select 1');
    } catch (e) {
      await restore();
      throw new Error(`settings: ${(e as Error).message}`, { cause: e });
    }
    return restore;
  }

  async version(): Promise<string> {
    return this.withConnection(async (c) =>
      String((await c.query('select version() as v')).rows[0]!.v),
    );
  }

  explainError(
    error: unknown,
    statement: string,
  ): { summary: string; line?: number; near?: string } {
    const message = error instanceof Error ? error.message : String(error);
    if (!(error instanceof TrinoQueryError) || error.line === undefined)
      return { summary: message.split('\n')[0]! };
    // Trino says `line L:C: ...`: the position is given apart, mapped to the model's source.
    const summary = message.replace(/^line \d+:\d+: /, '').split('\n')[0]!;
    const text = statement.split('\n')[error.line - 1] ?? '';
    const near = text.slice((error.column ?? 1) - 1, (error.column ?? 1) + 39) || undefined;
    return { summary, line: error.line, near };
  }

  toString(): string {
    return `trino ${trinoUrl(this.target)}/${this.target.catalog}`;
  }
}
