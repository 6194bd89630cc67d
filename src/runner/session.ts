import { randomUUID } from 'node:crypto';
import { formatPosition } from '../core/errors.ts';
import { Compiler } from '../compile/compiler.ts';
import { checkRelationNames } from '../graph/relations.ts';
import { assembleGraph, parseModels, resolveDependencies, type Graph } from '../graph/resolve.ts';
import { resolveDashboards } from '../dashboards/resolve.ts';
import { resolveExposures } from '../dashboards/exposures.ts';
import { loadProject, type LoadOptions } from '../project/loader.ts';
import type { Project } from '../core/nodes.ts';
import { ensureTargetDir } from '../project/targetPath.ts';
import { projectRenderer, type Renderer } from '../templating/renderer.ts';
import { applyDbtNaming } from '../project/dbt/naming.ts';
import { collectTests } from '../testing/collect.ts';
import { collectUnitTests } from '../testing/unit/collect.ts';

/** A loaded, parsed and checked project: everything a command needs before touching a database. */
export interface Session {
  project: Project;
  renderer: Renderer;
  graph: Graph;
  invocationId: string;
  startedAt: Date;
}

export function openSession(options: LoadOptions = {}): Session {
  const startedAt = new Date();
  const invocationId = randomUUID();
  const project = loadProject(options);
  const renderer = projectRenderer(project, {
    invocationId,
    runStartedAt: startedAt,
    log: options.log,
    cache: project.parseCache,
  });
  parseModels(project, renderer);
  // After parsing: models' own config() calls may add warnings.
  for (const w of project.dbt?.warnings ?? [])
    options.onWarning?.(`${formatPosition(w.position)}: ${w.message}`);
  if (project.dbt) applyDbtNaming(project, renderer);
  checkRelationNames(project);
  resolveDependencies(project);
  resolveDashboards(project, renderer);
  resolveExposures(project, renderer);
  // Tests compile against final relation names; this compiler only serves test collection.
  const tests = collectTests(project, new Compiler(project, renderer));
  const graph = assembleGraph(project, [...tests, ...collectUnitTests(project)]);
  ensureTargetDir(project.targetPath);
  project.parseCache.save();
  return { project, renderer, graph, invocationId, startedAt };
}
