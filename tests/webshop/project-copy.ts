/**
 * The webshop project (project.yml, models, macros, seeds) copied into a fresh temp directory,
 * so a test can build it without touching the repository's target/ (the target path lives in
 * project.yml and cannot be overridden from the API). Other exports (such as the committed real
 * sample in tests/fixtures) are not copied: point the raw_events seed at them with the events_path var.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ProjectCopy {
  dir: string;
  remove(): void;
}

export function copyProject(options: { withCommittedEvents?: boolean } = {}): ProjectCopy {
  const dir = mkdtempSync(join(tmpdir(), 'webshop-'));
  for (const entry of ['project.yml', 'models', 'macros'])
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  cpSync(join(ROOT, 'seeds'), join(dir, 'seeds'), {
    recursive: true,
    filter: (src) => options.withCommittedEvents !== false || !src.endsWith('raw_events.ndjson.gz'),
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
