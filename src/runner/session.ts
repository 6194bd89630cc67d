import { randomUUID } from 'node:crypto';
import { Compiler } from '../compile/compiler.ts';
import { checkRelationNames } from '../graph/relations.ts';
import { assembleGraph, parseModels, resolveDependencies, type Graph } from '../graph/resolve.ts';
import { resolveDashboards } from '../dashboards/resolve.ts';
import { resolveExposures } from '../dashboards/exposures.ts';
import { loadProject, type LoadOptions } from '../project/loader.ts';
import type { Project } from '../core/nodes.ts';
import { ensureTargetDir } from '../project/targetPath.ts';
import { Renderer } from '../templating/renderer.ts';
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
  const project = loadProject(options);
  const renderer = new Renderer({
    vars: project.vars,
    target: { name: project.target.name, schema: project.target.schema, type: project.target.type },
    macros: project.macros,
  });
  parseModels(project, renderer);
  checkRelationNames(project);
  resolveDependencies(project);
  resolveDashboards(project, renderer);
  resolveExposures(project, renderer);
  // Tests compile against final relation names; this compiler only serves test collection.
  const tests = collectTests(project, new Compiler(project, renderer));
  const graph = assembleGraph(project, [...tests, ...collectUnitTests(project)]);
  ensureTargetDir(project.targetPath);
  project.parseCache.save();
  return { project, renderer, graph, invocationId: randomUUID(), startedAt };
}
