/**
 * dbt's profile-free commands on a dbt project: `clean` (its clean-targets) and `deps` (its
 * packages). They read only dbt_project.yml, as dbt does, so they work before a profile exists.
 */
import { existsSync, realpathSync, rmSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parse as parseYamlValue } from 'yaml';
import { UsageError } from '../../core/errors.ts';
import { readProjectText } from '../readText.ts';
import { installPackages } from './packages.ts';

/** dbt_project.yml's raw settings, or undefined when the folder is not a dbt project. */
function dbtSettings(dir: string): Record<string, unknown> | undefined {
  if (existsSync(join(dir, 'project.yml')) || !existsSync(join(dir, 'dbt_project.yml')))
    return undefined;
  return (parseYamlValue(readProjectText(dir, 'dbt_project.yml')) ?? {}) as Record<string, unknown>;
}

export const isDbtProject = (dir: string) => dbtSettings(dir) !== undefined;

/** Delete each clean-target (default: the target path), refusing any outside the project. */
export function cleanDbtProject(dir: string): string[] {
  const settings = dbtSettings(dir)!;
  const targets = (settings['clean-targets'] as string[] | undefined) ?? [
    String(settings['target-path'] ?? 'target'),
  ];
  const root = realpathSync(dir);
  const removed: string[] = [];
  for (const target of targets) {
    const path = resolve(dir, String(target));
    if (!existsSync(path)) continue;
    const real = realpathSync(path);
    if (real === root || !real.startsWith(root + sep))
      throw new UsageError(
        `clean-targets '${target}' is ${real === root ? 'the project folder' : 'outside the project folder'}: not deleting it`,
      );
    rmSync(path, { recursive: true, force: true });
    removed.push(relative(dir, path));
  }
  return removed;
}

/** Install packages.yml / dependencies.yml packages; returns the installed packages by name. */
export function installDbtDeps(dir: string): Map<string, string> {
  const settings = dbtSettings(dir);
  if (!settings) throw new UsageError(`${dir} is not a dbt project (no dbt_project.yml)`);
  return installPackages(dir, String(settings['packages-install-path'] ?? 'dbt_packages'));
}
