import { join, relative, resolve } from 'node:path';
import { databaseBusySeconds } from '../adapters/busyClock.ts';
import { GzipChecks } from '../adapters/duckdb/seeds/gzipChecks.ts';
import { adapterPlugin } from '../adapters/registry.ts';
import { withNodeSettings } from '../adapters/nodeSettings.ts';
import type { Adapter, NodeSettings } from '../adapters/types.ts';
import { buildManifest } from '../artifacts/manifest.ts';
import { buildRunResults, type RunStatus } from '../artifacts/runResults.ts';
import { ArtifactWriter } from '../artifacts/writer.ts';
import { Compiler, relationOf } from '../compile/compiler.ts';
import { NodeSqlError, UsageError } from '../core/errors.ts';
import { relationKey } from '../core/relation.ts';
import type { GraphNode } from '../graph/resolve.ts';
import { resolveSelection, type SelectionContext } from '../graph/selector.ts';
import { buildsRelation, materialization } from '../materializations/registry.ts';
import type { MaterializeResult } from '../materializations/types.ts';
import type { LoadOptions } from '../project/loader.ts';
import {
  resourceType,
  type ModelNode,
  type Project,
  type SeedNode,
  type TargetConfig,
} from '../core/nodes.ts';
import { publishSnapshot, snapshotsDir, type SnapshotPointer } from '../artifacts/snapshot.ts';
import { writeJunitXml } from '../testing/junit.ts';
import { runDataTest } from '../testing/run.ts';
import type { ScopeRun } from '../testing/scope/premise.ts';
import { openScope } from '../testing/scope/setup.ts';
import type { TestNode } from '../core/nodes.ts';
import { UnitTestRunner } from '../testing/unit/runner.ts';
import { UNIT_TEST_PASSES_FILE, UnitTestPasses } from '../testing/unit/passes.ts';
import { countStatuses, isFailure, type EventSink, type NodeResult } from '../core/results.ts';
import { runProjectHooks } from './hooks.ts';
import { interruptible } from './interruptible.ts';
import { chainLengths, INTERRUPTED, schedule, type ScheduledResult } from './scheduler.ts';
import { waitGraph } from './waitGraph.ts';
import { openSession, type Session } from './session.ts';
import { deferredRelations, selectionContext, warnUnenforced, type SlimOptions } from './slim.ts';

export type RunCommand = 'build' | 'run' | 'seed' | 'test' | 'snapshot';

const ON_RUN_START_FAILED = 'on-run-start failed';
const SKIP_REASONS = [INTERRUPTED, ON_RUN_START_FAILED];
/** How often an interrupt is repeated until the running nodes have stopped. */
const INTERRUPT_REPEAT_MS = 100;
/** How often run_results.json is refreshed while nodes finish. */
const PROGRESS_EVERY_MS = 1000;

export interface RunOptions extends LoadOptions, SlimOptions {
  select?: string[];
  exclude?: string[];
  /** Exactly these nodes (unique ids) of the selection: what `duckflow retry` re-runs. */
  nodes?: string[];
  fullRefresh?: boolean;
  /** Stop at the first failure: running nodes are interrupted, the rest skipped. */
  failFast?: boolean;
  /** Refs and sources read zero rows: builds every relation empty, to check the SQL. */
  empty?: boolean;
  onEvent?: EventSink;
  signal?: AbortSignal;
  /** Also write the results as JUnit XML here. */
  junitXml?: string;
  /** `--event-time-start`/`--event-time-end`: the window microbatch models backfill (both or neither). */
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
  /** The run's current time, where microbatch windows end by default (a replay may set it). */
  now?: Date;
  /**
   * Whether nodes downstream of a tested model wait for its tests (`--no-test-gate`: false);
   * by default project.yml's `build: test-gate:`, which defaults to true (dbt's semantics).
   */
  testGate?: boolean;
  /** `--rerun-unit-tests`: run unit tests unchanged since they passed too. */
  rerunUnitTests?: boolean;
}

