import { createHash } from 'node:crypto';
import type { Connection } from '../../adapters/types.ts';
import type { TestNode } from '../../core/nodes.ts';
import type { TableRelation } from '../../core/relation.ts';
import {
  changedRowsOf,
  KEEPS_KEYS,
  KEEPS_ROWS,
  removedValuesOf,
  type Generation,
  type WriteLog,
} from '../../materializations/writeLog.ts';
import type { RecordedOutcome, TestOutcomes } from './outcomes.ts';

/**
 * Whether a test with `scope: changed_rows` may check only its model's batch, decided from
 * what the database records (the generation log and the test's last result), never assumed.
 */

/** A node a test reads, as the run knows it. */
export interface ReadNode {
  name: string;
  /** Set when duckflow records every write of it (tables, incremental models, seeds). */
  relation?: TableRelation;
  /** What it is, for the reason when it is not recorded. */
  what: string;
}

/** What a run gives scoped tests: the logs, and the nodes tests read. */
export interface ScopeRun {
  writeLog: WriteLog;
  outcomes: TestOutcomes;
  relationName(relation: TableRelation): string;
  node(id: string): ReadNode;
}

/** The check to run: scoped, or every row and why. */
export interface TestPlan {
  sql: string;
  /** Said after the result (`changed rows: …` or `all rows: …`). */
  note: string;
  /** Recorded with the result: the generations of the relations the test read. */
  read: Record<string, number | null>;
  checksum: string;
}

/** Any change to the test (its SQL, config or scoped SQL) makes its last result not count. */
const testChecksum = (test: TestNode) =>
  createHash('sha256')
    .update(JSON.stringify({ c: test.checksum, config: test.config, scope: test.scope }))
    .digest('hex');

/** `104,943 rows`, `1 key`. */
const count = (n: number, noun: string) =>
  `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

/** Whether a parent's batch kept every key it had: `field` is one it deletes and re-inserts by. */
function keepsKeys(g: Generation, field: string): boolean {
  if (g.kind !== 'batch' || g.unscopable) return false;
  if (g.strategy === 'append') return true;
  return (
    (g.strategy === 'delete+insert' || KEEPS_KEYS.has(g.strategy ?? '')) &&
    g.uniqueKey.includes(field)
  );
}

export async function planTest(conn: Connection, test: TestNode, run: ScopeRun): Promise<TestPlan> {
  const scope = test.scope!;
  const checksum = testChecksum(test);
  const reads = test.dependsOn.map((id) => ({ id, ...run.node(id) }));
  const tracked = reads.flatMap((r) =>
    r.relation ? [{ ...r, key: run.relationName(r.relation) }] : [],
  );
  const gens = await run.writeLog.current(
    conn,
    tracked.map((r) => r.relation!),
  );
  const read = Object.fromEntries(tracked.map((r) => [r.key, gens.get(r.key)?.generation ?? null]));
  const last = await run.outcomes.last(conn, test.id);
  const premise = whyAllRows(test, reads, tracked, gens, last, checksum, run);
  if (typeof premise === 'string')
    return { sql: test.sql, note: `all rows: ${premise}`, read, checksum };
  const model = tracked.find((r) => r.id === scope.model)!;
  const written = gens.get(model.key)!.changedRows ?? 0;
  // The SQL names the changed-rows table; the batch may be kept aside instead (in memory).
  const kept = run.writeLog.keptRowsOf(model.relation!);
  const changed = run.relationName(changedRowsOf(model.relation!));
  const what = KEEPS_KEYS.has(scope.strategy) ? 'key' : 'row';
  const outside = parentBatch(test, tracked, gens, run);
  const rows = outside
    ? scope
        .parent!.outsideBatch!.replaceAll(changed, kept)
        .replaceAll(run.relationName(changedRowsOf(outside.relation!)), outside.kept)
    : kept;
  const found = outside
    ? `; the ${scope.parent!.field} values in this run's batch of ${outside.name} not looked up again`
    : '';
  const note = `changed rows: ${count(written, what)} written by this batch of ${model.name}`;
  if (!premise.removed)
    return { sql: scope.sql.replaceAll(changed, rows), note: note + found, read, checksum };
  const { parent, values } = premise.removed;
  return {
    sql: scope
      .parent!.removedSql!.replaceAll(changed, rows)
      .replaceAll(run.relationName(removedValuesOf(parent.relation!)), values),
    note: `${note}, and the rows pointing at a ${scope.parent!.field} that this run's write of ${parent.name} removed${found}`,
    read,
    checksum,
  };
}

