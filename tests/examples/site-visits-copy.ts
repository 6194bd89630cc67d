/**
 * examples/site-visits copied into a fresh temp directory with the repository's macros/ beside
 * it at the same relative place (`macro-paths: [macros, ../../macros]`), so a test builds it
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

export function copySiteVisits(): ExampleCopy {
  const root = mkdtempSync(join(tmpdir(), 'site-visits-'));
  const dir = join(root, 'examples', 'site-visits');
  cpSync(join(ROOT, 'examples', 'site-visits'), dir, {
    recursive: true,
    filter: (src) => !src.includes(`${join('site-visits', 'target')}`),
  });
  cpSync(join(ROOT, 'macros'), join(root, 'macros'), { recursive: true });
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
