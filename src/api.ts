/** duckflow's programmatic API; the CLI is a thin layer over these functions. */
import { resolve } from 'node:path';
import { adapterPlugin } from './adapters/registry.ts';
import { buildManifest, writeJson } from './artifacts/manifest.ts';
import { Compiler, relationOf } from './compile/compiler.ts';
import type { QueryResult } from './core/results.ts';
import { buildsRelation } from './materializations/registry.ts';
import { UsageError } from './core/errors.ts';
import type { GraphNode } from './graph/resolve.ts';
import { select } from './graph/selector.ts';
import { readProjectFile } from './project/config.ts';
import { loadProject, type LoadOptions } from './project/loader.ts';
import { removeTarget, type CleanOptions } from './project/targetPath.ts';
import { cleanDbtProject, installDbtDeps, isDbtProject } from './project/dbt/commands.ts';
import { didYouMean } from './util/closest.ts';
import { execute, runSet, type RunOptions, type RunReport } from './runner/execute.ts';
import { isFailure, type NodeResult } from './core/results.ts';
import { schedule } from './runner/scheduler.ts';
import { readPreviousRun, selectionContext } from './runner/slim.ts';
import { openSession, type Session } from './runner/session.ts';
import { UnitTestRunner } from './testing/unit/runner.ts';
import { resourceType, type UnitTestNode } from './core/nodes.ts';

export type { RunOptions, RunReport } from './runner/execute.ts';
export type { NodeResult, RunEvent } from './core/results.ts';
export { openSession } from './runner/session.ts';
export type { DocsResult } from './docs/generate.ts';
export { debug, type DebugCheck } from './runner/debug.ts';
export { initProject } from './project/init.ts';
export {
  sourceFreshness,
  type FreshnessOptions,
  type FreshnessResult,
} from './runner/freshness.ts';
export type { DocsServer } from './docs/server.ts';
export type { ApiServer, ServeOptions } from './serve/server.ts';

// The docs site (echarts) and the API server (fastify, DuckDB's driver) load only when used:
// every other command starts without parsing them.
export const generateDocs: typeof import('./docs/generate.ts').generateDocs = async (...args) =>
  (await import('./docs/generate.ts')).generateDocs(...args);
export const serveDocs: typeof import('./docs/generate.ts').serveDocs = async (...args) =>
  (await import('./docs/generate.ts')).serveDocs(...args);
export const serve: typeof import('./serve/server.ts').serve = async (...args) =>
  (await import('./serve/server.ts')).serve(...args);

export const build = (options?: RunOptions): Promise<RunReport> => execute('build', options);
export const run = (options?: RunOptions): Promise<RunReport> => execute('run', options);
export const seed = (options?: RunOptions): Promise<RunReport> => execute('seed', options);
export const test = (options?: RunOptions): Promise<RunReport> => execute('test', options);
export const snapshot = (options?: RunOptions): Promise<RunReport> => execute('snapshot', options);

/**
 * dbt's `retry`: the last build, run, seed or test again, with its selection and flags, for
 * the nodes that did not finish well (errors, failures, skips; after a crash, those never
 * reached). No earlier run is an error; a last run that all went well re-runs nothing.
 */
export async function retry(options: RunOptions = {}): Promise<RunReport> {
  const previous = readPreviousRun(loadProject(options).targetPath);
  const { args } = previous;
  const again: RunOptions = {
    ...options,
    target: options.target ?? args.target,
    vars: options.vars ?? args.vars,
    select: args.select,
    exclude: args.exclude,
    fullRefresh: args.full_refresh,
    state: args.state,
    defer: args.defer,
    failFast: args.fail_fast,
    empty: args.empty,
  };
  const session = openSession(again);
  const nodes = previous
    .unfinished(runSet(session, previous.command, { ...again, nodes: args.nodes }))
    .filter((id) => session.graph.has(id));
  return execute(previous.command, { ...again, nodes });
}

export interface SelectOptions extends LoadOptions {
  select?: string[];
  exclude?: string[];
  /** An earlier run's target folder, for `state:` selectors. */
  state?: string;
  /** Told about selectors that match nothing (a selector naming a missing node throws instead). */
  onWarning?: (message: string) => void;
}

/**
 * Run a project's unit tests (those a selection picks: by name, `test_type:unit`, or the model
 * they test) in an in-memory database, writing nothing: for test suites, e.g. vitest.
 */
