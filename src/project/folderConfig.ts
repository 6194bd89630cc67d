/**
 * dbt-style folder config: `models: { staging: { materialized: view, +tags: [x] } }`. Keys that
 * are config names (or start with '+') apply to the folder and everything below; other keys are
 * sub-folders. A top-level key equal to the project name is descended into, as in dbt.
 */
export function folderConfig(
  tree: Record<string, unknown> | undefined,
  projectName: string,
  folders: string[],
  configKeys: ReadonlySet<string>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  if (!tree) return merged;
  const levels: Record<string, unknown>[] = [tree];
  const node: unknown =
    tree[projectName] && typeof tree[projectName] === 'object' ? tree[projectName] : undefined;
  if (node) levels.push(node as Record<string, unknown>);
  let current = (node ?? tree) as Record<string, unknown>;
  for (const folder of folders) {
    const next = current[folder];
    if (!next || typeof next !== 'object' || Array.isArray(next)) break;
    current = next as Record<string, unknown>;
    levels.push(current);
  }
  for (const level of levels) {
    for (const [key, value] of Object.entries(level)) {
      const name = key.replace(/^\+/, '');
      if (key.startsWith('+') || configKeys.has(name)) merged[name] = value;
    }
  }
  return merged;
}

export function asTags(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
