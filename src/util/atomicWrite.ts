import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Write a file by writing `<path>.<pid>.tmp` and renaming it over `path`: a reader (or a process
 * killed mid-write, or a full disk) sees the old whole file or the new whole file, never a
 * truncated one. The temp file is removed when the write fails.
 */
export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
