import { Ajv, type ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DUCKFLOW_VERSION } from '../core/version.ts';
import { writeFileAtomic } from './atomicWrite.ts';
import { precompiled } from './precompiled.ts';
import cacheSchema from './schemas/parse-cache.schema.json' with { type: 'json' };

// 3: data only (no compiled template code), and parsed property files carry named queries.
// 4: and dashboards. 5: and rendered templates with the context calls they made.
// 6: and exposures.
// 7: rendered with Jinja truthiness (an empty list is false).
const FORMAT = 7;

/** What can be cached: kinds the schema describes, each a JSON value (never code). */
export type CacheKind = 'properties' | 'render';

// Compiled when a cache file is there to check; the schema is our own (see yamlFile.ts).
let validateFile: ValidateFunction | undefined;
const validFile = (data: unknown) =>
  (validateFile ??=
    precompiled(cacheSchema.$id) ??
    new Ajv({ strict: false, validateSchema: false, code: { optimize: false } }).compile(
      cacheSchema,
    ))(data);

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * dbt-style partial parsing: results of parsing a file (validated YAML properties) kept in
 * target/partial_parse.json, keyed by a hash of the file's path and content, so an unchanged
 * file is never parsed twice. The cache holds plain data, checked against a JSON Schema when it
 * is read: anyone who can write target/ can change what it says, never run code through it.
 * A file that is not valid JSON, fails the schema, or was written by another duckflow version
 * or for another project.yml is ignored as if absent. Errors are never cached, so a broken
 * file is re-checked every run.
 */
export class ParseCache {
  private readonly used: Record<string, unknown> = {};
  private changed = false;

  private constructor(
    private readonly file: string | undefined,
    /** Hash of project.yml and duckflow's schemas: what every entry was parsed under. */
    private readonly project: string,
    /** What the file holds: as read, then as last written. */
    private stored: Record<string, unknown>,
  ) {}

  /**
   * The cache in `file`, if it was written for a project whose project.yml reads `projectYml`,
   * parsed under duckflow's schemas as they are now (`schemas`, a stamp of them).
   */
  static load(file: string, projectYml: string, schemas: string): ParseCache {
    const project = hash(`${projectYml}\0${schemas}`);
    return new ParseCache(file, project, readEntries(file, project) ?? {});
  }

  /** A cache that remembers nothing, for callers that must not touch target/. */
  static none(): ParseCache {
    return new ParseCache(undefined, '', {});
  }

  get<T>(kind: CacheKind, content: string, compute: () => T): T {
    const found = this.peek<T>(kind, content);
    if (found !== undefined) return found;
    const value = compute();
    this.put(kind, content, value);
    return value;
  }

  /** What is kept for `content` (and it is kept for the next run), or undefined. */
  peek<T>(kind: CacheKind, content: string): T | undefined {
    const key = `${kind}:${hash(content)}`;
    if (Object.prototype.hasOwnProperty.call(this.used, key)) return this.used[key] as T;
    if (!Object.prototype.hasOwnProperty.call(this.stored, key)) return undefined;
    this.used[key] = this.stored[key];
    return this.stored[key] as T;
  }

  put(kind: CacheKind, content: string, value: unknown): void {
    this.used[`${kind}:${hash(content)}`] = value;
    this.changed = true;
  }

  /**
   * Write what this run used (stale entries drop out); atomic, so parallel runs never see half a
   * file. Called after parsing and again after a command rendered more (compile, a run's hooks).
   */
  save(): void {
    if (!this.file) return;
    if (!this.changed && Object.keys(this.used).length === Object.keys(this.stored).length) return;
    this.changed = false;
    this.stored = { ...this.used };
    writeFileAtomic(
      this.file,
      JSON.stringify({
        format: FORMAT,
        version: DUCKFLOW_VERSION,
        project: this.project,
        entries: this.used,
      }),
    );
  }
}

function readEntries(file: string, project: string): Record<string, unknown> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // No cache yet, or not JSON: start afresh.
  }
  if (!validFile(data)) return undefined;
  const valid = data as { format: number; version: string; project: string; entries: object };
  if (valid.format !== FORMAT || valid.version !== DUCKFLOW_VERSION || valid.project !== project)
    return undefined;
  return valid.entries as Record<string, unknown>;
}