export async function runUnitTests(
  options: SelectOptions = {},
): Promise<{ success: boolean; results: NodeResult[] }> {
  const session = openSession(options);
  const { graph, project } = session;
  const ids = runSet(session, 'test', options).filter((id) => graph.get(id).kind === 'unit_test');
  const runner = new UnitTestRunner(project, session.renderer);
  try {
    const scheduled = await schedule({
      waitsFor: new Map(ids.map((id) => [id, []])),
      concurrency: project.target.threads,
      run: async (id) => {
        const result = await runner.run(graph.get(id) as UnitTestNode);
        return { outcome: isFailure(result.status) ? 'failed' : 'ok', result };
      },
    });
    const results = scheduled.map((s) => s.result!);
    return { success: !results.some((r) => isFailure(r.status)), results };
  } finally {
    await runner.close();
  }
}

/** Nodes matching a selection, in dependency order (`duckflow ls`). */
export function list(options: SelectOptions & { resourceTypes?: string[] } = {}): {
  session: Session;
  nodes: GraphNode[];
} {
  const session = openSession(options);
  const chosen = select(
    session.graph,
    options.select,
    options.exclude,
    options.onWarning,
    selectionContext(session, options),
  );
  const nodes = session.graph
    .topoOrder(chosen)
    .map((id) => session.graph.get(id))
    .filter(
      (n) => !options.resourceTypes?.length || options.resourceTypes.includes(resourceType(n)),
    );
  writeJson(
    session.project.targetPath,
    'manifest.json',
    buildManifest(session.project, session.graph, session.invocationId),
  );
  return { session, nodes };
}

/** Render selected models and tests to target/compiled without touching the database. */
export function compile(options: SelectOptions = {}): {
  session: Session;
  compiled: { node: GraphNode; path: string; sql: string }[];
} {
  const { session, nodes } = list(options);
  const compiler = new Compiler(session.project, session.renderer);
  const compiled = nodes.flatMap((node): { node: GraphNode; path: string; sql: string }[] => {
    if (node.kind === 'model' && buildsRelation(node)) {
      const sql = compiler.compileModel(node).sql;
      return [{ node, path: compiler.compiledPath(node.path), sql }];
    }
    if (node.kind === 'test') {
      compiler.record(node.compiledPath, node.sql);
      return [{ node, path: compiler.compiledPath(node.compiledPath), sql: node.sql }];
    }
    return [];
  });
  compiler.writeCompiled();
  session.project.parseCache.save();
  return { session, compiled };
}

/** Run SQL against the target database, read-only for the caller's purposes. */
export async function query(sql: string, options: LoadOptions = {}): Promise<QueryResult> {
  const project = loadProject(options);
  const plugin = adapterPlugin(project.target.type);
  const adapter = await plugin.openExisting(project.target);
  if (!adapter)
    throw new UsageError(
      `no database at ${plugin.location(project.target)} yet: run 'duckflow build' first`,
    );
  try {
    return await adapter.withConnection((conn) => conn.query(sql));
  } finally {
    await adapter.close();
  }
}

/** The first rows of a model or seed (`duckflow show`). */
export async function show(
  name: string,
  options: LoadOptions & { limit?: number } = {},
): Promise<QueryResult> {
  // A session, not just the loaded files: `config()` inside a model can set its schema, alias or
  // materialization, and only parsing the models applies it.
  const { project } = openSession(options);
  const limit = options.limit ?? 10;
  if (!(Number.isInteger(limit) && limit >= 0))
    throw new UsageError(`limit must be a whole number, 0 or more (got ${limit})`);
  const node = project.models.get(name) ?? project.seeds.get(name);
  if (!node)
    throw new UsageError(
      `no model or seed named '${name}'${didYouMean(name, [...project.models.keys(), ...project.seeds.keys()])}`,
    );
  if (node.kind === 'model' && !buildsRelation(node))
    throw new UsageError(`'${name}' is ${node.materialized}: it has no relation to show`);
  return query(
    `select * from ${project.dialect.relation(relationOf(node))} limit ${limit}`,
    options,
  );
}

/**
 * Remove target/ (compiled SQL, artifacts; the database too when it lives there). Reads only
 * project.yml, so a project with broken models can still be cleaned; deletes only a folder
 * duckflow created, inside the project unless allowed otherwise (see removeTarget).
 */
export function clean(options: Pick<LoadOptions, 'projectDir'> & CleanOptions = {}): string[] {
  const dir = resolve(options.projectDir ?? '.');
  // A dbt project's clean deletes its clean-targets, as dbt's does.
  if (isDbtProject(dir)) return cleanDbtProject(dir);
  const { file, config } = readProjectFile(dir);
  return removeTarget(dir, file, config, options);
}

/** `deps`: install a dbt project's packages into dbt_packages/ (local ones linked, git ones cloned). */
export function deps(options: Pick<LoadOptions, 'projectDir'> = {}): Map<string, string> {
  return installDbtDeps(resolve(options.projectDir ?? '.'));
}