/** Both ends of a backfill window or neither, the end after the start. */
function eventTimeWindow(options: RunOptions): { start: Date; end: Date } | undefined {
  const { eventTimeStart: start, eventTimeEnd: end } = options;
  if (!start && !end) return undefined;
  if (!start || !end)
    throw new UsageError(
      '--event-time-start and --event-time-end go together: give both ends of the window to backfill',
    );
  if (end <= start)
    throw new UsageError(
      `--event-time-end (${end.toISOString()}) must be after --event-time-start (${start.toISOString()})`,
    );
  return { start, end };
}

export interface RunReport {
  command: RunCommand;
  invocationId: string;
  success: boolean;
  results: NodeResult[];
  seconds: number;
  /** Seconds spent inside database statements: the rest is duckflow's own overhead. */
  dbSeconds: number;
  session: Session;
}

/** Resource types each command runs. */
const KINDS: Record<RunCommand, string[]> = {
  build: ['seed', 'model', 'snapshot', 'test', 'unit_test'],
  run: ['model'],
  seed: ['seed'],
  test: ['test', 'unit_test'],
  snapshot: ['snapshot'],
};

/**
 * The nodes a command executes: selected nodes of its kinds, plus tests of selected nodes.
 * Selectors that match nothing, and a run with nothing to do, are passed to `warn`.
 */
export function runSet(
  session: Session,
  command: RunCommand,
  options: Pick<RunOptions, 'select' | 'exclude' | 'nodes' | 'state' | 'defer'>,
  warn: (message: string) => void = () => undefined,
  context: SelectionContext = selectionContext(session, options),
): string[] {
  const { graph } = session;
  const { chosen: selected, excluded } = resolveSelection(
    graph,
    options.select,
    options.exclude,
    warn,
    context,
  );
  const only = options.nodes && new Set(options.nodes);
  if (only) for (const id of selected) if (!only.has(id)) selected.delete(id);
  const kinds = KINDS[command];
  const executable = (n: GraphNode) =>
    kinds.includes(resourceType(n)) && !(n.kind === 'model' && !buildsRelation(n));
  const chosen = graph.nodes().filter((n) => {
    if (!executable(n)) return false;
    if (selected.has(n.id)) return true;
    // dbt's eager indirect selection: a test runs when anything it tests is selected.
    return (
      !only &&
      (n.kind === 'test' || n.kind === 'unit_test') &&
      !excluded.has(n.id) &&
      n.dependsOn.some((p) => selected.has(p))
    );
  });
  if (chosen.length === 0) warn(nothingToDo(command, selected.size, options));
  return graph.topoOrder(chosen.map((n) => n.id));
}

function nothingToDo(
  command: RunCommand,
  selected: number,
  options: Pick<RunOptions, 'select' | 'exclude' | 'nodes'>,
): string {
  if (options.nodes) return 'nothing to retry: every node of the last run finished';
  if (!options.select?.length && !options.exclude?.length)
    return `nothing to do: the project has no node that ${command} runs`;
  if (selected === 0) return 'nothing to do: the selection matches no node';
  return `nothing to do: the selection matches ${selected} node${selected === 1 ? '' : 's'}, none of which ${command} runs`;
}

const isMicrobatch = (n: GraphNode) =>
  n.kind === 'model' && n.config.incremental_strategy === 'microbatch';

/** The relations of the project's schemas (its nodes' and the target's) that exist. */
async function existingRelations(adapter: Adapter, project: Project): Promise<Set<string>> {
  const schemas = new Set([
    project.target.schema,
    ...[...project.models.values(), ...project.seeds.values()].map((n) => n.schema),
  ]);
  return adapter.withConnection(async (conn) => {
    const { rows } = await conn.query(adapter.dialect.catalogQuery([...schemas]));
    return new Set(
      rows.map((r) =>
        relationKey({ schema: String(r.table_schema), identifier: String(r.table_name) }),
      ),
    );
  });
}

