import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJson } from './manifest.ts';

/**
 * Writes a run's artifacts into the target folder without ever failing the run midway: a write
 * that fails (a full disk, a read-only folder) removes the file's previous version, since a
 * stale record that says "success" is worse than none, and is reported once per file.
 */
export class ArtifactWriter {
  private readonly reported = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly report: (message: string) => void,
  ) {}

  /** Whether the file now holds `value`. */
  write(name: string, value: unknown): boolean {
    try {
      writeJson(this.dir, name, value);
      return true;
    } catch (e) {
      const path = join(this.dir, name);
      let stale = '';
      try {
        rmSync(path, { force: true });
      } catch (r) {
        stale = `; its previous version is stale and could not be removed (${(r as Error).message})`;
      }
      if (!this.reported.has(name)) {
        this.reported.add(name);
        this.report(`could not write ${path}: ${(e as Error).message}${stale}`);
      }
      return false;
    }
  }
}
