import type { SeedNode } from '../project/types.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface QueryResult {
  columns: string[];
  types: string[];
  /** Values as JSON-safe text/numbers: big integers and timestamps keep full precision as strings. */
  rows: Record<string, Json>[];
}

export interface Connection {
  /** Execute one statement (or several separated by ';'); returns rows changed when reported. */
  run(sql: string): Promise<number | undefined>;
  query(sql: string): Promise<QueryResult>;
  /** Stop whatever statement is running now (Ctrl-C). */
  interrupt(): void;
}

export type RelationType = 'table' | 'view';

/**
 * The seam between duckflow and a database. Materializations speak in these terms and in the
 * SQL every supported database shares (transactions, CREATE/DROP/ALTER … RENAME); anything
 * dialect-specific (quoting, file readers, catalog queries, settings) lives behind it.
 */
export interface Adapter {
  readonly type: string;
  /** Wall-clock seconds with the database at work (statements in flight on any connection, open, close): the rest of a run is duckflow's own overhead. */
  readonly stats: { statements: number; seconds: number };
  /** Connections are pooled: one per concurrent node, up to the target's threads. */
  withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T>;
  interruptAll(): void;
  close(): Promise<void>;

  quote(identifier: string): string;
  relation(schema: string, name: string): string;
  relationType(conn: Connection, schema: string, name: string): Promise<RelationType | undefined>;
  columns(
    conn: Connection,
    schema: string,
    name: string,
  ): Promise<{ name: string; type: string }[]>;
  /** A SELECT that reads a seed's file with the database's own reader. */
  seedSelect(seed: SeedNode): Promise<string>;
  version(): Promise<string>;
}