export async function execute(command: RunCommand, options: RunOptions = {}): Promise<RunReport> {
  const window = eventTimeWindow(options);
  const session = openSession(options);
  const { project, graph } = session;
  const emit: EventSink = options.onEvent ?? (() => undefined);
  const log = (level: 'warn' | 'error') => (message: string) =>
    emit({ type: 'log', level, message });
  const context = selectionContext(session, options);
  const ids = runSet(session, command, options, log('warn'), context);
  warnUnenforced(session, ids, log('warn'));
  const failFast = failFastGuard(options, emit);
  options = { ...options, signal: failFast.signal };
  if (window && !ids.some((id) => isMicrobatch(graph.get(id))))
    log('warn')(
      '--event-time-start/--event-time-end apply to microbatch models, and none is selected: the window is not used',
    );
  const started = performance.now();
  const busyAtStart = databaseBusySeconds();
  // Unit tests read only their fixtures: a run of nothing else never opens the target database,
  // and runs no project hooks (they act on the target).
  const unitOnly = ids.length > 0 && ids.every((id) => graph.get(id).kind === 'unit_test');
  const total = ids.length + (unitOnly ? 0 : project.onRunStart.length + project.onRunEnd.length);
  emit({
    type: 'run_started',
    command,
    invocationId: session.invocationId,
    target: project.target.name,
    total,
  });

  const artifacts = new ArtifactWriter(project.targetPath, log('error'));
  const results: NodeResult[] = [];
  const record = (status: RunStatus, success: boolean) =>
    artifacts.write(
      'run_results.json',
      buildRunResults({
        status,
        command,
        invocationId: session.invocationId,
        startedAt: session.startedAt,
        seconds: (performance.now() - started) / 1000,
        dbSeconds: databaseBusySeconds() - busyAtStart,
        success,
        results,
        argv: {
          select: options.select ?? [],
          exclude: options.exclude ?? [],
          full_refresh: !!options.fullRefresh,
          target: project.target.name,
          ...(options.vars !== undefined ? { vars: options.vars } : {}),
          ...(options.nodes ? { nodes: options.nodes } : {}),
          ...(options.state ? { state: options.state, defer: !!options.defer } : {}),
          ...(options.failFast ? { fail_fast: true } : {}),
          ...(options.empty ? { empty: true } : {}),
        },
      }),
    );
  // Before anything runs: a run killed midway leaves this record, never the previous run's.
  record('running', false);
  let recordedAt = performance.now();
  const finished = (r: NodeResult) => {
    results.push(r);
    failFast.saw(r);
    emit({ type: 'node_finished', index: results.length, total, result: r });
    // Progress for a run that is killed later, at most once a second.
    if (performance.now() - recordedAt >= PROGRESS_EVERY_MS) {
      record('running', false);
      recordedAt = performance.now();
    }
  };
  try {
    await runNodes({
      command,
      session,
      ids,
      unitOnly,
      options,
      emit,
      results,
      finished,
      context,
      skipReason: failFast.reason,
    });
  } catch (e) {
    // The run stopped on an error of its own (e.g. the database is locked): say so, not `running`.
    record('errored', false);
    throw e;
  }
  // The target and the unit tests' scratch database work concurrently: their busy time is counted once.
  const dbSeconds = databaseBusySeconds() - busyAtStart;

  const seconds = (performance.now() - started) / 1000;
  const interrupted = failFast.interrupted();
  const ran = !results.some((r) => isFailure(r.status)) && !interrupted;
  const recorded = [
    artifacts.write('manifest.json', buildManifest(project, graph, session.invocationId)),
    record(interrupted ? 'interrupted' : 'finished', ran),
  ].every(Boolean);
  // CI reads the artifacts: a run whose record could not be written has not succeeded.
  const success = ran && recorded;
  if (options.junitXml)
    writeJunitXml(resolve(options.junitXml), results, `${project.name} ${command}`);
  emit({ type: 'run_finished', command, seconds, counts: countStatuses(results), success });
  return {
    command,
    invocationId: session.invocationId,
    success,
    results,
    seconds,
    dbSeconds,
    session,
  };
}

/**
 * Opens the database, runs the project hooks and the nodes; `finished` is told of every
 * result, which `results` then holds.
 */
