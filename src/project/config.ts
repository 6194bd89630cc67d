import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYamlValue } from 'yaml';
import { ProjectError, UsageError } from '../core/errors.ts';
import { didYouMean } from '../util/closest.ts';
import { readProjectText } from './readText.ts';
import { parseYaml, positionOf, validateValue, validateYaml, type YamlFile } from './yamlFile.ts';
import { readDbtProjectFile, type DbtInfo } from './dbt/project.ts';
import { projectSchema } from './schemas.ts';
import { adapterPlugin } from '../adapters/registry.ts';
import { configRenderer } from './renderConfig.ts';
import type { TargetConfig } from '../core/nodes.ts';

export interface ProjectFile {
  name: string;
  target?: string;
  targets?: Record<
    string,
    { type: string; schema?: string; threads?: number } & Record<string, unknown>
  >;
  'model-paths'?: string[];
  'seed-paths'?: string[];
  'macro-paths'?: string[];
  'test-paths'?: string[];
  'snapshot-paths'?: string[];
  'target-path'?: string;
  vars?: Record<string, unknown>;
  models?: Record<string, unknown>;
  seeds?: Record<string, unknown>;
  data_tests?: Record<string, unknown>;
  snapshots?: Record<string, unknown>;
  'on-run-start'?: string[];
  'on-run-end'?: string[];
  build?: { 'test-gate'?: boolean };
}

export interface LoadOptions {
  projectDir?: string;
  /** Where a dbt project's profiles.yml is (dbt's --profiles-dir). */
  profilesDir?: string;
  target?: string;
  /** `--vars`: YAML or JSON text, or an already parsed object. */
  vars?: string | Record<string, unknown>;
  /** Overrides the target's thread count. */
  threads?: number;
  /** Told each warning about the project (a dbt key duckflow does not honour), once. */
  onWarning?: (message: string) => void;
  /** Where templates' `log(msg, info=True)` and `exceptions.warn` messages go (default stderr). */
  log?: (message: string) => void;
}

export function readProjectFile(
  dir: string,
  options: LoadOptions = {},
): {
  file: YamlFile;
  config: ProjectFile;
  /** The file's text, which every parse result of the project depends on. */
  text: string;
  /** Set when the project is a dbt project (dbt_project.yml, no project.yml). */
  dbt?: DbtInfo;
} {
  const path = join(dir, 'project.yml');
  if (!existsSync(path)) {
    const dbt = readDbtProjectFile(dir, options);
    if (dbt) {
      validateValue(dbt.config, projectSchema, (at, key) => positionOf(dbt.file, at, key));
      return { ...dbt, text: `${dbt.text}\0${dbt.dbt.profileText}` };
    }
    throw new ProjectError(
      `no project.yml found in ${dir}, nor a dbt_project.yml (use --project-dir to point at a project)`,
    );
  }
  const text = readProjectText(dir, 'project.yml');
  const file = parseYaml('project.yml', text);
  return { file, config: validateYaml<ProjectFile>(file, projectSchema), text };
}

export function resolveTarget(
  dir: string,
  file: YamlFile,
  config: ProjectFile,
  options: LoadOptions,
): TargetConfig {
  const targets = config.targets ?? { dev: { type: 'duckdb' } };
  const name = options.target ?? config.target ?? 'dev';
  const raw = targets[name];
  if (!raw) {
    const message = `target '${name}' is not defined in targets${didYouMean(name, Object.keys(targets))}`;
    if (options.target) throw new UsageError(message);
    throw new ProjectError(message, positionOf(file, ['target']));
  }
  const { type, schema, threads, ...own } = raw;
  // Target values may read the environment, as dbt's profiles do: `password: "{{ env_var('PGPASSWORD') }}"`.
  const render = configRenderer({}, { name, schema: '', type });
  const rendered = Object.fromEntries(
    Object.entries(own).map(([key, value]) => {
      if (typeof value !== 'string' || !value.includes('{')) return [key, value];
      try {
        return [key, render(value, file.path)];
      } catch (e) {
        throw new ProjectError(
          `targets.${name}.${key}: ${(e as Error).message}`,
          positionOf(file, ['targets', name, key]),
        );
      }
    }),
  );
  return adapterPlugin(type).resolveTarget(
    rendered,
    { name, type, schema: schema ?? 'main', threads: options.threads ?? threads ?? 4 },
    { dir, projectName: config.name },
  );
}

export function parseCliVars(vars: LoadOptions['vars']): Record<string, unknown> {
  if (vars === undefined) return {};
  if (typeof vars !== 'string') return vars;
  let parsed: unknown;
  try {
    parsed = parseYamlValue(vars);
  } catch (e) {
    throw new UsageError(
      `--vars is not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UsageError(`--vars must be a mapping, e.g. '{events_path: data/events.json}'`);
  return parsed as Record<string, unknown>;
}
