import { ProjectError, ProjectErrors } from '../core/errors.ts';
import type {
  DashboardNode,
  ExposureNode,
  ModelNode,
  Project,
  ProjectNode,
} from '../core/nodes.ts';
import type { Renderer } from '../templating/renderer.ts';
import type { TestNode } from '../core/nodes.ts';
import type { UnitTestNode } from '../core/nodes.ts';
import { ModelConfig, SnapshotConfig } from '../project/configSchema.ts';
import { snapshotConfigProblem } from '../project/snapshots.ts';
import { validateValue } from '../project/yamlFile.ts';
import { dbtInlineConfig } from '../project/dbt/project.ts';
import { didYouMean } from '../util/closest.ts';
import { Dag } from './dag.ts';
import { escapeRegExp } from '../util/regexp.ts';

export type GraphNode = ProjectNode | TestNode | UnitTestNode | DashboardNode | ExposureNode;
export type Graph = Dag<GraphNode>;

/** Line of the first call matching `pattern`; only looked up for errors (line 1 when made by a macro). */
function lineOf(text: string, pattern: string): number {
  const m = new RegExp(pattern).exec(text);
  return m ? text.slice(0, m.index).split('\n').length : 1;
}

/**
 * Render every model once to learn what it refs and how it configures itself (dbt's parse
 * phase), then check every ref and assemble the DAG. All problems are reported together.
 */
export function parseModels(project: Project, renderer: Renderer): void {
  const errors: ProjectError[] = [];
  for (const model of project.models.values()) {
    const refs: string[] = [];
    const sources: [string, string][] = [];
    const inline: Record<string, unknown> = {};
    try {
      renderer.render(model.rawSql, {
        path: model.path,
        ref: (name) => (refs.push(name), `"${name}"`),
        source: (s, t) => (sources.push([s, t]), `"${s}"."${t}"`),
        config: (values) => Object.assign(inline, values),
        configValues: model.config,
        self: project.dialect.relation({
          kind: 'table',
          schema: model.schema,
          identifier: model.alias,
        }),
      });
    } catch (e) {
      errors.push(
        e instanceof ProjectError ? e : new ProjectError(String(e), { file: model.path }),
      );
      continue;
    }
    try {
      applyInlineConfig(
        model,
        project.dbt ? dbtInlineConfig(inline, inlineConfigAt(model), project.dbt.warnings) : inline,
      );
    } catch (e) {
      if (!(e instanceof ProjectErrors)) throw e;
      errors.push(...e.errors);
      continue;
    }
    const problem = model.materialized === 'snapshot' && snapshotConfigProblem(model.config);
    if (problem) {
      errors.push(new ProjectError(`snapshot '${model.name}': ${problem}`, { file: model.path }));
      continue;
    }
    model.refs = [...new Set(refs)];
    model.sources = uniquePairs(sources).map(([source, table]) => ({ source, table }));
  }
  if (errors.length > 0) throw new ProjectErrors(errors);
}

function uniquePairs(pairs: [string, string][]): [string, string][] {
  const seen = new Set<string>();
  return pairs.filter(([a, b]) => !seen.has(`${a}.${b}`) && seen.add(`${a}.${b}`));
}

/**
 * `{{ config() }}` in a model's SQL is checked against the same schema as YAML config (unknown
 * keys with "did you mean", allowed values), errors pointing at the `config(` call's line.
 */
const inlineConfigAt = (model: ModelNode) => ({
  file: model.path,
  line: lineOf(model.rawSql, '\\bconfig\\s*\\('),
});

