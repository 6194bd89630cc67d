/**
 * The documentation's view of a project: every model, seed and source with its columns (types
 * from the database catalog, descriptions from YAML), its tests with their last result, its
 * SQL and its neighbours. Built from the loaded project plus target/run_results.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Compiler } from '../compile/compiler.ts';
import { adapterPlugin } from '../adapters/registry.ts';
import type {
  DashboardNode,
  ExposureNode,
  ModelNode,
  ProjectNode,
  TestNode,
  UnitTestNode,
} from '../core/nodes.ts';
import { buildsRelation } from '../materializations/registry.ts';
import type { Session } from '../runner/session.ts';
import { catalogKey, type Catalog, type Columns } from './catalog.ts';

/** The colour a node gets in the lineage graph: the worst of its own run and its tests. */
export type Health = 'error' | 'fail' | 'warn' | 'skipped' | 'success' | 'none';

export interface LastResult {
  status: string;
  message: string;
  execution_time: number;
  rows_affected: number | null;
  failures: number | null;
  completed_at: string | null;
}

export interface DocsTest {
  id: string;
  name: string;
  test: string;
  column: string | null;
  severity: string;
  result: LastResult | null;
}

export interface DocsColumn {
  name: string;
  /** From the database catalog; null when the relation is not built or lacks the column. */
  type: string | null;
  description: string;
  /** False when YAML documents a column the built relation lacks; null when nothing is built. */
  in_database: boolean | null;
  documented: boolean;
  tests: string[];
}

export interface DocsNode {
  id: string;
  kind: 'model' | 'seed' | 'source' | 'dashboard' | 'exposure';
  name: string;
  path: string;
  description: string;
  tags: string[];
  materialized: string;
  relation: string | null;
  /** Seeds: the data file read; sources: the relation or reader SQL. */
  location: string | null;
  columns: DocsColumn[];
  tests: DocsTest[];
  unit_tests: { name: string; description: string; result: LastResult | null }[];
  depends_on: string[];
  children: string[];
  raw_sql: string | null;
  compiled_sql: string | null;
  result: LastResult | null;
  health: Health;
}

export interface DocsData {
  project: {
    name: string;
    generated_at: string;
    target: string;
    database: string | null;
    built: boolean;
  };
  last_run: {
    command: string;
    started_at: string;
    elapsed_seconds: number;
    success: boolean;
  } | null;
  nodes: DocsNode[];
  /** [from, to]: `to` depends on `from`. */
  edges: [string, string][];
}

interface RunResultsFile {
  command: string;
  started_at: string;
  elapsed_seconds: number;
  success: boolean;
  results: {
    unique_id: string;
    name: string;
    kind: string;
    status: string;
    message: string;
    execution_time: number;
    rows_affected: number | null;
    failures: number | null;
    timing: { completed_at: string };
  }[];
}

export function readRunResults(targetPath: string): RunResultsFile | undefined {
  const path = join(targetPath, 'run_results.json');
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunResultsFile;
  } catch {
    // A run interrupted while writing leaves a partial file: docs still describe the project.
    return undefined;
  }
}

const HEALTH_ORDER: Health[] = ['error', 'fail', 'warn', 'skipped', 'success', 'none'];
const worst = (a: Health, b: Health): Health =>
  HEALTH_ORDER.indexOf(a) <= HEALTH_ORDER.indexOf(b) ? a : b;

function healthOf(status: string | undefined): Health {
  switch (status) {
    case 'error':
    case 'fail':
    case 'warn':
    case 'skipped':
      return status;
    case 'success':
    case 'pass':
      return 'success';
    default:
      return 'none';
  }
}

