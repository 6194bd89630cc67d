/**
 * A dbt project read as it is: dbt_project.yml and the profile it names, translated into the
 * native project config (project.yml's shape). Every key dbt documents for dbt_project.yml is
 * honoured here or warned about at its line (KEYS below); none is an error or dropped silently.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectError } from '../../core/errors.ts';
import { configRenderer } from '../renderConfig.ts';
import { readProjectText } from '../readText.ts';
import { parseYaml, positionOf, type YamlFile } from '../yamlFile.ts';
import { MODEL_CONFIG_KEYS, SEED_CONFIG_KEYS, TEST_CONFIG_KEYS } from '../configSchema.ts';
import { parseCliVars, type LoadOptions, type ProjectFile } from '../config.ts';
import { readProfile, renderDeep } from './profiles.ts';
import { Warnings, type ProjectWarning } from './warnings.ts';

/** What a dbt project says beyond the native config. */
export interface DbtInfo {
  profileName: string;
  warnings: ProjectWarning[];
  /** Folders `clean` removes (dbt's clean-targets), relative to the project. */
  cleanTargets: string[];
  dispatch: { macro_namespace: string; search_order: string[] }[];
  /** Folders holding `{% docs %}` blocks (.md files). */
  docsPaths: string[];
  packagesInstallPath: string;
  /** The profile file's text: a change there invalidates parsed results, as the project file's does. */
  profileText: string;
}

type Handler =
  | 'same' // honoured under the same name
  | 'accepted' // describes the project to dbt (version, profile): nothing to do
  | { rename: string }
  | { warn: string }
  | 'special'; // translated below

/** dbt_project.yml keys, as dbt-core's Project contract lists them. */
export const DBT_PROJECT_KEYS: Record<string, Handler> = {
  name: 'same',
  version: 'same',
  'config-version': 'accepted',
  'require-dbt-version': 'accepted',
  'project-root': 'accepted',
  profile: 'accepted',
  'model-paths': 'same',
  'source-paths': { rename: 'model-paths' },
  'seed-paths': 'same',
  'data-paths': { rename: 'seed-paths' },
  'macro-paths': 'same',
  'test-paths': 'same',
  'target-path': 'same',
  'docs-paths': 'special',
  'packages-install-path': 'special',
  'clean-targets': 'special',
  vars: 'special',
  models: 'special',
  seeds: 'special',
  tests: 'special',
  data_tests: 'special',
  'on-run-start': 'special',
  'on-run-end': 'special',
  dispatch: 'special',
  'analysis-paths': 'special',
  'snapshot-paths': 'same',
  'asset-paths': { warn: 'the docs site does not copy assets' },
  'function-paths': { warn: 'user-defined functions are not supported' },
  'log-path': { warn: 'duckflow writes no log file' },
  quoting: { warn: 'duckflow always quotes identifiers' },
  'query-comment': { warn: 'duckflow adds no query comments' },
  'restrict-access': { warn: 'model access (groups) is not enforced' },
  'dbt-cloud': { warn: 'dbt Cloud settings have no effect' },
  flags: { warn: 'dbt behaviour flags have no effect' },
  snapshots: {
    warn: 'snapshot configs in the project file are not applied: configure each snapshot in its own file',
  },
  analyses: { warn: 'analyses are not compiled' },
  sources: { warn: 'source configs from the project file are not supported' },
  unit_tests: { warn: 'unit test configs from the project file are not supported' },
  metrics: { warn: 'metrics (semantic layer) are not supported' },
  'semantic-models': { warn: 'semantic models are not supported' },
  'saved-queries': { warn: 'saved queries are not supported' },
  exposures: { warn: 'exposure configs in the project file are not applied' },
  functions: { warn: 'user-defined functions are not supported' },
  packages: { warn: 'packages are read from packages.yml or dependencies.yml' },
};

/** dbt's config names spelled differently in duckflow. */
const CONFIG_RENAMES: Record<string, string> = { 'pre-hook': 'pre_hook', 'post-hook': 'post_hook' };

