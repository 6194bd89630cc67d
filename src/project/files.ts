import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Files below `dirs` (relative to `root`) whose names match, as sorted project-relative paths. */
export function findFiles(
  root: string,
  dirs: string[],
  matches: (name: string) => boolean,
): string[] {
  const found: string[] = [];
  for (const dir of dirs) {
    const abs = join(root, dir);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) continue;
    for (const entry of readdirSync(abs, { recursive: true, encoding: 'utf8' })) {
      const full = join(abs, entry);
      if (matches(entry) && statSync(full).isFile()) found.push(toPosix(relative(root, full)));
    }
  }
  return found.sort();
}

export function toPosix(p: string): string {
  return p.split(sep).join('/');
}

/** Folders between a model path and the file: `models/staging/web/x.sql` → ['staging', 'web']. */
export function foldersBelow(path: string, roots: string[]): string[] {
  const root = roots.find((r) => path.startsWith(`${r.replace(/\/$/, '')}/`));
  const rest = root ? path.slice(root.replace(/\/$/, '').length + 1) : path;
  return rest.split('/').slice(0, -1);
}
