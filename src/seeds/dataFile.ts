import { statSync } from 'node:fs';

/** Why a seed's data file cannot be read, or undefined when it is a regular file. */
export function dataFileProblem(file: string): string | undefined {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return 'data file not found';
  }
  if (stat.isDirectory()) return 'is a directory, not a data file';
  // A device or FIFO never ends (/dev/zero) or blocks: reading it would grow memory or hang.
  if (!stat.isFile()) return 'is not a regular file (a device, FIFO or socket)';
  return undefined;
}

/**
 * DuckDB's readers expand `*`, `?` and `[...]` in a path: `x[1].csv` would read `x1.csv`. Each
 * metacharacter becomes a one-character class (`[[]`), so the path names exactly its own file.
 */
export function literalPath(file: string): string {
  return file.replace(/[*?[]/g, (c) => `[${c}]`);
}

/**
 * Which setting chose a seed's file, for errors: the var its `path` template reads (given, or
 * left at its default), or the config key itself.
 */
export function pathOrigin(template: string, vars: Record<string, unknown>): string {
  const used = /\bvar\(\s*['"]([^'"]+)['"]/.exec(template)?.[1];
  if (!used) return 'config.path';
  return used in vars ? `var '${used}'` : `the default of var '${used}'`;
}
