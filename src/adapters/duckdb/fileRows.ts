import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SeedNode } from '../../core/nodes.ts';
import type { Column } from '../types.ts';
import { DuckDBAdapter } from './adapter.ts';
import { duckdbDialect } from './dialect.ts';
import type { GzipChecks } from './seeds/gzipChecks.ts';
import { readSeed } from './seeds/load.ts';

/**
 * Rows that DuckDB reads (a seed's file, a unit test's fixture) handed to another database: an
 * in-memory DuckDB writes them as CSV, which the receiver loads in bulk (PostgreSQL's COPY).
 */
export class FileRows {
  readonly dialect = duckdbDialect;
  private duckdb: Promise<DuckDBAdapter> | undefined;
  private seeds = 0;

  private database(): Promise<DuckDBAdapter> {
    this.duckdb ??= DuckDBAdapter.open({
      name: 'files',
      type: 'duckdb',
      path: ':memory:',
      schema: 'main',
      threads: 1,
      settings: {},
      snapshots: 0,
      dir: tmpdir(),
    });
    return this.duckdb;
  }

  /** The columns (DuckDB types) of a SELECT run by DuckDB. */
  async describe(select: string): Promise<Column[]> {
    const db = await this.database();
    return db.withConnection((conn) => db.describe(conn, select));
  }

  /** Run `select` in DuckDB; `receive` gets its columns (DuckDB types) and the CSV file. */
  async export<T>(
    select: string,
    receive: (columns: Column[], file: string) => Promise<T>,
  ): Promise<T> {
    const db = await this.database();
    const dir = mkdtempSync(join(tmpdir(), 'duckflow-rows-'));
    const file = join(dir, 'rows.csv');
    try {
      const columns = await db.withConnection(async (conn) => {
        const described = await db.describe(conn, select);
        await conn.run(
          `copy (${select}) to ${this.dialect.literal(file)} (format csv, header false, nullstr '\\N')`,
        );
        return described;
      });
      return await receive(columns, file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** A seed's file read by DuckDB (seeds/load.ts: every rule about its rows), then handed on. */
  async exportSeed<T>(
    seed: SeedNode,
    gzipChecks: GzipChecks,
    receive: (columns: Column[], file: string) => Promise<T>,
  ): Promise<T> {
    const db = await this.database();
    const read = { kind: 'table' as const, schema: 'main', identifier: `seed_${++this.seeds}` };
    await db.withConnection((conn) =>
      readSeed(seed, read, { conn, gzipChecks, orderedScans: db.orderedScans }),
    );
    try {
      return await this.export(`select * from ${this.dialect.relation(read)}`, receive);
    } finally {
      await db.withConnection((conn) => conn.run(this.dialect.drop('table', read)));
    }
  }

  async close(): Promise<void> {
    if (this.duckdb) await (await this.duckdb).close();
    this.duckdb = undefined;
  }
}
