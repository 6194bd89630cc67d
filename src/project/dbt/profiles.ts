/**
 * dbt's profiles.yml: found where dbt looks (--profiles-dir, DBT_PROFILES_DIR, the project
 * folder, ~/.dbt), its values rendered (`env_var`, `var`), its outputs mapped to duckflow
 * targets. Keys of an output duckflow cannot honour are warned about at their line.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { ProjectError, UsageError } from '../../core/errors.ts';
import { didYouMean } from '../../util/closest.ts';
import { readProjectText } from '../readText.ts';
import { parseYaml, positionOf, type YamlFile } from '../yamlFile.ts';
import type { ProjectFile } from '../config.ts';
import type { Warnings } from './warnings.ts';

export interface ProfileOptions {
  profilesDir?: string;
  target?: string;
}

/** What each output key of a dbt adapter becomes in a duckflow target; others are warned about. */
const OUTPUT_KEYS: Record<string, Record<string, string | null>> = {
  // dbt-duckdb: `database` names the attached file (derived from `path`); `threads` are shared.
  duckdb: { path: 'path', settings: 'settings', database: null },
  postgres: {
    host: 'host',
    port: 'port',
    user: 'user',
    password: 'password',
    pass: 'password',
    dbname: 'database',
    database: 'database',
  },
};
const SHARED_KEYS = new Set(['type', 'schema', 'threads']);

/** The folders searched for profiles.yml, in dbt's order. */
export function profileDirs(projectDir: string, options: ProfileOptions): string[] {
  if (options.profilesDir) return [resolve(options.profilesDir)];
  const fromEnv = process.env.DBT_PROFILES_DIR;
  if (fromEnv) return [resolve(fromEnv)];
  return [projectDir, join(homedir(), '.dbt')];
}

export function readProfile(
  projectDir: string,
  profileName: string,
  options: ProfileOptions,
  render: (text: string, file: YamlFile, path: (string | number)[]) => unknown,
  warnings: Warnings,
): { targets: NonNullable<ProjectFile['targets']>; target: string; text: string } {
  const dirs = profileDirs(projectDir, options);
  const dir = dirs.find((d) => existsSync(join(d, 'profiles.yml')));
  if (!dir)
    throw new ProjectError(
      `dbt_project.yml uses profile '${profileName}', but no profiles.yml was found in ${dirs.join(' or ')} (give --profiles-dir or set DBT_PROFILES_DIR)`,
      { file: 'dbt_project.yml' },
    );
  const shown = relative(projectDir, join(dir, 'profiles.yml')) || 'profiles.yml';
  const text = readProjectText(dir, 'profiles.yml');
  const file = { ...parseYaml(shown.startsWith('..') ? join(dir, 'profiles.yml') : shown, text) };
  const all = (file.value ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(all))
    if (key === 'config')
      warnings.warn(file, [key], `'config' (dbt's user settings) has no effect in duckflow`);
  const profile = all[profileName] as
    { target?: string; outputs?: Record<string, Record<string, unknown>> } | undefined;
  if (!profile || typeof profile !== 'object')
    throw new ProjectError(
      `profile '${profileName}' is not in ${file.path}${didYouMean(profileName, Object.keys(all))}`,
      { file: file.path },
    );
  const outputs = profile.outputs ?? {};
  const rawTarget =
    options.target ??
    (profile.target ? String(render(profile.target, file, [profileName, 'target'])) : 'dev');
  if (!outputs[rawTarget]) {
    const message = `target '${rawTarget}' is not an output of profile '${profileName}' in ${file.path}${didYouMean(rawTarget, Object.keys(outputs))}`;
    if (options.target) throw new UsageError(message);
    throw new ProjectError(message, positionOf(file, [profileName, 'target']));
  }
  const targets: NonNullable<ProjectFile['targets']> = {};
  for (const [name, output] of Object.entries(outputs)) {
    // Only the chosen output is rendered: others may read environment variables not set here.
    if (name !== rawTarget) continue;
    const at = [profileName, 'outputs', name];
    const values = Object.fromEntries(
      Object.entries(output).map(([k, v]) => [
        k,
        renderDeep(v, (s, p) => render(s, file, [...at, k, ...p])),
      ]),
    );
    const type = String(values.type ?? '');
    const mapping = OUTPUT_KEYS[type];
    if (!mapping)
      throw new ProjectError(
        `output '${name}' has type '${type}': duckflow runs on ${Object.keys(OUTPUT_KEYS).join(' and ')}`,
        positionOf(file, [...at, 'type']),
      );
    const target: Record<string, unknown> = { type };
    if (values.schema !== undefined) target.schema = String(values.schema);
    // dbt's default is one thread.
    target.threads = values.threads === undefined ? 1 : Number(values.threads);
    for (const [key, value] of Object.entries(values)) {
      if (SHARED_KEYS.has(key)) continue;
      if (!(key in mapping)) {
        warnings.warn(
          file,
          [...at, key],
          `'${key}' of a ${type} output is not supported by duckflow; ignored`,
        );
        continue;
      }
      const native = mapping[key];
      if (native === null) continue;
      target[native] = key === 'port' ? Number(value) : value;
    }
    if (type === 'duckdb') {
      const path = String(target.path ?? ':memory:');
      target.path = path;
      // dbt-duckdb names the database after the file; `database:` may only repeat that name.
      const database = path === ':memory:' ? 'memory' : basename(path).replace(/\.[^.]*$/, '');
      if (values.database !== undefined && values.database !== database)
        warnings.warn(
          file,
          [...at, 'database'],
          `database '${String(values.database)}' differs from the file's name '${database}'; duckflow uses '${database}'`,
        );
    }
    targets[name] = target as NonNullable<ProjectFile['targets']>[string];
  }
  return { targets, target: rawTarget, text };
}

/** Render every template string inside a value (a list, a settings map, ...). */
export function renderDeep(
  value: unknown,
  render: (s: string, path: (string | number)[]) => unknown,
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') return value.includes('{{') ? render(value, path) : value;
  if (Array.isArray(value)) return value.map((v, i) => renderDeep(v, render, [...path, i]));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, renderDeep(v, render, [...path, k])]),
    );
  return value;
}
