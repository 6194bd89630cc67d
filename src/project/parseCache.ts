import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomicWrite.ts';
import { DUCKFLOW_VERSION } from '../version.ts';

// 2: parsed property files carry named queries.
const FORMAT = 2;

/**
 * dbt-style partial parsing: results of parsing a file (validated YAML properties, compiled
 * template code) kept in target/partial_parse.json, keyed by a hash of the file's content, so
 * an unchanged file is never parsed twice. Only JSON-serialisable results are cached; errors
 * are never cached, so a broken file is re-checked every run.
 */
export class ParseCache {
  private readonly used: Record<string, unknown> = {};
  private changed = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly stored: Record<string, unknown>,
  ) {}

  static load(file: string): ParseCache {
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as {
        format: number;
        version: string;
        entries: Record<string, unknown>;
      };
      if (data.format === FORMAT && data.version === DUCKFLOW_VERSION)
        return new ParseCache(file, data.entries);
    } catch {
      // No cache yet, or an unreadable one: start afresh.
    }
    return new ParseCache(file, {});
  }

  /** A cache that remembers nothing, for callers that must not touch target/. */
  static none(): ParseCache {
    return new ParseCache(undefined, {});
  }

  get<T>(kind: string, content: string, compute: () => T): T {
    const key = `${kind}:${createHash('sha1').update(content).digest('base64')}`;
    if (key in this.stored) {
      this.used[key] = this.stored[key];
      return this.stored[key] as T;
    }
    const value = compute();
    this.used[key] = value;
    this.changed = true;
    return value;
  }

  /** Write what this run used (stale entries drop out); atomic, so parallel runs never see half a file. */
  save(): void {
    if (!this.file) return;
    if (!this.changed && Object.keys(this.used).length === Object.keys(this.stored).length) return;
    writeFileAtomic(
      this.file,
      JSON.stringify({ format: FORMAT, version: DUCKFLOW_VERSION, entries: this.used }),
    );
  }
}
