/**
 * An example (examples/<name>) copied into a fresh temp directory with the repository's macros/
 * beside it at the same relative place (`macro-paths: [..., ../../macros]`), so a test builds it
 * without touching the repository's example folder.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../webshop/project-copy.ts';

export interface ExampleCopy {
  dir: string;
  remove(): void;
}

export const copySiteVisits = (): ExampleCopy => copyExample('site-visits');

export function copyExample(name: string): ExampleCopy {
  const root = mkdtempSync(join(tmpdir(), `${name}-`));
  const dir = join(root, 'examples', name);
  cpSync(join(ROOT, 'examples', name), dir, {
    recursive: true,
    filter: (src) => !src.includes(`${join(name, 'target')}`),
  });
  cpSync(join(ROOT, 'macros'), join(root, 'macros'), { recursive: true });
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