function applyInlineConfig(model: ModelNode, inline: Record<string, unknown>): void {
  if (Object.keys(inline).length === 0) return;
  const at = inlineConfigAt(model);
  const snapshot = model.materialized === 'snapshot';
  validateValue(inline, snapshot ? SnapshotConfig : ModelConfig, () => at);
  Object.assign(model.config, inline);
  if (inline.materialized !== undefined) model.materialized = String(inline.materialized);
  // On an incremental model the strategy refuses them (incrementalBatch.ts); elsewhere they
  // would validate and do nothing.
  const microbatchOnly = ['batch_size', 'lookback', 'begin'].filter((k) => k in inline);
  if (microbatchOnly.length > 0 && model.materialized !== 'incremental')
    throw new ProjectError(
      `${microbatchOnly.join(', ')} configure microbatch models; ${model.name} is materialized '${model.materialized}': set materialized='incremental', incremental_strategy='microbatch', or remove them`,
      at,
    );
  const schema = inline.schema ?? (snapshot ? inline.target_schema : undefined);
  if (schema !== undefined) model.schema = String(schema);
  if (inline.alias !== undefined) model.alias = String(inline.alias);
  if (inline.enabled !== undefined) model.enabled = inline.enabled !== false;
  if (inline.tags !== undefined)
    model.tags = [...new Set([...model.tags, ...[inline.tags].flat().map(String)])];
}

/** Resolve every model's refs and sources to node ids; all unknown names are reported together. */
export function resolveDependencies(project: Project): void {
  const errors: ProjectError[] = [];
  const enabledNames = [...project.models.values(), ...project.seeds.values()]
    .filter((n) => n.enabled)
    .map((n) => n.name);
  for (const model of project.models.values()) {
    if (!model.enabled) continue;
    const deps: string[] = [];
    for (const ref of model.refs) {
      const target = project.models.get(ref) ?? project.seeds.get(ref);
      const at = () => ({
        file: model.path,
        line: lineOf(model.rawSql, `ref\\(\\s*['"]${escapeRegExp(ref)}['"]`),
      });
      if (!target) {
        errors.push(
          new ProjectError(
            `ref('${ref}') does not match any model or seed${didYouMean(ref, enabledNames)}`,
            at(),
          ),
        );
      } else if (!target.enabled) {
        errors.push(
          new ProjectError(
            `ref('${ref}') points at a disabled ${target.kind} (${target.path}); enable it or remove the ref`,
            at(),
          ),
        );
      } else deps.push(target.id);
    }
    for (const s of model.sources) {
      const key = `${s.source}.${s.table}`;
      const target = project.sources.get(key);
      const line = () =>
        lineOf(
          model.rawSql,
          `source\\(\\s*['"]${escapeRegExp(s.source)}['"]\\s*,\\s*['"]${escapeRegExp(s.table)}['"]`,
        );
      if (!target)
        errors.push(
          new ProjectError(
            `source('${s.source}', '${s.table}') is not declared in any sources: block${didYouMean(key, project.sources.keys())}`,
            { file: model.path, line: line() },
          ),
        );
      else deps.push(target.id);
    }
    model.dependsOn = [...new Set(deps)];
  }
  if (errors.length > 0) throw new ProjectErrors(errors);
  const graph = new Dag<ProjectNode>(projectNodes(project));
  const cycle = graph.findCycle();
  if (cycle) {
    const path = cycle.map((id) => graph.get(id).name).join(' -> ');
    throw new ProjectErrors([
      new ProjectError(`dependency cycle: ${path}`, { file: graph.get(cycle[0]).path }),
    ]);
  }
}

/**
 * The graph of enabled nodes, their tests and the dashboards that read them (tests and
 * dashboards are leaves, so they add no cycle).
 */
export function assembleGraph(project: Project, tests: (TestNode | UnitTestNode)[] = []): Graph {
  return new Dag<GraphNode>([
    ...projectNodes(project),
    ...tests,
    ...(project.dashboards?.values() ?? []),
    ...(project.exposures?.values() ?? []),
  ]);
}

function projectNodes(project: Project): ProjectNode[] {
  return [
    ...[...project.models.values()].filter((m) => m.enabled),
    ...[...project.seeds.values()].filter((s) => s.enabled),
    ...project.sources.values(),
  ];
}
