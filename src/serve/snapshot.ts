/**
 * Snapshots: how a build and `duckflow serve` share a database without blocking each other.
 * DuckDB lets one process write a file and refuses readers from other processes meanwhile, and
 * a build changes tables one by one. So after a successful build, still holding the database
 * open (no other writer can start), duckflow checkpoints it, copies the file to
 * target/snapshots/<id>.duckdb and then renames a new target/snapshots/current.json into place:
 * a reader sees the previous pointer or the new one, never a half-written file. The server
 * opens snapshots read-only and moves to a new one between requests.
 */
import {
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import type { Connection } from '../adapters/types.ts';

export interface SnapshotPointer {
  /** The build's invocation id. */
  id: string;
  /** The snapshot's database file, in target/snapshots/. */
  file: string;
  publishedAt: string;
}

export const snapshotsDir = (targetPath: string): string => join(targetPath, 'snapshots');
export const pointerPath = (targetPath: string): string =>
  join(snapshotsDir(targetPath), 'current.json');

/**
 * Publish the database as the current snapshot, keeping the newest `keep`. `conn` belongs to
 * the open database at `dbPath`: the copy is taken while this process still holds the file.
 */
export async function publishSnapshot(
  conn: Connection,
  dbPath: string,
  targetPath: string,
  id: string,
  keep: number,
): Promise<SnapshotPointer> {
  const dir = snapshotsDir(targetPath);
  mkdirSync(dir, { recursive: true });
  // Everything in the write-ahead log goes into the file, so the copy alone is complete.
  await conn.run('checkpoint');
  const file = join(dir, `${id}.duckdb`);
  // A copy-on-write clone where the file system offers one (instant), a plain copy elsewhere.
  copyFileSync(dbPath, `${file}.tmp`, constants.COPYFILE_FICLONE);
  renameSync(`${file}.tmp`, file);
  const pointer: SnapshotPointer = {
    id,
    file: basename(file),
    publishedAt: new Date().toISOString(),
  };
  const path = pointerPath(targetPath);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(pointer, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  prune(dir, file, keep);
  return pointer;
}

/** Remove all but the newest `keep` snapshots. A server still reading one keeps its open file. */
function prune(dir: string, current: string, keep: number): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.duckdb'))
    .map((f) => join(dir, f))
    .filter((f) => f !== current)
    .map((f) => ({ f, mtime: statSync(f).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { f } of files.slice(Math.max(0, keep - 1))) rmSync(f, { force: true });
}

/** The current snapshot, or undefined when no build has published one. */
export function readPointer(targetPath: string): SnapshotPointer | undefined {
  const path = pointerPath(targetPath);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as SnapshotPointer;
}