async function runNodes({
  command,
  session,
  ids,
  unitOnly,
  options,
  emit,
  results,
  finished,
  context,
  skipReason,
}: {
  context: SelectionContext;
  /** Why a node is skipped, when it is not the scheduler's own reason (`--fail-fast`). */
  skipReason: (because: string) => string | undefined;
  command: RunCommand;
  session: Session;
  ids: string[];
  unitOnly: boolean;
  options: RunOptions;
  emit: EventSink;
  results: readonly NodeResult[];
  finished: (r: NodeResult) => void;
}): Promise<void> {
  const { project, graph } = session;
  const plugin = adapterPlugin(project.target.type);
  const adapter = await plugin.open(unitOnly ? plugin.scratch(project.target) : project.target);
  const unitTestPasses = UnitTestPasses.load(
    join(project.targetPath, UNIT_TEST_PASSES_FILE),
    !options.rerunUnitTests,
  );
  const unitTests = new UnitTestRunner(
    project,
    session.renderer,
    unitOnly ? adapter : undefined,
    unitTestPasses,
  );
  // A statement that was starting when the interrupt came could miss it: interrupt again until
  // every running node has stopped.
  let reinterrupt: NodeJS.Timeout | undefined;
  const onAbort = () => {
    adapter.interruptAll();
    reinterrupt = setInterval(() => adapter.interruptAll(), INTERRUPT_REPEAT_MS);
  };
  options.signal?.addEventListener('abort', onAbort);
  try {
    const existing = await existingRelations(adapter, project);
    const incremental = new Set(
      [...project.models.values()]
        .filter(
          (m) =>
            m.materialized === 'incremental' &&
            !options.fullRefresh &&
            existing.has(relationKey(relationOf(m))),
        )
        .map((m) => m.id),
    );
    const compiler = new Compiler(
      project,
      session.renderer,
      incremental,
      {
        empty: options.empty,
        deferred: options.defer
          ? deferredRelations(session, context, new Set(ids), existing)
          : undefined,
      },
      (sql) => adapter.withConnection((conn) => conn.query(sql)),
    );
    const gzipChecks = new GzipChecks(join(project.targetPath, 'gzip_checks.json'));
    for (const id of ids) {
      const n = graph.get(id);
      if (n.kind === 'test') compiler.record(n.compiledPath, n.sql);
    }
    await createSchemas(
      adapter,
      project,
      ids.map((id) => graph.get(id)),
    );
    const scope = unitOnly
      ? undefined
      : await openScope(adapter, project, graph, existing, session.invocationId);

    const skip = (id: string, because: string) => {
      const node = graph.get(id);
      const now = new Date().toISOString();
      const reason = graph.has(because)
        ? `upstream ${graph.get(because).name} failed`
        : (skipReason(because) ?? because);
      // Skips follow a failure or an interrupt; anything else means the node could not be scheduled.
      const status = graph.has(because) || SKIP_REASONS.includes(because) ? 'skipped' : 'error';
      finished({
        id,
        name: node.name,
        kind: resultKind(node),
        status,
        message: `skipped: ${reason}`,
        detail: detailOf(node),
        startedAt: now,
        completedAt: now,
        seconds: 0,
      });
    };
    const hookContext = { adapter, compiler, projectName: project.name };
    const startHooks = unitOnly
      ? []
      : await runProjectHooks('on-run-start', project.onRunStart, hookContext);
    startHooks.forEach(finished);
    if (startHooks.some((r) => isFailure(r.status))) {
      for (const id of ids) skip(id, ON_RUN_START_FAILED);
    } else {
      const { waitsFor, guards } = waitGraph(graph, ids, options.testGate ?? project.testGate);
      const chains = chainLengths(waitsFor);
      const scheduled = await schedule({
        waitsFor,
        guards,
        // A test is queued ahead of models the moment its model is built: downstream models
        // wait for it, and a failure found early saves work.
        urgent: (id) => graph.get(id).kind === 'test',
        priority: (id) => chains.get(id)!,
        exclusive: (id) =>
          adapter.seedsOneAtATime && graph.get(id).kind === 'seed' ? 'seed loads' : undefined,
        concurrency: project.target.threads,
        signal: options.signal,
        run: async (id) => {
          const node = graph.get(id);
          emit({ type: 'node_started', id, name: node.name, kind: resultKind(node) });
          let result = await runNode(node, {
            adapter,
            compiler,
            project,
            session,
            fullRefresh: !!options.fullRefresh,
            empty: !!options.empty,
            existing,
            unitTests,
            gzipChecks,
            signal: options.signal,
            emit,
            now: options.now ?? new Date(),
            eventTimeWindow: eventTimeWindow(options),
            scope,
          });
          if (options.signal?.aborted && result.status === 'error')
            result = {
              ...result,
              message: `interrupted: the run was stopped while this node ran; nothing of it was committed\n${result.message}`,
            };
          finished(result);
          return { outcome: isFailure(result.status) ? 'failed' : 'ok', result };
        },
        onSkip: skip,
      });
      reportUnverified(scheduled, results, session, emit);
    }
    if (scope) await recordTestOutcomes(adapter, scope, emit);
    // dbt runs on-run-end whatever happened to the nodes; only an interrupt stops it.
    if (!unitOnly && !options.signal?.aborted)
      (await runProjectHooks('on-run-end', project.onRunEnd, hookContext)).forEach(finished);
    compiler.writeCompiled();
    project.parseCache.save();
    const published = await publishIfComplete(
      command,
      unitOnly,
      session,
      adapter,
      results,
      options,
    );
    if (published)
      emit({
        type: 'log',
        level: 'info',
        message: `published snapshot ${relative(project.dir, join(snapshotsDir(project.targetPath), published.file))} for 'duckflow serve'`,
      });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    clearInterval(reinterrupt);
    await unitTests.close();
    await adapter.close();
    keepUnitTestPasses(unitTestPasses, emit);
  }
}

