import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { verifyGzip } from '../util/gzip.ts';

/**
 * gzip files already verified, by fingerprint (size and modification time, as the loader
 * fingerprints big seeds), kept in the target folder: a multi-gigabyte export is decompressed
 * for the check once, not on every build. A file that changes is verified again.
 */
export class GzipChecks {
  constructor(private readonly store: string) {}

  async verify(file: string): Promise<void> {
    const fingerprint = fingerprintOf(file);
    if (this.read()[file] === fingerprint) return;
    await verifyGzip(file);
    // Re-read: seeds verified concurrently each record their own file.
    const verified = { ...this.read(), [file]: fingerprint };
    mkdirSync(dirname(this.store), { recursive: true });
    const temp = `${this.store}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(verified, null, 2) + '\n');
    renameSync(temp, this.store);
  }

  private read(): Record<string, string> {
    try {
      const data: unknown = JSON.parse(readFileSync(this.store, 'utf8'));
      return data && typeof data === 'object' ? (data as Record<string, string>) : {};
    } catch {
      return {};
    }
  }
}

function fingerprintOf(file: string): string {
  const stat = statSync(file);
  return `${stat.size}:${stat.mtimeMs}`;
}
