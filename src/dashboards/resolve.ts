/**
 * What each dashboard reads: the models and seeds its tiles name (`model:`) or ref in their SQL,
 * and the sources that SQL reads. Unknown names are project errors, reported together with the
 * closest known name, as for a model's refs.
 */
import { ProjectError, ProjectErrors } from '../errors.ts';
import type { DashboardNode, Project, TileSpec } from '../project/types.ts';
import type { Renderer } from '../templating/renderer.ts';
import { didYouMean } from '../util/closest.ts';

const REF = /^\s*ref\(\s*(['"])(.+)\1\s*\)\s*$/;

/** The model or seed name a tile's `model:` names: `ref('x')` or plain `x`. */
export function tileModelName(model: string): string {
  return REF.exec(model)?.[2] ?? model.trim();
}

/** Refs and sources a tile reads, found by rendering its SQL once (as models are parsed). */
export function tileInputs(
  tile: TileSpec,
  dashboard: DashboardNode,
  renderer: Renderer,
): { refs: string[]; sources: [string, string][] } {
  if (tile.model !== undefined) return { refs: [tileModelName(tile.model)], sources: [] };
  const refs: string[] = [];
  const sources: [string, string][] = [];
  renderer.render(tile.sql!, {
    path: dashboard.path,
    ref: (name) => (refs.push(name), `"${name}"`),
    source: (s, t) => (sources.push([s, t]), `"${s}"."${t}"`),
  });
  return { refs, sources };
}

export function resolveDashboards(project: Project, renderer: Renderer): void {
  const errors: ProjectError[] = [];
  const readable = [...project.models.values(), ...project.seeds.values()].filter(
    (n) => n.enabled && !(n.kind === 'model' && n.materialized === 'ephemeral'),
  );
  const byName = new Map(readable.map((n) => [n.name, n]));
  for (const dashboard of project.dashboards.values()) {
    const deps = new Set<string>();
    for (const tile of dashboard.tiles) {
      const at = { ...tile.at, file: dashboard.path };
      const where = `dashboard '${dashboard.name}', tile '${tile.name}'`;
      let inputs;
      try {
        inputs = tileInputs(tile, dashboard, renderer);
      } catch (e) {
        errors.push(new ProjectError(`${where}: ${(e as Error).message}`, at));
        continue;
      }
      for (const ref of inputs.refs) {
        const node = byName.get(ref);
        const model = project.models.get(ref);
        if (node) deps.add(node.id);
        else if (model?.enabled && model.materialized === 'ephemeral')
          errors.push(
            new ProjectError(
              `${where}: ref('${ref}') is an ephemeral model, which has no relation to read; materialize it as a view or table`,
              at,
            ),
          );
        else
          errors.push(
            new ProjectError(
              `${where}: ref('${ref}') does not match any model or seed that has a relation${didYouMean(ref, byName.keys())}`,
              at,
            ),
          );
      }
      for (const [s, t] of inputs.sources) {
        const source = project.sources.get(`${s}.${t}`);
        if (source) deps.add(source.id);
        else
          errors.push(
            new ProjectError(
              `${where}: source('${s}', '${t}') is not declared in any sources: block${didYouMean(`${s}.${t}`, project.sources.keys())}`,
              at,
            ),
          );
      }
    }
    dashboard.dependsOn = [...deps];
  }
  if (errors.length > 0) throw new ProjectErrors(errors);
}
