/**
 * dbt packages: packages.yml / dependencies.yml, `duckflow deps` installing them into
 * dbt_packages/ (local ones linked, git ones cloned), and the installed packages' macros.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parse as parseYamlValue } from 'yaml';
import { ProjectError } from '../../core/errors.ts';
import type { MacroFile, MacroPackage, ProjectWarning } from '../../core/nodes.ts';
import { findFiles } from '../files.ts';
import { readProjectText } from '../readText.ts';
import { parseYaml, positionOf } from '../yamlFile.ts';
import { configRenderer } from '../renderConfig.ts';
import { renderDeep } from './profiles.ts';

export interface PackageSpec {
  local?: string;
  git?: string;
  revision?: string;
  subdirectory?: string;
  package?: string;
  version?: unknown;
  tarball?: string;
}

const SPEC_FILES = ['packages.yml', 'dependencies.yml'];

/** The packages a project (or package) depends on, from packages.yml or dependencies.yml. */
export function readPackageSpecs(dir: string): { file: string; specs: PackageSpec[] } | undefined {
  const name = SPEC_FILES.find((f) => existsSync(join(dir, f)));
  if (!name) return undefined;
  const file = parseYaml(name, readProjectText(dir, name));
  const packages = (file.value as { packages?: unknown }).packages ?? [];
  if (!Array.isArray(packages))
    throw new ProjectError(`'packages' must be a list`, positionOf(file, ['packages']));
  // dbt renders packages.yml with env_var, so a private repository's URL can hold a token.
  const render = configRenderer();
  const specs = packages.map((spec: unknown, i) =>
    renderDeep(spec, (text, at) => {
      try {
        return render(text, name);
      } catch (e) {
        throw new ProjectError((e as Error).message, positionOf(file, ['packages', i, ...at]));
      }
    }),
  );
  return { file: name, specs: specs as PackageSpec[] };
}

/** A package's name: the `name` of its dbt_project.yml. */
function packageName(dir: string): string {
  const path = join(dir, 'dbt_project.yml');
  if (!existsSync(path)) throw new Error(`${dir} is not a dbt package: it has no dbt_project.yml`);
  const value = parseYamlValue(readProjectText(dir, 'dbt_project.yml')) as { name?: unknown };
  if (typeof value?.name !== 'string') throw new Error(`${path} has no 'name'`);
  return value.name;
}

/**
 * Install every package into `<project>/<installPath>/<name>`, and their own packages after them.
 * Local packages are linked, as dbt does, so edits show without reinstalling; git packages are
 * cloned at their revision. Returns what was installed, by name.
 */
export function installPackages(projectDir: string, installPath: string): Map<string, string> {
  const into = resolve(projectDir, installPath);
  mkdirSync(into, { recursive: true });
  const installed = new Map<string, string>();
  const pending: { from: string; spec: PackageSpec; file: string }[] = [];
  const queue = (dir: string) => {
    const found = readPackageSpecs(dir);
    for (const spec of found?.specs ?? []) pending.push({ from: dir, spec, file: found!.file });
  };
  queue(projectDir);
  while (pending.length > 0) {
    const { from, spec, file } = pending.shift()!;
    let source: string;
    let cleanup: string | undefined;
    if (spec.local !== undefined) {
      // As in dbt, a local path is relative to the root project, whichever package names it.
      source = isAbsolute(spec.local) ? spec.local : resolve(projectDir, spec.local);
      if (!existsSync(source))
        throw new ProjectError(`local package ${spec.local}: no such folder (${source})`, {
          file: join(relative(projectDir, from), file),
        });
    } else if (spec.git !== undefined) {
      cleanup = mkdtempSync(join(tmpdir(), 'duckflow-deps-'));
      const args = ['clone', '--quiet', '--depth', '1'];
      if (spec.revision) args.push('--branch', String(spec.revision));
      try {
        execFileSync('git', [...args, spec.git, join(cleanup, 'repo')], { stdio: 'pipe' });
      } catch (e) {
        rmSync(cleanup, { recursive: true, force: true });
        throw new ProjectError(
          `git package ${spec.git}: clone failed: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`,
          { file },
        );
      }
      source = join(cleanup, 'repo', spec.subdirectory ?? '');
    } else {
      const what = spec.package ?? spec.tarball ?? JSON.stringify(spec);
      throw new ProjectError(
        `package ${what}: only local: and git: packages can be installed (hub and tarball packages need the dbt Hub); give its git: URL and revision instead`,
        { file },
      );
    }
    const name = packageName(source);
    if (installed.has(name)) continue;
    const dest = join(into, name);
    rmSync(dest, { recursive: true, force: true });
    if (cleanup) {
      renameSync(source, dest);
      rmSync(cleanup, { recursive: true, force: true });
    } else symlinkSync(source, dest, 'dir');
    installed.set(name, dest);
    queue(dest);
  }
  return installed;
}

/**
 * The installed packages (each folder of the install path with a dbt_project.yml) and their
 * macros. Their models and seeds are not built: each package holding some gets a warning.
 */
export function loadPackages(
  projectDir: string,
  installPath: string,
  warnings: ProjectWarning[] = [],
): MacroPackage[] {
  const root = resolve(projectDir, installPath);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter(
      (e) =>
        (e.isDirectory() || e.isSymbolicLink()) &&
        existsSync(join(root, e.name, 'dbt_project.yml')),
    )
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => {
      const dir = join(root, e.name);
      const config = parseYamlValue(readProjectText(dir, 'dbt_project.yml')) as {
        name: string;
        'macro-paths'?: string[];
        'model-paths'?: string[];
        'seed-paths'?: string[];
      };
      const unbuilt = [
        ...findFiles(dir, config['model-paths'] ?? ['models'], (n) => n.endsWith('.sql')),
        ...findFiles(dir, config['seed-paths'] ?? ['seeds'], (n) => n.endsWith('.csv')),
      ];
      if (unbuilt.length > 0)
        warnings.push({
          message: `package '${config.name}': its ${unbuilt.length} model and seed file(s) (${unbuilt.slice(0, 3).join(', ')}${unbuilt.length > 3 ? ', ...' : ''}) are not built; duckflow uses a package's macros and generic tests`,
          position: { file: relative(projectDir, join(dir, 'dbt_project.yml')) },
        });
      const macros: MacroFile[] = findFiles(dir, config['macro-paths'] ?? ['macros'], (n) =>
        n.endsWith('.sql'),
      ).map((path) => ({
        path: relative(projectDir, join(dir, path)),
        text: readProjectText(dir, path),
      }));
      return { name: config.name, macros };
    });
}
