import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SeedNode } from '../../core/nodes.ts';
import type { Column } from '../types.ts';
import { DuckDBAdapter } from './adapter.ts';
import { duckdbDialect } from './dialect.ts';
import type { GzipChecks } from './seeds/gzipChecks.ts';
import { readSeed } from './seeds/load.ts';

/**
 * How rows are handed over: CSV in a temporary folder (PostgreSQL's COPY), or Parquet in a
 * folder the receiver reads (a Trino catalog's storage), with each column first cast to the
 * DuckDB type `cast` gives it, so the file holds only types the receiver can read.
 */
export interface ExportFormat {
  format: 'csv' | 'parquet';
  /** The folder a new folder holding the file is made in (default: the system's temp folder). */
  under?: string;
  cast?: (duckdbType: string) => string;
}

/**
 * Rows that DuckDB reads (a seed's file, a unit test's fixture) handed to another database: an
 * in-memory DuckDB writes them as a file, which the receiver loads in bulk.
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

  /** Run `select` in DuckDB; `receive` gets its columns (DuckDB types) and the file. */
  async export<T>(
    select: string,
    receive: (columns: Column[], file: string) => Promise<T>,
    { format, under, cast }: ExportFormat = { format: 'csv' },
  ): Promise<T> {
    const db = await this.database();
    if (under) mkdirSync(under, { recursive: true });
    const dir = mkdtempSync(join(under ?? tmpdir(), 'duckflow-rows-'));
    const file = join(dir, `rows.${format}`);
    const options = format === 'csv' ? `format csv, header false, nullstr '\\N'` : 'format parquet';
    try {
      const columns = await db.withConnection(async (conn) => {
        let rows = select;
        if (cast) {
          const q = this.dialect.quote;
          const described = await db.describe(conn, select);
          rows = `select ${described.map((c) => `cast(${q(c.name)} as ${cast(c.type)}) as ${q(c.name)}`).join(', ')} from (\n${select}\n)`;
        }
        const described = await db.describe(conn, rows);
        await conn.run(`copy (${rows}) to ${this.dialect.literal(file)} (${options})`);
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
    format?: ExportFormat,
  ): Promise<T> {
    const db = await this.database();
    const read = { kind: 'table' as const, schema: 'main', identifier: `seed_${++this.seeds}` };
    await db.withConnection((conn) =>
      readSeed(seed, read, { conn, gzipChecks, orderedScans: db.orderedScans }),
    );
    try {
      return await this.export(`select * from ${this.dialect.relation(read)}`, receive, format);
    } finally {
      await db.withConnection((conn) => conn.run(this.dialect.drop('table', read)));
    }
  }

  async close(): Promise<void> {
    if (this.duckdb) await (await this.duckdb).close();
    this.duckdb = undefined;
  }
}
