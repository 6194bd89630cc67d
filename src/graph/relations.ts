import { ProjectError, ProjectErrors } from '../errors.ts';
import type { ModelNode, Project, SeedNode } from '../project/types.ts';

type Materializing = ModelNode | SeedNode;

/**
 * Every node that writes a relation must write its own: a model and a seed sharing a name would
 * make `ref()` ambiguous, and two nodes writing one relation would replace each other or
 * conflict at run time. Run after inline `config()` is applied (it can change schema, alias and
 * materialization). DuckDB folds identifier case, so `Orders` and `orders` are the same relation.
 */
export function checkRelationNames(project: Project): void {
  const nodes: Materializing[] = [
    ...[...project.models.values()].filter((m) => m.enabled && m.materialized !== 'ephemeral'),
    ...[...project.seeds.values()].filter((s) => s.enabled),
  ];
  const errors: ProjectError[] = [];
  const byName = new Map<string, Materializing>();
  const byRelation = new Map<string, Materializing>();
  const describe = (n: Materializing) => `${n.kind} ${n.path}`;
  for (const node of nodes) {
    const sameName = byName.get(node.name);
    const relation = `${node.schema}.${node.alias}`;
    const sameRelation = byRelation.get(relation.toLowerCase());
    if (sameName && sameName.kind !== node.kind)
      errors.push(
        new ProjectError(
          `duplicate name '${node.name}': ${describe(sameName)} and ${describe(node)}; ref('${node.name}') would be ambiguous, rename one`,
          { file: node.path },
        ),
      );
    else if (sameRelation)
      errors.push(
        new ProjectError(
          `duplicate relation ${relation}: both ${describe(sameRelation)} and ${describe(node)} would build it; set a different alias or schema`,
          { file: node.path },
        ),
      );
    byName.set(node.name, sameName ?? node);
    byRelation.set(relation.toLowerCase(), sameRelation ?? node);
  }
  if (errors.length > 0) throw new ProjectErrors(errors);
}
