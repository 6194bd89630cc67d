/**
 * `--compare-ref <git ref>`: the project and engine as they stand at another commit (main,
 * say), unpacked once per commit into the bench cache, so the bench can build it on the same
 * export and compare every table with the build under test (compare.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export function checkoutReference(repo: string, cacheDir: string, ref: string): string {
  const sha = execFileSync('git', ['-C', repo, 'rev-parse', '--verify', `${ref}^{commit}`], {
    encoding: 'utf8',
  }).trim();
  const dir = join(cacheDir, `reference-${sha.slice(0, 12)}`);
  if (existsSync(dir)) return dir;
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  execFileSync('sh', ['-c', `git -C "$0" archive "$1" | tar -x -C "$2"`, repo, sha, partial]);
  // The repository's packages, linked one by one: the CLI caches its bundle of src/ in
  // node_modules/.cache, which must not be shared between the two engines.
  const modules = join(partial, 'node_modules');
  mkdirSync(modules);
  for (const entry of readdirSync(join(repo, 'node_modules')))
    if (entry !== '.cache') symlinkSync(join(repo, 'node_modules', entry), join(modules, entry));
  renameSync(partial, dir);
  return dir;
}