/** Not keeping them only makes the next run run those unit tests: a warning. */
function keepUnitTestPasses(passes: UnitTestPasses, emit: EventSink) {
  try {
    passes.save();
  } catch (e) {
    emit({
      type: 'log',
      level: 'warn',
      message: `could not keep the unit tests' passes (the next run runs them all): ${(e as Error).message}`,
    });
  }
}

/**
 * Scoped tests' results, written once the nodes are done. Not writing them is safe (those tests
 * check every row next time), so a failure here is a warning, not the run's failure.
 */
async function recordTestOutcomes(adapter: Adapter, scope: ScopeRun, emit: EventSink) {
  try {
    await adapter.withConnection((conn) => scope.outcomes.flush(conn));
  } catch (e) {
    emit({
      type: 'log',
      level: 'warn',
      message: `could not record the results of scoped tests (their next run checks every row): ${(e as Error).message}`,
    });
  }
}

/**
 * With the test gate off, nodes that had started before a test of an upstream model failed are
 * marked on their results (run_results.json, JUnit) and named in one error per failed test.
 */
function reportUnverified(
  scheduled: ScheduledResult<NodeResult>[],
  results: readonly NodeResult[],
  { graph }: Session,
  emit: EventSink,
): void {
  const byTest = new Map<string, string[]>();
  for (const s of scheduled) {
    if (!s.unverifiedBy) continue;
    const test = graph.get(s.unverifiedBy).name;
    const result = results.find((r) => r.id === s.id);
    if (!result) continue;
    result.unverifiedBy = test;
    result.message = `${result.message} (unverified: ran before upstream test ${test} failed)`;
    byTest.set(test, [...(byTest.get(test) ?? []), result.name]);
  }
  for (const [test, names] of byTest)
    emit({
      type: 'log',
      level: 'error',
      message: `test ${test} failed after ${names.length} downstream node${names.length === 1 ? '' : 's'} had started on its model's data (test gate off): ${names.join(', ')}`,
    });
}

/**
 * A command that wrote to the database and fully succeeded publishes a snapshot for
 * `duckflow serve` (serve/snapshot.ts), while it still holds the database.
 */
async function publishIfComplete(
  command: RunCommand,
  unitOnly: boolean,
  { project, invocationId }: Session,
  adapter: Adapter,
  results: readonly NodeResult[],
  options: RunOptions,
): Promise<SnapshotPointer | undefined> {
  // Snapshots are copies of a database file: only a target that has one (DuckDB) keeps them.
  const target = project.target as TargetConfig & { path?: string; snapshots?: number };
  const keep = target.snapshots ?? 0;
  if (command === 'test' || unitOnly || keep === 0 || !target.path || target.path === ':memory:')
    return undefined;
  if (results.length === 0 || results.some((r) => isFailure(r.status)) || options.signal?.aborted)
    return undefined;
  return adapter.withConnection((conn) =>
    publishSnapshot(conn, target.path!, project.targetPath, invocationId, keep),
  );
}

