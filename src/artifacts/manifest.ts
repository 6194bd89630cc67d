import { join } from 'node:path';
import type { Graph, GraphNode } from '../graph/resolve.ts';
import type { Dialect } from '../core/dialect.ts';
import {
  resourceType,
  type DashboardNode,
  type ExposureNode,
  type Project,
} from '../core/nodes.ts';
import { buildsRelation } from '../materializations/registry.ts';
import { DUCKFLOW_VERSION } from '../core/version.ts';
import { writeFileAtomic } from '../util/atomicWrite.ts';
import { MacroIndex } from '../graph/macros.ts';
import { relationOf } from '../compile/compiler.ts';

export const MANIFEST_SCHEMA_VERSION = 1;

/** Unit tests are listed under `unit_tests` (as in dbt's manifest), not among the nodes. */
const isUnitTest = (graph: Graph, id: string) => graph.get(id).kind === 'unit_test';

/** The fields exposures and dashboards share, as the manifest writes them. */
function describeExposureBase(e: ExposureNode | DashboardNode): Record<string, unknown> {
  return {
    unique_id: e.id,
    kind: e.kind,
    name: e.name,
    path: e.path,
    line: e.line ?? null,
    description: e.description,
    owner: e.owner ?? null,
    tags: e.tags,
    meta: e.meta,
    depends_on: e.dependsOn,
  };
}

/** Dashboards are listed under `dashboards`, as dbt lists exposures apart from its nodes. */
function describeDashboard(d: DashboardNode): Record<string, unknown> {
  return {
    ...describeExposureBase(d),
    title: d.title,
    tiles: d.tiles.map((t) => ({
      name: t.name,
      type: t.type,
      title: t.title,
      caption: t.caption,
      model: t.model ?? null,
      sql: t.sql ?? null,
    })),
  };
}

/**
 * dbt's `exposures`: those declared as such, and every dashboard as one of type `dashboard`
 * (a dashboard is an exposure with charts), so tools reading dbt's manifest see both.
 */
function describeExposure(e: ExposureNode | DashboardNode): Record<string, unknown> {
  const own = e.kind === 'exposure';
  return {
    ...describeExposureBase(e),
    label: own ? (e.label ?? null) : e.title,
    type: own ? e.type : 'dashboard',
    maturity: own ? (e.maturity ?? null) : null,
    url: own ? (e.url ?? null) : null,
  };
}

function describeNode(
  node: Exclude<GraphNode, { kind: 'unit_test' | 'dashboard' | 'exposure' }>,
  graph: Graph,
  dialect: Dialect,
  macros: MacroIndex,
): Record<string, unknown> {
  const common = {
    unique_id: node.id,
    kind: resourceType(node),
    name: node.name,
    path: node.path,
    description: node.description,
    tags: node.tags,
    config: node.config,
    depends_on: node.dependsOn,
    children: graph.children(node.id).filter((c) => !isUnitTest(graph, c)),
    checksum: node.checksum,
  };
  switch (node.kind) {
    case 'model':
      return {
        ...common,
        materialized: node.materialized,
        schema: node.schema,
        alias: node.alias,
        columns: node.columns,
        raw_sql: node.rawSql,
        compiled_path: !buildsRelation(node) ? null : join('compiled', node.path),
        relation: buildsRelation(node) ? dialect.relation(relationOf(node)) : null,
        depends_on_macros: macros.usedBy(node.rawSql),
      };
    case 'seed':
      return {
        ...common,
        schema: node.schema,
        alias: node.alias,
        columns: node.columns,
        file: node.file,
        format: node.format,
        column_types: node.columnTypes,
        relation: dialect.relation(relationOf(node)),
      };
    case 'source':
      return {
        ...common,
        source_name: node.sourceName,
        table_name: node.tableName,
        relation: dialect.relation(node.relation),
        columns: node.columns,
      };
    case 'test':
      return {
        ...common,
        test_type: node.testType,
        test_name: node.declaration?.test ?? node.name,
        attached_to: node.attachedTo ?? null,
        column_name: node.column ?? null,
        arguments: node.declaration?.args ?? {},
        line: node.line ?? null,
        compiled_path: join('compiled', node.compiledPath),
        // A generic test is its `test_<name>` macro applied; a singular test, its own SQL.
        depends_on_macros: macros.usedBy(node.rawSql ?? `test_${node.declaration?.test}(`),
      };
  }
}

/** target/manifest.json: every node with its config, dependencies and source checksum. */
export function buildManifest(
  project: Project,
  graph: Graph,
  invocationId: string,
): Record<string, unknown> {
  const nodes: Record<string, unknown> = {};
  const dashboards: Record<string, unknown> = {};
  const exposures: Record<string, unknown> = {};
  const macros = new MacroIndex(project.macros);
  for (const n of graph.nodes()) {
    if (n.kind === 'dashboard') {
      dashboards[n.id] = describeDashboard(n);
      exposures[n.id] = describeExposure(n);
    } else if (n.kind === 'exposure') exposures[n.id] = describeExposure(n);
    else if (n.kind !== 'unit_test') nodes[n.id] = describeNode(n, graph, project.dialect, macros);
  }
  return {
    schema_version: MANIFEST_SCHEMA_VERSION,
    metadata: {
      duckflow_version: DUCKFLOW_VERSION,
      generated_at: new Date().toISOString(),
      invocation_id: invocationId,
      project_name: project.name,
      target: {
        name: project.target.name,
        type: project.target.type,
        schema: project.target.schema,
      },
    },
    nodes,
    dashboards,
    exposures,
    unit_tests: project.unitTests.map((u) => ({
      name: u.name,
      model: u.model,
      path: u.file,
      line: u.line ?? null,
      description: u.description ?? '',
    })),
    macros: project.macros.map((m) => m.path),
    macro_checksums: Object.fromEntries([...macros.checksums].sort()),
  };
}

/** Write an artifact whole or not at all (see writeFileAtomic). */
export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}
