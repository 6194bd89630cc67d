import type { TObject } from '@sinclair/typebox';
import type { Dialect, RelationType } from '../core/dialect.ts';
import type { SeedNode, TargetConfig } from '../core/nodes.ts';
import type { TableRelation } from '../core/relation.ts';
import type { QueryResult } from '../core/results.ts';
import type { GzipChecks } from './duckdb/seeds/gzipChecks.ts';

export interface Connection {
  /** Execute one statement (or several separated by ';'); returns rows changed when reported. */
  run(sql: string): Promise<number | undefined>;
  query(sql: string): Promise<QueryResult>;
  /** Stop whatever statement is running now (Ctrl-C). */
  interrupt(): void;
}

/** A node's `settings:` config: database setting names and values. */
export type NodeSettings = Record<string, string | number | boolean>;

export interface Column {
  name: string;
  type: string;
}

/**
 * An open database. Materializations speak in these terms and in the SQL its `dialect`
 * writes; nothing outside src/adapters/<name>/ knows which database it is.
 */
export interface Adapter {
  readonly type: string;
  readonly dialect: Dialect;
  /** Wall-clock seconds with the database at work (statements in flight on any connection, open, close): the rest of a run is duckflow's own overhead. */
  readonly stats: { statements: number; seconds: number };
  /** Connections are pooled: one per concurrent node, up to the target's threads. */
  withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T>;
  interruptAll(): void;
  close(): Promise<void>;

  relationType(conn: Connection, relation: TableRelation): Promise<RelationType | undefined>;
  columns(conn: Connection, relation: TableRelation): Promise<Column[]>;
  /** The columns a SELECT returns, with the database's type names. */
  describe(conn: Connection, select: string): Promise<Column[]>;
  /** Seeds load one at a time (the scheduler holds the others back meanwhile). */
  readonly seedsOneAtATime?: boolean;
  /** Create `into` holding a seed file's rows, read by DuckDB's readers; returns the row count. */
  loadSeed(
    conn: Connection,
    seed: SeedNode,
    into: TableRelation,
    gzipChecks: GzipChecks,
  ): Promise<number>;
  /** Columns, in this database's types, of rows DuckDB's readers produce (`select` is DuckDB SQL). */
  describeRows(conn: Connection, select: string): Promise<Column[]>;
  /** Create the temporary table `name` holding the rows of `select`, run by DuckDB's readers. */
  loadRows(conn: Connection, name: string, select: string): Promise<void>;
  /** A type of this database as DuckDB's readers name it. */
  readerType(type: string): string;
  version(): Promise<string>;
  /**
   * Set a node's `settings:` on the connection its statements run on; returns what puts the
   * previous values back. Throws naming the key this database cannot set for one node only.
   * Absent: the adapter honours no per-node settings (a node that asks for any fails).
   */
  applySettings?(conn: Connection, settings: NodeSettings): Promise<() => Promise<void>>;
  /**
   * A database error's message, the line of `statement` it points at and the text there (up to
   * 40 characters), when the database says.
   */
  explainError(
    error: unknown,
    statement: string,
  ): { summary: string; line?: number; near?: string };
  /**
   * Runs the statements of a `unique` test on `column` of the table `relation` (`fn`) with what
   * makes this database check it fastest, for those statements only; absent: run as they are.
   */
  /**
   * Where a table can live that every connection of this adapter reads but that is never written
   * to the target (DuckDB: an in-memory database attached to the instance), for `identifier`:
   * an incremental batch kept for its tests costs no write then. Created outside any
   * transaction (one transaction writes one database). Absent: kept in a table of the target.
   */
  asideTable?(conn: Connection, identifier: string): Promise<TableRelation>;
  withUniqueCheck?<T>(
    conn: Connection,
    relation: string,
    column: string,
    fn: () => Promise<T>,
  ): Promise<T>;
}

/** What a target of this type says in project.yml besides name, type, schema and threads. */
export interface TargetContext {
  /** Absolute project directory: relative paths in a target are relative to it. */
  dir: string;
  projectName: string;
}

/** One database as the registry knows it: its dialect, its target keys and how to open it. */
export interface AdapterPlugin<T extends TargetConfig = TargetConfig> {
  readonly type: string;
  readonly dialect: Dialect;
  /** JSON Schema (TypeBox) of the target keys this adapter adds; validated with project.yml. */
  readonly targetSchema: TObject;
  /** The validated YAML target as this adapter's config; `base` holds the shared keys. */
  resolveTarget(raw: Record<string, unknown>, base: TargetConfig, context: TargetContext): T;
  open(target: T): Promise<Adapter>;
  /** The built database, read-only, or undefined when nothing has been built yet (docs). */
  openExisting(target: T): Promise<Adapter | undefined>;
  /** Where the target's data lives, for people: a file, or host:port/database. */
  location(target: T): string | undefined;
  /** A database for unit tests to work in, which never sees or changes the target's data. */
  scratch(target: T): T;
}