async function createSchemas(
  adapter: Adapter,
  project: Project,
  nodes: GraphNode[],
): Promise<void> {
  const schemas = new Set<string>([project.target.schema]);
  for (const n of nodes) {
    if (n.kind === 'model' || n.kind === 'seed') schemas.add(n.schema);
    if (n.kind === 'test' && n.config.store_failures) schemas.add(n.config.schema);
  }
  // Serially, before anything runs: concurrent CREATE SCHEMA statements conflict in some
  // databases (DuckDB), and a handful of statements gains nothing from concurrency.
  await adapter.withConnection(async (conn) => {
    for (const s of schemas)
      await conn.run(`create schema if not exists ${adapter.dialect.quote(s)}`);
  });
}

interface NodeContext {
  adapter: Adapter;
  compiler: Compiler;
  project: Project;
  session: Session;
  fullRefresh: boolean;
  empty: boolean;
  existing: Set<string>;
  unitTests: UnitTestRunner;
  gzipChecks: GzipChecks;
  signal?: AbortSignal;
  emit: EventSink;
  now: Date;
  eventTimeWindow?: { start: Date; end: Date };
  /** Present when the project has tests scoped to changed rows (testing/scope/). */
  scope?: ScopeRun;
}

/** Only models, seeds, tests and hooks run: sources and dashboards are read, never executed. */
function resultKind(node: GraphNode): NodeResult['kind'] {
  return resourceType(node) as NodeResult['kind'];
}

function detailOf(node: GraphNode): string {
  if (node.kind === 'model') return node.materialized;
  if (node.kind === 'seed') return node.format;
  if (node.kind === 'test')
    return node.testType === 'generic' ? (node.declaration?.test ?? 'test') : 'singular';
  if (node.kind === 'unit_test') return 'unit';
  return node.kind;
}

async function runNode(node: GraphNode, ctx: NodeContext): Promise<NodeResult> {
  if (node.kind === 'unit_test') return ctx.unitTests.run(node, ctx.compiler);
  const startedAt = new Date();
  const base = { id: node.id, name: node.name, detail: detailOf(node) };
  const finish = (
    partial: Omit<
      NodeResult,
      'id' | 'name' | 'detail' | 'startedAt' | 'completedAt' | 'seconds' | 'kind'
    > & { kind?: NodeResult['kind'] },
  ): NodeResult => {
    const completedAt = new Date();
    return {
      kind: resultKind(node),
      ...base,
      ...partial,
      startedAt: startedAt.toISOString(),
      completedAt: completedAt.toISOString(),
      seconds: (completedAt.getTime() - startedAt.getTime()) / 1000,
    };
  };
  try {
    if (node.kind === 'test') return finish(await runTestNode(node, ctx));
    if (node.kind !== 'model' && node.kind !== 'seed')
      throw new Error(`${node.kind} nodes are not executed`);
    const outcome = await materialize(node, ctx);
    return finish({
      status: 'success',
      message: outcome.message,
      rows: outcome.rows,
      changes: outcome.changes,
      compiledPath: node.kind === 'model' ? ctx.compiler.compiledPath(node.path) : undefined,
    });
  } catch (e) {
    const err = e as Error;
    return finish({
      status: 'error',
      message: err instanceof NodeSqlError ? err.message : `${node.path}: ${err.message}`,
      file: err instanceof NodeSqlError ? err.file : node.path,
      line: err instanceof NodeSqlError ? err.line : undefined,
      compiledPath:
        node.kind === 'model'
          ? ctx.compiler.compiledPath(node.path)
          : node.kind === 'test'
            ? ctx.compiler.compiledPath(node.compiledPath)
            : undefined,
    });
  }
}