/** dbt configs duckflow does not act on: warned about, then left out. */
const UNSUPPORTED_CONFIG: Record<string, string> = {
  persist_docs: 'comments are not written to the database',
  full_refresh: 'set --full-refresh on the command line instead',
  grants: 'grants are not applied',
  sql_header: 'SQL headers are not supported',
  database: 'duckflow builds in the target database',
  group: 'groups are not supported',
  access: 'model access is not enforced',
  quoting: 'duckflow always quotes identifiers',
  quote_columns: 'seed columns are always quoted',
  batch_size: 'microbatch is not supported',
  event_time: 'microbatch is not supported',
  lookback: 'microbatch is not supported',
  begin: 'microbatch is not supported',
  concurrent_batches: 'microbatch is not supported',
  copy_grants: 'grants are not applied',
  location: "dbt-duckdb's external materialization is not supported",
  partition_by: "dbt-duckdb's external materialization is not supported",
  labels: 'labels are not applied',
  store_failures_as: 'failures are stored as tables',
  fail_calc: 'the failure count is count(*)',
};

export function readDbtProjectFile(
  dir: string,
  options: LoadOptions,
): { file: YamlFile; config: ProjectFile; text: string; dbt: DbtInfo } | undefined {
  if (!existsSync(join(dir, 'dbt_project.yml'))) return undefined;
  const text = readProjectText(dir, 'dbt_project.yml');
  const file = parseYaml('dbt_project.yml', text);
  const raw = (file.value ?? {}) as Record<string, unknown>;
  if (typeof raw.name !== 'string' || !/^[A-Za-z_]\w*$/.test(raw.name))
    throw new ProjectError(
      `'name' must be a project name (letters, digits, _)`,
      positionOf(file, ['name']),
    );
  const warnings = new Warnings();
  const name = raw.name;

  const vars = projectVars(raw.vars, name);
  const cliVars = parseCliVars(options.vars);
  const allVars = { ...vars, ...cliVars };
  const profileName = typeof raw.profile === 'string' ? raw.profile : name;
  const render = renderWith(allVars, { name: '', schema: '', type: '' });
  const profile = readProfile(dir, profileName, options, render, warnings);
  const chosen = profile.targets[profile.target];
  const renderProject = renderWith(allVars, {
    name: profile.target,
    schema: String(chosen.schema ?? 'main'),
    type: chosen.type,
    profile_name: profileName,
    threads: chosen.threads,
  });

  const config: ProjectFile = { name, targets: profile.targets, target: profile.target, vars };
  const dbt: DbtInfo = {
    profileName,
    warnings: warnings.list,
    cleanTargets: [],
    dispatch: [],
    docsPaths: [],
    packagesInstallPath: 'dbt_packages',
    profileText: profile.text,
  };
  const out = config as unknown as Record<string, unknown>;
  const paths = (key: string) => {
    const v = raw[key];
    return (Array.isArray(v) ? v : [v]).map(String);
  };
  for (const [key, value] of Object.entries(raw)) {
    const handler = DBT_PROJECT_KEYS[key];
    if (handler === undefined) {
      warnings.warn(file, [key], `'${key}' is not a dbt_project.yml key duckflow knows; ignored`);
      continue;
    }
    if (handler === 'accepted') continue;
    if (handler === 'same') out[key] = value;
    else if (typeof handler === 'object' && 'rename' in handler) out[handler.rename] = value;
    else if (typeof handler === 'object') {
      if (!isEmpty(value)) warnings.warn(file, [key], `'${key}': ${handler.warn}; ignored`);
    } else
      switch (key) {
        case 'docs-paths':
          dbt.docsPaths = paths(key);
          break;
        case 'packages-install-path':
          dbt.packagesInstallPath = String(value);
          break;
        case 'clean-targets':
          dbt.cleanTargets = paths(key);
          break;
        case 'on-run-start':
        case 'on-run-end':
          out[key] = [value ?? []].flat().map(String);
          break;
        case 'dispatch':
          dbt.dispatch = (value as DbtInfo['dispatch']) ?? [];
          break;
        case 'analysis-paths':
          for (const p of paths(key))
            if (hasSql(join(dir, p)))
              warnings.warn(
                file,
                [key],
                `'${key}': analyses are not compiled; the .sql files in ${p}/ are ignored`,
              );
          break;
        case 'models':
          out.models = configTree(file, [key], value, MODEL_CONFIG_KEYS, warnings, renderProject);
          break;
        case 'seeds':
          out.seeds = configTree(file, [key], value, SEED_CONFIG_KEYS, warnings, renderProject);
          break;
        case 'tests':
        case 'data_tests':
          out.data_tests = configTree(
            file,
            [key],
            value,
            TEST_CONFIG_KEYS,
            warnings,
            renderProject,
          );
          break;
      }
  }
  if (dbt.cleanTargets.length === 0) dbt.cleanTargets = [String(out['target-path'] ?? 'target')];
  if (dbt.docsPaths.length === 0)
    dbt.docsPaths = [
      ...new Set([
        ...((out['model-paths'] as string[]) ?? ['models']),
        ...((out['seed-paths'] as string[]) ?? ['seeds']),
        ...((out['macro-paths'] as string[]) ?? ['macros']),
        ...((out['test-paths'] as string[]) ?? ['tests']),
      ]),
    ];
  return { file, config, text, dbt };
}

