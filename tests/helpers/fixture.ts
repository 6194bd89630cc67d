/**
 * Fixture projects for the test suite, the way dbt's adapter tests do it: a project is a map of
 * file paths to contents, written into a fresh temp directory and built against a real DuckDB
 * file. Call `removeFixtures` in an `afterAll` of every test file that creates fixtures.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as api from '../../src/api.ts';
import type { Json } from '../../src/core/results.ts';
import type { SelectOptions } from '../../src/api.ts';
import type { RunOptions, RunReport } from '../../src/runner/execute.ts';

export type FileMap = Record<string, string | Buffer>;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Option bags of the API minus `projectDir`, which the fixture supplies. */
type Opts<T> = Omit<T, 'projectDir'>;

export interface Fixture {
  /** Absolute project directory. */
  dir: string;
  /** Absolute path of a project-relative file. */
  path(relative: string): string;
  /** (Over)write files, e.g. to break a model between two builds. */
  write(files: FileMap): void;
  read(relative: string): string;
  exists(relative: string): boolean;
  build(options?: Opts<RunOptions>): Promise<RunReport>;
  run(options?: Opts<RunOptions>): Promise<RunReport>;
  seed(options?: Opts<RunOptions>): Promise<RunReport>;
  test(options?: Opts<RunOptions>): Promise<RunReport>;
  /** Names of the nodes `ls` would print for a selection, in dependency order. */
  list(options?: Opts<SelectOptions & { resourceTypes?: string[] }>): string[];
  compile(options?: Opts<SelectOptions>): ReturnType<typeof api.compile>;
  /** Rows of a query against the fixture's database (BIGINTs come back as strings: cast in SQL). */
  query(sql: string): Promise<Record<string, Json>[]>;
  /** Run the real CLI in a child process: `node bin/duckflow.js <args> --project-dir <dir>`. */
  cli(args: string[], env?: Record<string, string | undefined>): Promise<CliResult>;
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(REPO, 'bin', 'duckflow.js');
const created: string[] = [];

export function writeFiles(dir: string, files: FileMap): void {
  for (const [relative, content] of Object.entries(files)) {
    const full = join(dir, relative);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

/** A fixture project in a new temp directory. */
export function project(files: FileMap): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'duckflow-test-'));
  created.push(dir);
  writeFiles(dir, files);
  const withDir = <T extends object>(options: T | undefined) => ({
    ...(options ?? ({} as T)),
    projectDir: dir,
  });
  return {
    dir,
    path: (relative) => join(dir, relative),
    write: (more) => writeFiles(dir, more),
    read: (relative) => readFileSync(join(dir, relative), 'utf8'),
    exists: (relative) => existsSync(join(dir, relative)),
    build: (options) => api.build(withDir(options)),
    run: (options) => api.run(withDir(options)),
    seed: (options) => api.seed(withDir(options)),
    test: (options) => api.test(withDir(options)),
    list: (options) => api.list(withDir(options)).nodes.map((n) => n.name),
    compile: (options) => api.compile(withDir(options)),
    query: async (sql) => (await api.query(sql, { projectDir: dir })).rows,
    cli: (args, env) => runCli([...args, '--project-dir', dir], env),
  };
}

export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

export function removeFixtures(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
// A safety net for test files that forget the afterAll.
process.once('exit', removeFixtures);

/** The error a call throws (sync or async), so its message and class can be checked. */
export async function errorOf(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but the call succeeded');
}
