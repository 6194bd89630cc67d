import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { relationOf } from '../compile/compiler.ts';
import { UsageError } from '../core/errors.ts';
import { relationKey } from '../core/relation.ts';
import { compareWithState, readStateManifest } from '../artifacts/state.ts';
import type { SelectionContext } from '../graph/selector.ts';
import { buildsRelation } from '../materializations/registry.ts';
import { unenforcedConstraints } from '../materializations/contract.ts';
import type { Session } from './session.ts';

/** The `--state`/`--defer` options of a run (dbt's slim CI). */
export interface SlimOptions {
  /** Folder of an earlier run's manifest.json, for `state:` selectors and `--defer`. */
  state?: string;
  /** Refs to models this run does not build, and that the target lacks, read the state's relations. */
  defer?: boolean;
}

/** Contract constraints of the models about to run that their database will not enforce. */
export function warnUnenforced(session: Session, ids: string[], warn: (m: string) => void): void {
  const { graph, project } = session;
  const unenforced = ids.flatMap((id) => {
    const n = graph.get(id);
    return n.kind === 'model' ? unenforcedConstraints(n, project.dialect) : [];
  });
  if (unenforced.length > 0)
    warn(
      `constraints not enforced on ${project.target.type} (views apply none): ${unenforced.join(', ')}; data tests can check them`,
    );
}

/** What selection compares with: the `--state` manifest, when one is given. */
export function selectionContext(session: Session, options: SlimOptions): SelectionContext {
  if (options.defer && !options.state)
    throw new UsageError('--defer reads relations from an earlier run: give it with --state <dir>');
  if (!options.state) return {};
  return {
    state: compareWithState(session.project, session.graph, readStateManifest(options.state)),
  };
}

/**
 * dbt's deferral: a ref to a model or seed this run does not build, whose relation the target
 * does not have, resolves to the state run's relation of the same node.
 */
export function deferredRelations(
  session: Session,
  context: SelectionContext,
  running: ReadonlySet<string>,
  existing: ReadonlySet<string>,
): Map<string, string> {
  const deferred = new Map<string, string>();
  const relations = context.state?.relations;
  if (!relations) return deferred;
  const { models, seeds } = session.project;
  for (const node of [...models.values(), ...seeds.values()]) {
    if (running.has(node.id) || (node.kind === 'model' && !buildsRelation(node))) continue;
    if (existing.has(relationKey(relationOf(node)))) continue;
    const relation = relations.get(node.id);
    if (relation) deferred.set(node.name, relation);
  }
  return deferred;
}

const DONE = new Set(['success', 'pass', 'warn']);
const RETRIED_COMMANDS = ['build', 'run', 'seed', 'test'] as const;
export type RetriedCommand = (typeof RETRIED_COMMANDS)[number];

export interface PreviousRun {
  command: RetriedCommand;
  /** The run's options as run_results.json records them (runner/execute.ts). */
  args: {
    select?: string[];
    exclude?: string[];
    full_refresh?: boolean;
    target?: string;
    nodes?: string[];
    vars?: string | Record<string, unknown>;
    state?: string;
    defer?: boolean;
    fail_fast?: boolean;
    empty?: boolean;
  };
  /** Nodes that did not finish well: errors, failures, skips, and (after a crash) never reached. */
  unfinished(runSet: string[]): string[];
}

/** The last run's record, for `duckflow retry`; no record is an error, not "nothing to retry". */
export function readPreviousRun(targetPath: string): PreviousRun {
  const path = join(targetPath, 'run_results.json');
  if (!existsSync(path))
    throw new UsageError(
      `nothing to retry: ${path} does not exist (retry re-runs what failed in the last build, run, seed or test)`,
    );
  const record = JSON.parse(readFileSync(path, 'utf8')) as {
    command: string;
    status: string;
    args: PreviousRun['args'];
    results: { unique_id: string; kind: string; status: string }[];
  };
  if (!(RETRIED_COMMANDS as readonly string[]).includes(record.command))
    throw new UsageError(`cannot retry: the last run was '${record.command}'`);
  const ran = new Map(record.results.map((r) => [r.unique_id, r.status]));
  // A run that ended (finished or interrupted) recorded every node it had; a crashed one did
  // not, and what it never reached is retried too.
  const ended = record.status === 'finished' || record.status === 'interrupted';
  return {
    command: record.command as RetriedCommand,
    args: record.args,
    unfinished: (runSet) =>
      (ended
        ? [...ran.keys()]
        : [...new Set([...(record.args.nodes ?? runSet), ...ran.keys()])]
      ).filter((id) => !DONE.has(ran.get(id) ?? 'not reached')),
  };
}
