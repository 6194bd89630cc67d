/**
 * The target folder (target-path): where duckflow writes compiled SQL and artifacts, and the one
 * folder `clean` deletes. A marker file written when duckflow creates the folder is what makes
 * a folder deletable: a folder that existed before (a user's, or the project itself) never gets it.
 */
import { existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ProjectError, UsageError } from '../core/errors.ts';
import type { ProjectFile } from './config.ts';
import { positionOf, type YamlFile } from './yamlFile.ts';

export const TARGET_MARKER = '.duckflow-target';

const settingOf = (config: ProjectFile) => config['target-path'] ?? 'target';

/** Whether `child` lies strictly inside `parent`. */
function isInside(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r !== '' && !isAbsolute(r) && r.split(sep)[0] !== '..';
}

/**
 * Where target-path points. The project folder itself or a parent of it is refused for every
 * command: duckflow's output would land among the project's files, and clean could not work.
 */
export function resolveTargetPath(dir: string, file: YamlFile, config: ProjectFile): string {
  const setting = settingOf(config);
  const path = resolve(dir, setting);
  const what =
    path === resolve(dir)
      ? 'is the project folder itself'
      : isInside(path, dir)
        ? 'is a parent of the project folder'
        : undefined;
  if (what)
    throw new ProjectError(
      `target-path '${setting}' ${what}: duckflow writes its output there and 'clean' deletes it; use a folder of its own, e.g. 'target'`,
      positionOf(file, ['target-path']),
    );
  return path;
}

/** Create the target folder, marked as duckflow's, unless it exists (then it is left unmarked). */
export function ensureTargetDir(path: string): void {
  if (existsSync(path)) return;
  mkdirSync(path, { recursive: true });
  writeFileSync(
    join(path, TARGET_MARKER),
    "duckflow's target folder (build output): 'duckflow clean' deletes it.\n",
  );
}

export interface CleanOptions {
  /** Delete a target outside the project folder; target-path must then be absolute. */
  allowOutsideProject?: boolean;
}

/**
 * `clean`: delete the target folder, only when it lies inside the project (or, with
 * allowOutsideProject, is named by an absolute path) and carries duckflow's marker. Symlinks
 * are followed before deciding where the folder is.
 */
export function removeTarget(
  dir: string,
  file: YamlFile,
  config: ProjectFile,
  options: CleanOptions = {},
): string[] {
  const setting = settingOf(config);
  const path = resolveTargetPath(dir, file, config);
  if (!existsSync(path)) return [];
  const real = realpathSync(path);
  const root = realpathSync(dir);
  if (!isInside(root, real)) {
    const resolved = real === path ? '' : ` (it resolves to ${real})`;
    if (real === root || isInside(real, root))
      throw new UsageError(
        `target-path '${setting}'${resolved} is the project folder or a parent of it: not deleting it`,
      );
    if (!(isAbsolute(setting) && options.allowOutsideProject))
      throw new UsageError(
        `target-path '${setting}'${resolved} is outside the project folder: clean deletes a target outside the project only when target-path is absolute and --allow-outside-project is given`,
      );
  }
  if (!existsSync(join(real, TARGET_MARKER)))
    throw new UsageError(
      `${path} does not look like a duckflow target (it has no ${TARGET_MARKER} file): not deleting it; if duckflow made it before it marked its targets, delete it yourself`,
    );
  rmSync(path, { recursive: true, force: true });
  return [path];
}
