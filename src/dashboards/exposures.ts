import { ProjectError, ProjectErrors } from '../core/errors.ts';
import type { Project } from '../core/nodes.ts';
import type { Renderer } from '../templating/renderer.ts';
import { didYouMean } from '../util/closest.ts';

/**
 * What each exposure depends on: its `depends_on:` entries (`ref('x')`, `source('s', 't')`)
 * rendered as templates, so every spelling dbt accepts is read the same way. Unknown names are
 * project errors, reported together.
 */
export function resolveExposures(project: Project, renderer: Renderer): void {
  const errors: ProjectError[] = [];
  const named = new Map(
    [...project.models.values(), ...project.seeds.values()]
      .filter((n) => n.enabled)
      .map((n) => [n.name, n.id]),
  );
  for (const exposure of project.exposures.values()) {
    const deps = new Set<string>();
    const at = { file: exposure.path, line: exposure.line };
    for (const text of exposure.dependsOnText) {
      const found: string[] = [];
      try {
        renderer.render(`{{ ${text} }}`, {
          path: exposure.path,
          ref: (name) => {
            const id = named.get(name);
            if (!id)
              throw new Error(
                `ref('${name}') does not match any model or seed${didYouMean(name, named.keys())}`,
              );
            found.push(id);
            return '';
          },
          source: (s, t) => {
            const source = project.sources.get(`${s}.${t}`);
            if (!source)
              throw new Error(
                `source('${s}', '${t}') is not declared in any sources: block${didYouMean(`${s}.${t}`, project.sources.keys())}`,
              );
            found.push(source.id);
            return '';
          },
        });
      } catch (e) {
        const message = (e as Error).message.replace(/^.*?template error: /s, '');
        errors.push(new ProjectError(`exposure '${exposure.name}': ${message}`, at));
        continue;
      }
      for (const id of found) deps.add(id);
    }
    exposure.dependsOn = [...deps];
  }
  if (errors.length > 0) throw new ProjectErrors(errors);
}