export function describeProject(
  session: Session,
  catalog: Catalog,
  sources: Map<string, Columns>,
  runResults: RunResultsFile | undefined,
  databaseBuilt: boolean,
): DocsData {
  const { project, graph } = session;
  const results = new Map<string, LastResult>();
  for (const r of runResults?.results ?? []) {
    const last = {
      status: r.status,
      message: r.message,
      execution_time: r.execution_time,
      rows_affected: r.rows_affected,
      failures: r.failures,
      completed_at: r.timing?.completed_at ?? null,
    };
    results.set(r.unique_id, last);
  }
  const compiler = new Compiler(project, session.renderer);
  const documented = graph
    .nodes()
    .filter(
      (n): n is ProjectNode => n.kind === 'model' || n.kind === 'seed' || n.kind === 'source',
    );
  const dashboards = graph
    .nodes()
    .filter(
      (n): n is DashboardNode | ExposureNode => n.kind === 'dashboard' || n.kind === 'exposure',
    );
  const ids = new Set([...documented, ...dashboards].map((n) => n.id));
  const testsOf = new Map<string, TestNode[]>();
  const unitTestsOf = new Map<string, UnitTestNode[]>();
  for (const n of graph.nodes()) {
    if (n.kind === 'test' && n.attachedTo)
      testsOf.set(n.attachedTo, [...(testsOf.get(n.attachedTo) ?? []), n]);
    if (n.kind === 'unit_test')
      unitTestsOf.set(n.attachedTo, [...(unitTestsOf.get(n.attachedTo) ?? []), n]);
  }

  const nodes = documented.map((node): DocsNode => {
    const tests = (testsOf.get(node.id) ?? []).map((t): DocsTest => ({
      id: t.id,
      name: t.name,
      test: t.declaration?.test ?? 'singular',
      column: t.column ?? null,
      severity: t.config.severity,
      result: results.get(t.id) ?? null,
    }));
    const result = results.get(node.id) ?? null;
    let health = healthOf(result?.status);
    for (const t of tests) health = worst(health, healthOf(t.result?.status));
    const relation =
      node.kind === 'source'
        ? null
        : node.kind === 'model' && !buildsRelation(node)
          ? null
          : { schema: node.schema, name: node.alias };
    const unitTests = (unitTestsOf.get(node.id) ?? []).map((u) => ({
      name: u.name,
      description: u.description,
      result: results.get(u.id) ?? null,
    }));
    for (const u of unitTests) health = worst(health, healthOf(u.result?.status));
    return {
      id: node.id,
      kind: node.kind,
      name: node.kind === 'source' ? `${node.sourceName}.${node.tableName}` : node.name,
      path: node.path,
      description: node.description,
      tags: node.tags,
      materialized:
        node.kind === 'model' ? node.materialized : node.kind === 'seed' ? 'seed' : 'source',
      relation: relation ? `${relation.schema}.${relation.name}` : null,
      location:
        node.kind === 'seed'
          ? relative(project.dir, node.file) || node.file
          : node.kind === 'source'
            ? project.dialect.relation(node.relation)
            : null,
      columns: mergeColumns(
        node,
        relation
          ? catalog.get(catalogKey(relation.schema, relation.name))?.columns
          : sources.get(node.id),
        tests,
      ),
      tests,
      unit_tests: unitTests,
      depends_on: node.dependsOn.filter((d) => ids.has(d)),
      children: graph.children(node.id).filter((c) => ids.has(c)),
      raw_sql: node.kind === 'model' ? node.rawSql : null,
      compiled_sql: node.kind === 'model' ? compileQuietly(compiler, node) : null,
      result,
      health,
    };
  });
  return {
    project: {
      name: project.name,
      generated_at: new Date().toISOString(),
      target: project.target.name,
      database: adapterPlugin(project.target.type).location(project.target) ?? null,
      built: databaseBuilt,
    },
    last_run: runResults
      ? {
          command: runResults.command,
          started_at: runResults.started_at,
          elapsed_seconds: runResults.elapsed_seconds,
          success: runResults.success,
        }
      : null,
    nodes: [...nodes, ...dashboards.map((d) => describeDashboard(d, graph, ids))],
    edges: [...nodes, ...dashboards.map((d) => ({ id: d.id, depends_on: d.dependsOn }))].flatMap(
      (n) => n.depends_on.filter((d) => ids.has(d)).map((d): [string, string] => [d, n.id]),
    ),
  };
}

/** A dashboard in the lineage and search: a leaf downstream of everything its tiles read. */
function describeDashboard(
  d: DashboardNode | ExposureNode,
  graph: Session['graph'],
  ids: Set<string>,
): DocsNode {
  return {
    id: d.id,
    kind: d.kind,
    name: d.name,
    path: d.path,
    description: d.description,
    tags: d.tags,
    // An exposure shows its type and maturity, and links where it lives.
    materialized:
      d.kind === 'dashboard' ? 'dashboard' : [d.type, d.maturity].filter(Boolean).join(' · '),
    relation: null,
    location: d.kind === 'exposure' ? (d.url ?? null) : null,
    columns: [],
    tests: [],
    unit_tests: [],
    depends_on: d.dependsOn.filter((id) => ids.has(id)),
    children: graph.children(d.id),
    raw_sql: null,
    compiled_sql: null,
    result: null,
    health: 'none',
  };
}

/** Database columns in table order, then columns documented in YAML but missing from the database. */
function mergeColumns(
  node: ProjectNode,
  dbColumns: Columns | undefined,
  tests: DocsTest[],
): DocsColumn[] {
  const yaml = new Map(Object.values(node.columns).map((c) => [c.name.toLowerCase(), c]));
  const testsOn = (name: string) =>
    tests.filter((t) => t.column?.toLowerCase() === name.toLowerCase()).map((t) => t.test);
  const columns: DocsColumn[] = (dbColumns ?? []).map((c) => {
    const doc = yaml.get(c.name.toLowerCase());
    yaml.delete(c.name.toLowerCase());
    return {
      name: c.name,
      type: c.type,
      description: doc?.description ?? '',
      in_database: true,
      documented: doc !== undefined,
      tests: testsOn(c.name),
    };
  });
  for (const doc of yaml.values()) {
    columns.push({
      name: doc.name,
      type: doc.data_type ?? null,
      description: doc.description,
      in_database: dbColumns ? false : null,
      documented: true,
      tests: testsOn(doc.name),
    });
  }
  return columns;
}

function compileQuietly(compiler: Compiler, node: ModelNode): string | null {
  try {
    return compiler.compileModel(node).sql;
  } catch {
    // The docs still show the raw SQL; the build reports the template error with its position.
    return null;
  }
}
