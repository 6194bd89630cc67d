/**
 * The server's view of the data: the current snapshot (serve/snapshot.ts), opened read-only,
 * with a few connections that each keep their prepared statements. Between requests the
 * pointer file is checked (one stat); when a build has published a new snapshot, requests that
 * start from then on use it, and the old one is closed once its last request has finished.
 */
import type {
  DuckDBConnection,
  DuckDBInstance,
  DuckDBPreparedStatement,
  DuckDBType,
} from '@duckdb/node-api';
import { statSync } from 'node:fs';
import { duckdbClient } from '../adapters/duckdb/client.ts';
import { join } from 'node:path';
import type { Json } from '../core/results.ts';
import {
  pointerPath,
  readPointer,
  snapshotsDir,
  type SnapshotPointer,
} from '../artifacts/snapshot.ts';

export interface Rows {
  columns: { name: string; type: string }[];
  rows: Record<string, Json>[];
}

/** Parameter values by `$name`, each with the type it is bound as (NULL for an omitted optional one). */
export type Bound = Record<
  string,
  { value: string | number | boolean | bigint | null; type: DuckDBType }
>;

/** Connections per snapshot: requests beyond this wait for one to be free. */
const CONNECTIONS = 4;

export class PooledConnection {
  private readonly prepared = new Map<string, DuckDBPreparedStatement>();
  constructor(readonly conn: DuckDBConnection) {}

  async run(sql: string, params: Bound): Promise<Rows> {
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = await this.conn.prepare(sql);
      this.prepared.set(sql, statement);
    }
    statement.clearBindings();
    const values: Record<string, string | number | boolean | bigint | null> = {};
    const types: Record<string, DuckDBType> = {};
    for (const [name, p] of Object.entries(params)) {
      values[name] = p.value;
      types[name] = p.type;
    }
    if (Object.keys(values).length > 0) statement.bind(values, types);
    const reader = await statement.runAndReadAll();
    const columnTypes = reader.columnTypes().map(String);
    const names = reader.columnNames();
    return {
      columns: names.map((name, i) => ({ name, type: columnTypes[i] })),
      rows: toJsonRows(reader.getRowObjectsJson() as Record<string, Json>[], names, columnTypes),
    };
  }

  /** The names of the `$name` parameters a statement uses. */
  async parameterNames(sql: string): Promise<string[]> {
    const statement = await this.conn.prepare(sql);
    try {
      return Array.from({ length: statement.parameterCount }, (_, i) =>
        statement.parameterName(i + 1),
      );
    } finally {
      statement.destroySync();
    }
  }

  close(): void {
    for (const s of this.prepared.values()) s.destroySync();
    this.conn.closeSync();
  }
}

/**
 * DuckDB's JSON form gives 64-bit integers and decimals as strings, to keep every digit; an API
 * answers numbers with numbers where a JavaScript number holds them exactly.
 */
function toJsonRows(rows: Record<string, Json>[], names: string[], types: string[]) {
  const numeric = names.filter((_, i) => /^(U?(BIG|HUGE)INT|DECIMAL)/.test(types[i]));
  if (numeric.length === 0) return rows;
  for (const row of rows)
    for (const name of numeric) {
      const v = row[name];
      if (typeof v === 'string') {
        const n = Number(v);
        if (Number.isSafeInteger(n) || (!Number.isInteger(n) && Number.isFinite(n))) row[name] = n;
      }
    }
  return rows;
}

export class OpenSnapshot {
  private readonly idle: PooledConnection[] = [];
  private readonly all: PooledConnection[] = [];
  private readonly waiting: ((c: PooledConnection) => void)[] = [];
  private active = 0;
  private retired = false;

  private constructor(
    readonly pointer: SnapshotPointer,
    private readonly instance: DuckDBInstance,
  ) {}

  static async open(dir: string, pointer: SnapshotPointer): Promise<OpenSnapshot> {
    const { DuckDBInstance } = await duckdbClient();
    const instance = await DuckDBInstance.create(join(dir, pointer.file), {
      access_mode: 'READ_ONLY',
    });
    return new OpenSnapshot(pointer, instance);
  }

  /**
   * Run `fn` on a connection of this snapshot, waiting for one when all are busy. Counts the
   * request before its first await, so a retire() from then on waits for it.
   */
  async use<T>(fn: (c: PooledConnection, pointer: SnapshotPointer) => Promise<T>): Promise<T> {
    this.active++;
    let conn = this.idle.pop();
    if (!conn && this.all.length < CONNECTIONS) {
      conn = new PooledConnection(await this.instance.connect());
      this.all.push(conn);
    }
    conn ??= await new Promise<PooledConnection>((resolve) => this.waiting.push(resolve));
    try {
      return await fn(conn, this.pointer);
    } finally {
      const next = this.waiting.shift();
      if (next) next(conn);
      else this.idle.push(conn);
      this.active--;
      if (this.retired && this.active === 0) this.close();
    }
  }

  /** No new requests come here; close once the running ones are done. */
  retire(): void {
    this.retired = true;
    if (this.active === 0) this.close();
  }

  private close(): void {
    for (const c of this.all.splice(0)) c.close();
    this.idle.length = 0;
    this.instance.closeSync();
  }
}

export class SnapshotStore {
  private current: OpenSnapshot;
  private seen: string;
  private switching: Promise<void> | undefined;

  private constructor(
    private readonly targetPath: string,
    first: OpenSnapshot,
    seen: string,
  ) {
    this.current = first;
    this.seen = seen;
  }

  /** The store over a project's target folder, or undefined when nothing was published yet. */
  static async open(targetPath: string): Promise<SnapshotStore | undefined> {
    const stamp = SnapshotStore.stamp(targetPath);
    const pointer = readPointer(targetPath);
    if (!pointer || !stamp) return undefined;
    return new SnapshotStore(
      targetPath,
      await OpenSnapshot.open(snapshotsDir(targetPath), pointer),
      stamp,
    );
  }

  /** Identity of the pointer file: a new one is a new inode (it is renamed into place). */
  private static stamp(targetPath: string): string | undefined {
    try {
      const s = statSync(pointerPath(targetPath));
      return `${s.ino}:${s.mtimeMs}:${s.size}`;
    } catch {
      return undefined;
    }
  }

  /** Run `fn` on the current snapshot, moving to a newly published one first. */
  async use<T>(fn: (c: PooledConnection, pointer: SnapshotPointer) => Promise<T>): Promise<T> {
    const stamp = SnapshotStore.stamp(this.targetPath);
    if (stamp && stamp !== this.seen) {
      this.switching ??= this.switchTo(stamp).finally(() => (this.switching = undefined));
      await this.switching;
    }
    // No await between choosing the snapshot and use() counting this request.
    return this.current.use(fn);
  }

  private async switchTo(stamp: string): Promise<void> {
    const pointer = readPointer(this.targetPath);
    this.seen = stamp;
    if (!pointer || pointer.id === this.current.pointer.id) return;
    // A snapshot pruned before it could be opened (builds in quick succession) is skipped:
    // the current one keeps serving, and the next pointer change is picked up as usual.
    const next = await OpenSnapshot.open(snapshotsDir(this.targetPath), pointer).catch(
      () => undefined,
    );
    if (!next) return;
    const previous = this.current;
    this.current = next;
    previous.retire();
  }

  close(): void {
    this.current.retire();
  }
}
