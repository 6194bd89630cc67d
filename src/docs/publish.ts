/**
 * Replace a generated folder in one step, so a server reading it while `docs generate` runs sees
 * the whole old site or the whole new one, never a missing or half-written file. Renaming the
 * old folder away and the new one in leaves a moment with no folder at all; so the published
 * path is a symbolic link to the current version, and a new link is renamed over it (rename(2)
 * replaces it atomically). The version it pointed to is removed afterwards.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';

const isLink = (path: string) => existsSync(path) && lstatSync(path).isSymbolicLink();

function link(versionDir: string, at: string): void {
  // Windows creates junctions without extra rights; they need an absolute target.
  if (process.platform === 'win32') symlinkSync(resolve(versionDir), at, 'junction');
  else symlinkSync(basename(versionDir), at, 'dir');
}

/** Write a new version with `write(dir)` beside `path`, then make `path` show it. */
export function publishDir<T>(path: string, write: (dir: string) => T): T {
  const parent = dirname(path);
  mkdirSync(parent, { recursive: true });
  const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const version = join(parent, `.${basename(path)}-${id}`);
  mkdirSync(version);
  let result: T;
  try {
    result = write(version);
  } catch (e) {
    rmSync(version, { recursive: true, force: true });
    throw e;
  }
  const previous = isLink(path) ? resolve(parent, readlinkSync(path)) : undefined;
  if (!previous && existsSync(path)) {
    // A folder from before versions were linked: moved aside once, then removed.
    const aside = `${version}-old`;
    renameSync(path, aside);
    rmSync(aside, { recursive: true, force: true });
  }
  const tmpLink = `${version}.link`;
  link(version, tmpLink);
  renameSync(tmpLink, path);
  if (previous && previous !== resolve(version)) rmSync(previous, { recursive: true, force: true });
  return result;
}