const isEmpty = (v: unknown) =>
  v === null ||
  v === undefined ||
  v === false ||
  (typeof v === 'object' && Object.keys(v).length === 0);

function hasSql(dir: string): boolean {
  try {
    return readdirRecursive(dir).some((f) => f.endsWith('.sql'));
  } catch {
    return false;
  }
}

const readdirRecursive = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[];

/** dbt vars: global ones, and those scoped to this project (`vars: {my_project: {...}}`). */
function projectVars(raw: unknown, name: string): Record<string, unknown> {
  const vars = { ...((raw as Record<string, unknown>) ?? {}) };
  const scoped = vars[name];
  if (scoped && typeof scoped === 'object' && !Array.isArray(scoped)) {
    delete vars[name];
    Object.assign(vars, scoped);
  }
  return vars;
}

type Render = (text: string, file: YamlFile, path: (string | number)[]) => unknown;

/**
 * dbt renders dbt_project.yml and profiles.yml with `var` and `env_var`; a value that renders to
 * true/false or a number becomes one, as dbt's native rendering does (`+enabled: "{{ var('x') }}"`).
 */
function renderWith(
  vars: Record<string, unknown>,
  target: { name: string; schema: string; type: string } & Record<string, unknown>,
): Render {
  const render = configRenderer(vars, target);
  return (text, file, path) => {
    let out: string;
    try {
      out = render(text, file.path).trim();
    } catch (e) {
      throw new ProjectError((e as Error).message, positionOf(file, path));
    }
    if (/^(true|false)$/i.test(out)) return out.toLowerCase() === 'true';
    if (/^-?\d+(\.\d+)?$/.test(out)) return Number(out);
    if (out === 'None' || out === 'none') return null;
    return out;
  };
}

/**
 * A folder config tree (`models: {my_project: {staging: {+materialized: view}}}`): config keys
 * (with or without dbt's '+') translated, unsupported ones warned about, templates rendered.
 * Hooks stay templates: they render when they run.
 */
function configTree(
  file: YamlFile,
  at: (string | number)[],
  tree: unknown,
  known: ReadonlySet<string>,
  warnings: Warnings,
  render: Render,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!tree || typeof tree !== 'object') return out;
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    const path = [...at, key];
    const bare = key.replace(/^\+/, '');
    const name = CONFIG_RENAMES[bare] ?? bare;
    const isConfig = key.startsWith('+') || known.has(name) || name in UNSUPPORTED_CONFIG;
    if (!isConfig) {
      if (value && typeof value === 'object' && !Array.isArray(value))
        out[key] = configTree(file, path, value, known, warnings, render);
      else
        warnings.warn(file, path, `'${key}' is neither a config nor a folder of settings; ignored`);
      continue;
    }
    if (!known.has(name)) {
      const why = UNSUPPORTED_CONFIG[name] ?? 'not a config duckflow knows';
      warnings.warn(file, path, `config '${bare}': ${why}; ignored`);
      continue;
    }
    out[`+${name}`] = name.endsWith('_hook')
      ? value
      : renderDeep(value, (s, p) => render(s, file, [...path, ...p]));
  }
  return out;
}

/**
 * `{{ config(...) }}` in a dbt model: dbt's spellings translated (`pre-hook`), and configs
 * duckflow does not act on left out with a warning at the call, as in the project file.
 */
export function dbtInlineConfig(
  inline: Record<string, unknown>,
  at: ProjectWarning['position'],
  warnings: ProjectWarning[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inline)) {
    const name = CONFIG_RENAMES[key] ?? key;
    if (MODEL_CONFIG_KEYS.has(name)) out[name] = value;
    else
      warnings.push({
        message: `config '${key}': ${UNSUPPORTED_CONFIG[name] ?? 'not a config duckflow knows'}; ignored`,
        position: at,
      });
  }
  return out;
}