/**
 * The parent of a scoped relationships test, when its latest write is a batch of this run that
 * it inserted as it is and kept: the rows written that point into that batch have their parent.
 */
function parentBatch(
  test: TestNode,
  tracked: (ReadNode & { id: string; key: string })[],
  gens: Map<string, Generation>,
  run: ScopeRun,
): (ReadNode & { kept: string }) | undefined {
  const parent = test.scope!.parent;
  if (!parent?.outsideBatch) return undefined;
  const node = tracked.find((r) => r.id === parent.id);
  const g = node && gens.get(node.key);
  if (!node || !g || g.invocationId !== run.writeLog.invocationId) return undefined;
  if (g.kind !== 'batch' || g.unscopable || g.changedRows === null) return undefined;
  if (!KEEPS_ROWS.has(g.strategy ?? '')) return undefined;
  return { ...node, kept: run.writeLog.keptRowsOf(node.relation!) };
}

/** A parent whose write in this run kept the values it removed, and where the test reads them. */
type Removed = { parent: ReadNode; values: string };

/** Why the test checks every row, or how it checks only what changed. */
function whyAllRows(
  test: TestNode,
  reads: (ReadNode & { id: string })[],
  tracked: (ReadNode & { id: string; key: string })[],
  gens: Map<string, Generation>,
  last: RecordedOutcome | undefined,
  checksum: string,
  run: ScopeRun,
): string | { removed?: Removed } {
  const { invocationId } = run.writeLog;
  const scope = test.scope!;
  const untracked = reads.find((r) => !r.relation);
  if (untracked)
    return `reads ${untracked.name}, ${untracked.what}, whose writes duckflow does not record`;
  if (!last) return 'no earlier result of this test is recorded';
  if (last.checksum !== checksum) return 'the test changed since its last result';
  if (last.status !== 'pass') return `it did not pass last time (${last.status})`;
  const model = tracked.find((r) => r.id === scope.model)!;
  const g = gens.get(model.key);
  if (!g || g.invocationId !== invocationId) return `${model.name} was not built in this run`;
  if (g.kind !== 'batch') return `${model.name} was rebuilt whole in this run`;
  if (g.unscopable) return `${model.name}'s batch ${g.unscopable}`;
  if (g.strategy !== scope.strategy || g.changedRows === null)
    return `${model.name}'s batch was written by '${g.strategy}', not '${scope.strategy}'`;
  if (g.previous === null || g.previous !== last.generations[model.key])
    return `${model.name} was written since this test last ran`;
  let removed: Removed | undefined;
  for (const r of tracked) {
    if (r.id === scope.model) continue;
    const now = gens.get(r.key);
    const then = last.generations[r.key];
    if (now && then !== null && then !== undefined) {
      if (now.generation === then) continue;
      const parent = scope.parent?.id === r.id ? scope.parent : undefined;
      if (parent && now.previous === then) {
        if (keepsKeys(now, parent.field)) continue;
        // The values it removed are this run's, noted only once its write committed.
        const values = run.writeLog.removedValuesOf(r.relation!, parent.field);
        if (values && parent.removedSql && now.invocationId === invocationId && !now.unscopable) {
          removed = { parent: r, values };
          continue;
        }
      }
    }
    return scope.parent?.id === r.id
      ? `${r.name} was rewritten since this test last passed and may have lost a ${scope.parent.field}`
      : `${r.name} was written since this test last passed`;
  }
  return { removed };
}

/** Record the result a scoped test's next run relies on: only a clean pass counts. */
export function recordOutcome(
  test: TestNode,
  run: ScopeRun,
  plan: TestPlan,
  passed: boolean,
  status: string,
): void {
  run.outcomes.record(test.id, {
    checksum: plan.checksum,
    status: passed ? 'pass' : status,
    generations: plan.read,
  });
}
