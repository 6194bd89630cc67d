import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DUCKFLOW_VERSION } from '../../core/version.ts';
import { writeFileAtomic } from '../../util/atomicWrite.ts';

/** In the target folder. */
export const UNIT_TEST_PASSES_FILE = 'unit_test_passes.json';

// 1: a pass per unit test id, with the fingerprint of everything its run depended on.
const FORMAT = 1;

/** A unit test's last pass: what it ran, and when. */
export interface Pass {
  fingerprint: string;
  passedAt: string;
}

/**
 * SQL whose result can change between runs of the same statements: such a unit test is run
 * every time. A pattern, not a parse: a false match only costs a run.
 */
const VOLATILE =
  /\b(now|current_timestamp|current_date|current_time|localtimestamp|localtime|today|get_current_timestamp|get_current_time|random|uuid|gen_random_uuid|uuidv4|uuidv7|setseed|nextval|currval)\b/i;

/**
 * Whether a unit test must run every time: its model's `sql`, or a given or expected rows spec
 * (as rowsContent reads it) written in SQL, calls such a function.
 */
export function callsVolatile(sql: string, rowsSpecs: unknown[]): boolean {
  // The texts themselves: in JSON a newline before now() reads `\nnow()`, no word boundary.
  const texts = rowsSpecs.flatMap((r) => {
    const spec = r as { format?: string; rows?: unknown; fixture?: string } | null;
    return spec?.format === 'sql' ? [String(spec.fixture ?? spec.rows)] : [];
  });
  return [sql, ...texts].some((text) => VOLATILE.test(text));
}

/** A stable hash of a JSON value. */
export const fingerprintOf = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * The unit tests that passed, kept in target/unit_test_passes.json: a unit test whose inputs
 * are all unchanged (the model's rendered SQL, its givens and their upstream columns, the
 * expected rows, the engine and duckflow versions) gives the same result, so it is not run
 * again, as SQLMesh runs tests on a change of plan rather than on every scheduled run. Only
 * passes are kept; the file is data, checked when read, and a file that is not this format's is
 * ignored as if absent.
 */
export class UnitTestPasses {
  private readonly recorded = new Map<string, Pass>();
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly stored: Map<string, Pass>,
    private readonly reuse: boolean,
  ) {}

  /** `reuse` false (`--rerun-unit-tests`): every unit test runs, and its pass is kept. */
  static load(file: string, reuse = true): UnitTestPasses {
    return new UnitTestPasses(file, readPasses(file), reuse);
  }

  /** The last pass of `id` when it ran exactly what `fingerprint` stands for. */
  unchanged(id: string, fingerprint: string): Pass | undefined {
    if (!this.reuse) return undefined;
    const pass = this.stored.get(id);
    return pass?.fingerprint === fingerprint ? pass : undefined;
  }

  record(id: string, fingerprint: string): void {
    this.recorded.set(id, { fingerprint, passedAt: new Date().toISOString() });
    this.changed = true;
  }

  /** Drop what `id` passed before: it ran and did not pass. */
  forget(id: string): void {
    this.recorded.delete(id);
    if (this.stored.delete(id)) this.changed = true;
  }

  /** Write the passes (those of this run replacing earlier ones), atomically. */
  save(): void {
    if (!this.changed) return;
    const passes = Object.fromEntries([...this.stored, ...this.recorded]);
    writeFileAtomic(
      this.file,
      JSON.stringify({ format: FORMAT, version: DUCKFLOW_VERSION, passes }, null, 1),
    );
    this.changed = false;
  }
}

function readPasses(file: string): Map<string, Pass> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return new Map(); // none yet, or not JSON
  }
  const valid = data as { format?: unknown; version?: unknown; passes?: unknown };
  if (valid?.format !== FORMAT || valid.version !== DUCKFLOW_VERSION) return new Map();
  if (typeof valid.passes !== 'object' || valid.passes === null) return new Map();
  const passes = new Map<string, Pass>();
  for (const [id, pass] of Object.entries(valid.passes as Record<string, unknown>)) {
    const p = pass as Partial<Pass> | null;
    if (typeof p?.fingerprint === 'string' && typeof p.passedAt === 'string')
      passes.set(id, { fingerprint: p.fingerprint, passedAt: p.passedAt });
  }
  return passes;
}
