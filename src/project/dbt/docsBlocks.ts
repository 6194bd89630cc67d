import { ProjectError } from '../../core/errors.ts';
import { findFiles } from '../files.ts';
import { readProjectText } from '../readText.ts';

const DOCS_BLOCK = /\{%-?\s*docs\s+(\w+)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;

/** `{% docs name %}…{% enddocs %}` blocks of the .md files under `paths`, by name. */
export function readDocsBlocks(dir: string, paths: string[]): Map<string, string> {
  const docs = new Map<string, string>();
  const where = new Map<string, string>();
  for (const path of findFiles(dir, paths, (n) => n.endsWith('.md'))) {
    for (const m of readProjectText(dir, path).matchAll(DOCS_BLOCK)) {
      const previous = where.get(m[1]);
      if (previous)
        throw new ProjectError(`docs block '${m[1]}' is defined twice: also in ${previous}`, {
          file: path,
        });
      where.set(m[1], path);
      docs.set(m[1], m[2].trim());
    }
  }
  return docs;
}