async function materialize(
  node: ModelNode | SeedNode,
  ctx: NodeContext,
): Promise<MaterializeResult> {
  const { adapter, compiler } = ctx;
  const relation = relationOf(node);
  const strategy = materialization(node.kind === 'seed' ? 'seed' : node.materialized);
  // A model's template may query the database (run_query), before its own connection is taken.
  if (node.kind === 'model') await compiler.compileModelAsync(node);
  const hooks = (key: 'pre_hook' | 'post_hook') =>
    asHooks(node.config[key])
      .map((hook) => compiler.renderHook(hook, node).sql)
      // A hook whose condition is false renders empty: there is no statement to run.
      .filter((sql) => sql.trim() !== '');
  return adapter.withConnection((pooled) => {
    const conn = interruptible(pooled, ctx.signal);
    return withNodeSettings(adapter, conn, node.config.settings as NodeSettings | undefined, () =>
      strategy.build({
        adapter,
        conn,
        node: node.kind === 'seed' ? seedForRun(node, ctx) : node,
        relation,
        compiled: node.kind === 'model' ? compiler.compileModel(node) : undefined,
        exists: ctx.existing.has(relationKey(relation)),
        fullRefresh: ctx.fullRefresh,
        empty: ctx.empty,
        hooks: { pre: hooks('pre_hook'), post: hooks('post_hook') },
        gzipChecks: ctx.gzipChecks,
        log: (level, message) =>
          ctx.emit({ type: 'log', level, message: `${node.kind} ${node.name}: ${message}` }),
        now: ctx.now,
        eventTimeWindow: ctx.eventTimeWindow,
        writeLog: ctx.scope?.writeLog,
        compileBatch:
          node.kind === 'model'
            ? (batch, incremental) => compiler.compileBatch(node, batch, incremental)
            : undefined,
      }),
    );
  });
}

/** Hooks are one SQL string or a list of them. */
/**
 * A seed that names the incremental model it feeds keeps every line's raw text while that
 * model builds incrementally: its records can conflict with what earlier builds loaded, which
 * the seed's own load cannot see.
 */
function seedForRun(seed: SeedNode, ctx: NodeContext): SeedNode {
  const name = seed.keepAllRawWhileIncremental;
  if (name === undefined) return seed;
  const model = ctx.project.models.get(name)!;
  if (model.materialized !== 'incremental')
    throw new Error(
      `keep_all_raw_while_incremental: model '${name}' is ${model.materialized}, not incremental: no earlier build's rows reach it`,
    );
  return { ...seed, keepAllRaw: ctx.compiler.isIncremental(model) };
}

export const asHooks = (value: unknown): string[] =>
  value === undefined ? [] : [value].flat().map(String);

async function runTestNode(
  test: TestNode,
  ctx: NodeContext,
): Promise<
  Omit<NodeResult, 'id' | 'name' | 'detail' | 'startedAt' | 'completedAt' | 'seconds' | 'kind'>
> {
  const outcome = await ctx.adapter.withConnection((conn) =>
    runDataTest(
      ctx.adapter,
      interruptible(conn, ctx.signal),
      test,
      ctx.session.invocationId,
      ctx.scope,
    ),
  );
  return {
    status: outcome.status,
    message: outcome.message,
    failures: outcome.failures,
    sample: outcome.sample.rows.length ? outcome.sample : undefined,
    compiledPath: ctx.compiler.compiledPath(test.compiledPath),
    file: test.path,
    line: test.line,
    column: test.column,
    attachedTo: test.attachedTo,
    storedIn: outcome.storedIn,
  };
}

/**
 * `--fail-fast`: the first failure aborts the run as an interrupt does (running statements are
 * stopped, nothing new starts); the skips then name the failure, and the run is not recorded
 * as interrupted by a signal.
 */
function failFastGuard(options: RunOptions, emit: EventSink) {
  const controller = new AbortController();
  const user = options.signal;
  let failed: NodeResult | undefined;
  if (user?.aborted) controller.abort();
  user?.addEventListener('abort', () => controller.abort(), { once: true });
  return {
    signal: controller.signal,
    saw(r: NodeResult) {
      if (!options.failFast || failed || !isFailure(r.status) || controller.signal.aborted) return;
      failed = r;
      emit({
        type: 'log',
        level: 'error',
        message: `--fail-fast: stopping after ${r.name} failed`,
      });
      controller.abort();
    },
    reason: (because: string) =>
      failed && because === INTERRUPTED ? `--fail-fast: ${failed.name} failed` : undefined,
    interrupted: () => !!user?.aborted,
  };
}
