/**
 * dbt's relation naming: `generate_schema_name` and `generate_alias_name`, the project's own
 * macros when it defines them, else dbt's defaults (a custom schema `marts` builds in
 * `<target schema>_marts`; the alias is the custom alias or the node's name). Descriptions
 * may call `doc()`, rendered once the project's docs blocks are known.
 */
import type { ModelNode, Project, ProjectNode, SeedNode } from '../../core/nodes.ts';
import type { Renderer } from '../../templating/renderer.ts';

/** What dbt passes as `node` to the naming macros. */
function nodeContext(project: Project, node: ModelNode | SeedNode) {
  return {
    name: node.name,
    unique_id: node.id,
    resource_type: node.kind,
    package_name: project.name,
    original_file_path: node.path,
    path: node.path,
    fqn: [project.name, ...node.folders, node.name],
    config: node.config,
    tags: node.tags,
  };
}

export function applyDbtNaming(project: Project, renderer: Renderer): void {
  const target = project.target.schema;
  for (const node of [...project.models.values(), ...project.seeds.values()]) {
    const scope = { path: node.path, ref: () => '', source: () => '' };
    const ctx = nodeContext(project, node);
    /** The project's macro `name` when it defines one, else dbt's default. */
    const generate = (name: string, key: string, custom: string | null, fallback: string) =>
      renderer.hasMacro(name)
        ? String(renderer.callMacro(name, scope, { [key]: custom, node: ctx })).trim()
        : fallback;
    const customSchema = (node.config.schema as string | undefined) ?? null;
    const customAlias = (node.config.alias as string | undefined) ?? null;
    node.schema = generate(
      'generate_schema_name',
      'custom_schema_name',
      customSchema,
      customSchema === null ? target : `${target}_${customSchema.trim()}`,
    );
    node.alias = generate(
      'generate_alias_name',
      'custom_alias_name',
      customAlias,
      customAlias?.trim() ?? node.name,
    );
  }
}

/** Render descriptions (of nodes and their columns) that use `doc()` or other templates. */
export function renderDescriptions(
  nodes: ProjectNode[],
  render: (text: string, path: string) => string,
): void {
  for (const node of nodes) {
    if (node.description.includes('{{')) node.description = render(node.description, node.path);
    for (const column of Object.values(node.columns))
      if (column.description.includes('{{'))
        column.description = render(column.description, node.path);
  }
}
