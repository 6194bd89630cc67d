import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdbClient } from './client.ts';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RelationType } from '../../core/dialect.ts';
import type { SeedNode } from '../../core/nodes.ts';
import type { TableRelation } from '../../core/relation.ts';
import type { Json, QueryResult } from '../../core/results.ts';
import { BusyClock, processClock } from '../busyClock.ts';
import { relationTypeOf } from '../informationSchema.ts';
import { sharedUntilFailure } from '../../util/shared.ts';
import { ConnectionPool } from '../pool.ts';
import type { Adapter, Column, Connection, NodeSettings } from '../types.ts';
import { applyDuckDBSettings } from './settings.ts';
import { duckdbDialect } from './dialect.ts';
import { withPerfectHash } from './perfectHash.ts';
import { readSeed } from './seeds/load.ts';
import { OrderedScans } from './seeds/orderedLoad.ts';
import type { GzipChecks } from './seeds/gzipChecks.ts';
import type { DuckDBTarget } from './target.ts';

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

const literal = duckdbDialect.literal;

/**
 * DuckDB checks every option given at open, but does not keep them all: with
 * `disabled_compression_methods: fsst` it opened, reported the setting empty and compressed with
 * FSST. So each target setting is set again on the running database. The few that can only be
 * set at open (access_mode) refuse that, and were applied at open.
 */
async function setAgain(instance: DuckDBInstance, settings: DuckDBTarget['settings']) {
  const entries = Object.entries(settings);
  if (entries.length === 0) return;
  const conn = await instance.connect();
  try {
    for (const [name, value] of entries)
      await conn.run(`set global ${name} = ${literal(String(value))}`).catch((e: Error) => {
        if (!/while (the )?database is running/.test(e.message)) throw e;
      });
  } finally {
    conn.closeSync();
  }
}
/** The in-memory database of tables kept aside for a run (`asideTable`). */
const ASIDE = 'duckflow_aside';

export class DuckDBAdapter implements Adapter {
  readonly type = 'duckdb';
  readonly dialect = duckdbDialect;
  readonly stats = { statements: 0, seconds: 0 };
  private readonly clock = new BusyClock(this.stats, processClock);
  private readonly pool = new ConnectionPool(
    async () => new DuckDBConn(await this.instance.connect(), this.clock),
  );
  readonly withUniqueCheck = withPerfectHash;
  private readonly attachAside = sharedUntilFailure((conn: Connection) =>
    conn.run(`attach if not exists ':memory:' as ${ASIDE}`),
  );
  /** Loads numbered by scan order share this database's global settings (orderedLoad.ts). */
  readonly orderedScans = new OrderedScans();
  /**
   * DuckDB checkpoints at a commit only when no other transaction committed since the
   * committing one began. A seed load that saw a small seed commit meanwhile wrote its rows to
   * the WAL, and again at the next checkpoint: a batch's 105k lines took 0.07 s + 0.13 s at two
   * commits instead of 0.11 s at one. The small seeds wait for it instead (0.01-0.03 s each).
   */
  readonly seedsOneAtATime = true;

  private constructor(
    private readonly instance: DuckDBInstance,
    openSeconds = 0,
  ) {
    this.stats.seconds += openSeconds;
  }

  static async open(target: DuckDBTarget): Promise<DuckDBAdapter> {
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    const options: Record<string, string> = {};
    if (target.memory_limit) options.memory_limit = target.memory_limit;
    if (target.temp_directory) options.temp_directory = target.temp_directory;
    for (const [k, v] of Object.entries(target.settings)) options[k] = String(v);
    const { DuckDBInstance } = await duckdbClient();
    const started = performance.now();
    const instance = await processClock.time(async () => {
      const opened = await DuckDBInstance.create(target.path, options);
      await setAgain(opened, target.settings);
      return opened;
    });
    return new DuckDBAdapter(instance, (performance.now() - started) / 1000);
  }

  withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return this.pool.use(fn);
  }

  async asideTable(conn: Connection, identifier: string): Promise<TableRelation> {
    // Attached to the instance, so every pooled connection sees it; gone when the run ends.
    // Once per instance: two concurrent `attach if not exists` can both find it missing, and the
    // second then fails (2 in 200 tries), failing the model that asked.
    await this.attachAside(conn);
    return { kind: 'table', database: ASIDE, schema: 'main', identifier };
  }

  interruptAll(): void {
    this.pool.interruptAll();
  }

  async close(): Promise<void> {
    for (const c of this.pool.all) c.close();
    this.pool.clear();
    await this.clock.time(() => this.instance.closeSync());
  }

  relationType(conn: Connection, r: TableRelation): Promise<RelationType | undefined> {
    return relationTypeOf(conn, this.dialect, r);
  }

  async columns(conn: Connection, r: TableRelation): Promise<Column[]> {
    const { rows } = await conn.query(
      `select column_name, data_type from information_schema.columns where table_schema = ${literal(r.schema)} and table_name = ${literal(r.identifier)} order by ordinal_position`,
    );
    return rows.map((row) => ({ name: String(row.column_name), type: String(row.data_type) }));
  }

  async describe(conn: Connection, select: string): Promise<Column[]> {
    const { rows } = await conn.query(`describe ${select}`);
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  }

  describeRows(conn: Connection, select: string): Promise<Column[]> {
    return this.describe(conn, select);
  }

  async loadRows(conn: Connection, name: string, select: string): Promise<void> {
    await conn.run(this.dialect.createTempTableAs(name, select));
  }

  readerType(type: string): string {
    return type;
  }

  loadSeed(
    conn: Connection,
    seed: SeedNode,
    into: TableRelation,
    gzipChecks: GzipChecks,
  ): Promise<number> {
    return readSeed(seed, into, { conn, gzipChecks, orderedScans: this.orderedScans });
  }

  explainError(error: unknown): { summary: string; line?: number; near?: string } {
    const raw = error instanceof Error ? error.message : String(error);
    const match = /\nLINE (\d+):/.exec(raw);
    const summary = raw.split(/\n\s*\nLINE \d+:|\nLINE \d+:/)[0].trim();
    if (!match) return { summary };
    // DuckDB's excerpt: `LINE n: <text>` over a caret line; the text from the caret on.
    const [snippetLine, caretLine] = raw.slice(match.index + 1).split('\n');
    const prefix = /^LINE \d+: /.exec(snippetLine ?? '');
    const caret = caretLine?.indexOf('^') ?? -1;
    const near =
      prefix && caret >= prefix[0].length
        ? snippetLine!
            .slice(caret)
            .replace(/\.\.\.$/, '')
            .slice(0, 40) || undefined
        : undefined;
    return { summary, line: Number(match[1]), near };
  }

  applySettings(conn: Connection, settings: NodeSettings): Promise<() => Promise<void>> {
    return applyDuckDBSettings(conn, settings);
  }

  async version(): Promise<string> {
    return this.withConnection(async (c) =>
      String((await c.query('select version() as v')).rows[0].v),
    );
  }
}
