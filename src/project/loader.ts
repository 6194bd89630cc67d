import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { ProjectError, ProjectErrors } from '../core/errors.ts';
import { didYouMean } from '../util/closest.ts';
import { parseCliVars, readProjectFile, resolveTarget, type LoadOptions } from './config.ts';
import { findFiles, foldersBelow } from './files.ts';
import { MODEL_CONFIG_KEYS, SEED_CONFIG_KEYS } from './configSchema.ts';
import { asTags, folderConfig } from './folderConfig.ts';
import { ParseCache } from '../util/parseCache.ts';
import { schemasStamp } from './schemas.ts';
import { dataFileProblem, pathOrigin } from '../adapters/duckdb/seeds/dataFile.ts';
import { jsonFieldsOf } from './jsonFields.ts';
import { readProjectText } from './readText.ts';
import { emptyProperties, readProperties, type Described } from './properties.ts';
import { resolveTargetPath } from './targetPath.ts';
import { loadSnapshots } from './snapshots.ts';
import type {
  DashboardNode,
  ExposureNode,
  Materialization,
  ModelNode,
  Project,
  SeedFormat,
  SeedNode,
  SourceNode,
} from '../core/nodes.ts';
import { adapterPlugin } from '../adapters/registry.ts';
import type { FileFormat, Relation } from '../core/relation.ts';
import { Renderer } from '../templating/renderer.ts';
import { Warnings } from './dbt/warnings.ts';
import { loadPackages } from './dbt/packages.ts';
import { readDocsBlocks } from './dbt/docsBlocks.ts';
import { renderDescriptions } from './dbt/naming.ts';
import { targetContext } from '../templating/dbtContext.ts';

export type { LoadOptions } from './config.ts';

const SEED_EXTENSIONS: [RegExp, SeedFormat][] = [
  [/\.(csv|tsv)(\.gz)?$/i, 'csv'],
  [/\.(ndjson|jsonl)(\.gz)?$/i, 'ndjson'],
  [/\.json(\.gz)?$/i, 'json'],
  [/\.parquet$/i, 'parquet'],
];

export function checksum(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function seedFormatOf(path: string): SeedFormat | undefined {
  return SEED_EXTENSIONS.find(([re]) => re.test(path))?.[1];
}

function seedName(path: string): string {
  return basename(path)
    .replace(/(\.gz)?$/i, '')
    .replace(/\.[^.]+$/, '');
}

const isYaml = (n: string) => /\.ya?ml$/i.test(n);

/** Renders a config value that may hold `{{ var(...) }}`; `path` is the file it comes from. */
type RenderText = (text: string, path: string) => string;

/** Read project.yml and every file it points at into nodes; dependencies come later (graph/). */
export function loadProject(options: LoadOptions = {}): Project {
  const dir = resolve(options.projectDir ?? '.');
  const { file, config, text: projectYml, dbt: dbtInfo } = readProjectFile(dir, options);
  const warnings = dbtInfo ? new Warnings(dbtInfo.warnings) : undefined;
  const target = resolveTarget(dir, file, config, options);
  const vars = { ...(config.vars ?? {}), ...parseCliVars(options.vars) };
  const modelPaths = config['model-paths'] ?? ['models'];
  const seedPaths = config['seed-paths'] ?? ['seeds'];
  const macroPaths = config['macro-paths'] ?? ['macros'];
  const testPaths = config['test-paths'] ?? ['tests'];
  const snapshotPaths = config['snapshot-paths'] ?? ['snapshots'];
  const targetPath = resolveTargetPath(dir, file, config);
  const parseCache = ParseCache.load(
    join(targetPath, 'partial_parse.json'),
    projectYml,
    schemasStamp,
  );

  const errors: ProjectError[] = [];
  const collect = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof ProjectErrors) errors.push(...e.errors);
      else if (e instanceof ProjectError) errors.push(e);
      else throw e;
    }
  };

  let properties = emptyProperties();
  collect(() => {
    properties = readProperties(
      dir,
      findFiles(dir, [...new Set([...modelPaths, ...seedPaths, ...snapshotPaths])], isYaml),
      parseCache,
      warnings,
    );
  });

  /** A project file's text, or undefined with the error collected (e.g. invalid UTF-8). */
  const read = (path: string): string | undefined => {
    let text: string | undefined;
    collect(() => (text = readProjectText(dir, path)));
    return text;
  };

  const macros = findFiles(dir, macroPaths, (n) => n.endsWith('.sql')).flatMap((path) => {
    const text = read(path);
    return text === undefined ? [] : [{ path, text }];
  });

  // Seed paths and source locations may use var(), so an analyst can point the project at
  // fresh files without editing it; rendered with a renderer made only when one needs it.
  let renderer: Renderer | undefined;
  const renderText: RenderText = (text, path) => {
    renderer ??= new Renderer({
      vars,
      target: { name: target.name, schema: target.schema, type: target.type },
      macros,
    });
    return renderer.render(text, { path, ref: () => '', source: () => '' }).trim();
  };

  const models = new Map<string, ModelNode>();
  const modelYaml = uniqueByName(properties.models, 'model', errors);
  const unreadable = new Set<string>();
  for (const path of findFiles(dir, modelPaths, (n) => n.endsWith('.sql'))) {
    const name = basename(path, '.sql');
    const existing = models.get(name);
    if (existing) {
      errors.push(
        new ProjectError(
          `duplicate model name '${name}': defined in ${existing.path} and in ${path}`,
          { file: path },
        ),
      );
      continue;
    }
    const rawSql = read(path);
    if (rawSql === undefined) {
      unreadable.add(name);
      continue;
    }
    const folders = foldersBelow(path, modelPaths);
    const yaml = modelYaml.get(name);
    const cfg = {
      ...folderConfig(config.models, config.name, [...folders, name], MODEL_CONFIG_KEYS),
      ...(yaml?.config ?? {}),
    };
    models.set(name, {
      ...nodeBasics('model', config.name, name, path, yaml, cfg, target.schema),
      kind: 'model',
      checksum: checksum(rawSql),
      rawSql,
      materialized: (cfg.materialized as Materialization) ?? 'view',
      folders,
      refs: [],
      sources: [],
    });
  }
  for (const described of modelYaml.values()) {
    if (!models.has(described.name) && !unreadable.has(described.name)) {
      errors.push(
        new ProjectError(
          `model '${described.name}' is described here but has no .sql file${didYouMean(described.name, models.keys())}`,
          { file: described.file, line: described.line },
        ),
      );
    }
  }

  const snapshots = loadSnapshots({
    dir,
    projectName: config.name,
    tree: config.snapshots,
    paths: snapshotPaths,
    described: uniqueByName(properties.snapshots, 'snapshot', errors),
    read,
    basics: (name, path, yaml, cfg) =>
      nodeBasics('model', config.name, name, path, yaml, cfg, target.schema),
    errors,
  });
  for (const s of snapshots) {
    const existing = models.get(s.name);
    if (existing)
      errors.push(
        new ProjectError(
          `duplicate name '${s.name}': a snapshot here and a model or snapshot in ${existing.path}`,
          { file: s.path },
        ),
      );
    else models.set(s.name, s);
  }

  const seeds = loadSeeds(
    dbtInfo !== undefined,
    dir,
    config.name,
    config.seeds,
    seedPaths,
    target.schema,
    vars,
    renderText,
    uniqueByName(properties.seeds, 'seed', errors),
    errors,
  );
  for (const s of seeds.values()) {
    const model = s.keepAllRawWhileIncremental;
    if (model !== undefined && !models.has(model))
      errors.push(
        new ProjectError(
          `seed '${s.name}': keep_all_raw_while_incremental names no model of the project: '${model}'${didYouMean(model, models.keys())}`,
          { file: s.path },
        ),
      );
  }
  const sources = loadSources(dir, config.name, properties.sources, renderText, errors);
  const dashboards = new Map<string, DashboardNode>();
  for (const d of properties.dashboards) {
    const previous = dashboards.get(d.name);
    if (previous)
      errors.push(
        new ProjectError(
          `dashboard '${d.name}' is declared twice: also in ${previous.path}:${previous.line}`,
          { file: d.path, line: d.line },
        ),
      );
    else dashboards.set(d.name, { ...d, id: `dashboard.${config.name}.${d.name}` });
  }

  const exposures = new Map<string, ExposureNode>();
  for (const e of properties.exposures) {
    if (e.config.enabled === false) continue;
    const clash = exposures.get(e.name) ?? dashboards.get(e.name);
    if (clash)
      errors.push(
        new ProjectError(
          `exposure '${e.name}' is declared twice: also ${clash.kind === 'dashboard' ? 'as a dashboard ' : ''}in ${clash.path}:${clash.line}`,
          { file: e.path, line: e.line },
        ),
      );
    else exposures.set(e.name, { ...e, id: `exposure.${config.name}.${e.name}` });
  }

  // `<test-path>/fixtures/` holds unit test fixture files (dbt's layout), not singular tests.
  const singularTests = findFiles(
    dir,
    testPaths,
    (n) => n.endsWith('.sql') && !/^fixtures[\\/]/.test(n),
  ).flatMap((path) => {
    const rawSql = read(path);
    return rawSql === undefined ? [] : [{ name: basename(path, '.sql'), path, rawSql }];
  });

  const queries = [...uniqueByName(properties.queries, 'query', errors).values()];
  let dbt: Project['dbt'];
  if (dbtInfo)
    collect(() => {
      dbt = {
        profileName: dbtInfo.profileName,
        warnings: warnings!.list,
        cleanTargets: dbtInfo.cleanTargets,
        dispatch: dbtInfo.dispatch,
        packages: loadPackages(dir, dbtInfo.packagesInstallPath, warnings!.list),
        docs: readDocsBlocks(dir, dbtInfo.docsPaths),
      };
      renderDescriptions(
        [...models.values(), ...seeds.values(), ...sources.values()],
        (text, path) =>
          new Renderer({ vars, target: targetContext(target), macros: [], docs: dbt!.docs }).render(
            text,
            {
              path,
              ref: () => '',
              source: () => '',
            },
          ),
      );
    });
  if (errors.length > 0) throw new ProjectErrors(errors);
  return {
    name: config.name,
    dir,
    target,
    targetPath,
    vars,
    modelPaths,
    seedPaths,
    macroPaths,
    testPaths,
    models,
    seeds,
    sources,
    macros,
    unitTests: properties.unitTests,
    dashboards,
    exposures,
    queries,
    singularTests,
    testConfig: config.data_tests ?? {},
    onRunStart: config['on-run-start'] ?? [],
    onRunEnd: config['on-run-end'] ?? [],
    testGate: config.build?.['test-gate'] ?? true,
    parseCache,
    dialect: adapterPlugin(target.type).dialect,
    dbt,
  };
}

/** What models and seeds share: identity, YAML description, merged config, relation name. */
function nodeBasics(
  kind: 'model' | 'seed',
  projectName: string,
  name: string,
  path: string,
  yaml: Described | undefined,
  cfg: Record<string, unknown>,
  defaultSchema: string,
) {
  return {
    id: `${kind}.${projectName}.${name}`,
    name,
    path,
    description: yaml?.description ?? '',
    tags: asTags(cfg.tags),
    config: cfg,
    columns: yaml?.columns ?? {},
    tests: yaml?.tests ?? [],
    dependsOn: [] as string[],
    schema: (cfg.schema as string) ?? defaultSchema,
    alias: (cfg.alias as string) ?? name,
    enabled: cfg.enabled !== false,
  };
}

/**
 * A seed's checksum: its content's hash when small; size and modification time for exports of
 * gigabytes, which must not be read into memory just to be fingerprinted.
 */
function fileChecksum(file: string): string {
  const stat = statSync(file);
  return stat.size <= 32 * 1024 * 1024
    ? checksum(readFileSync(file))
    : checksum(`${stat.size}:${stat.mtimeMs}`);
}

function uniqueByName<T extends { name: string; file: string; line?: number }>(
  entries: T[],
  kind: string,
  errors: ProjectError[],
): Map<string, T> {
  const byName = new Map<string, T>();
  for (const e of entries) {
    const previous = byName.get(e.name);
    if (previous)
      errors.push(
        new ProjectError(
          `${kind} '${e.name}' is described twice: also in ${previous.file}:${previous.line}`,
          { file: e.file, line: e.line },
        ),
      );
    else byName.set(e.name, e);
  }
  return byName;
}

function loadSeeds(
  agateTypes: boolean,
  dir: string,
  projectName: string,
  tree: Record<string, unknown> | undefined,
  seedPaths: string[],
  defaultSchema: string,
  vars: Record<string, unknown>,
  renderText: RenderText,
  described: Map<string, Described>,
  errors: ProjectError[],
): Map<string, SeedNode> {
  const seeds = new Map<string, SeedNode>();
  const files = findFiles(dir, seedPaths, (n) => seedFormatOf(n) !== undefined);
  const pathsByName = new Map<string, string>();
  for (const path of files) {
    const name = seedName(path);
    const previous = pathsByName.get(name);
    if (previous)
      errors.push(
        new ProjectError(`duplicate seed name '${name}': ${previous} and ${path}`, { file: path }),
      );
    else pathsByName.set(name, path);
  }
  // A seed can also be declared in YAML only, with its data file given by `path` (e.g. a var).
  for (const d of described.values())
    if (!pathsByName.has(d.name) && d.config.path) pathsByName.set(d.name, '');

  for (const [name, path] of pathsByName) {
    const yaml = described.get(name);
    const folders = path ? foldersBelow(path, seedPaths) : [];
    const cfg = {
      ...folderConfig(tree, projectName, [...folders, name], SEED_CONFIG_KEYS),
      ...(yaml?.config ?? {}),
    };
    let file = path ? join(dir, path) : '';
    let fileOrigin: string | undefined;
    const where = yaml ? { file: yaml.file, line: yaml.line } : { file: path };
    if (typeof cfg.path === 'string') {
      // Seed paths may use var(), so an analyst can point the project at a fresh export.
      fileOrigin = pathOrigin(cfg.path, vars);
      try {
        const rendered = renderText(cfg.path, where.file);
        file = isAbsolute(rendered) ? rendered : resolve(dir, rendered);
      } catch (e) {
        errors.push(e instanceof ProjectError ? e : new ProjectError(String(e), where));
        continue;
      }
    }
    const problem = dataFileProblem(file);
    if (problem) {
      const hint =
        problem === 'data file not found' && /[*?[]/.test(file)
          ? " (a seed reads exactly one file: glob characters are not expanded; read many files with a source's external_location)"
          : '';
      const origin = fileOrigin ? ` (set by ${fileOrigin})` : '';
      errors.push(
        new ProjectError(
          problem === 'data file not found'
            ? `seed '${name}': data file not found: ${file}${origin}${hint}`
            : `seed '${name}': ${file}${origin} ${problem}`,
          where,
        ),
      );
      continue;
    }
    const format = (cfg.format as SeedFormat) ?? seedFormatOf(file);
    if (!format) {
      errors.push(
        new ProjectError(
          `seed '${name}': cannot tell the format of ${file}; set config.format (csv, json, ndjson, parquet, json_records)`,
          { file: yaml?.file ?? path },
        ),
      );
      continue;
    }
    let typed: ReturnType<typeof jsonFieldsOf>;
    try {
      typed = jsonFieldsOf(cfg, format, (text) => renderText(text, where.file));
    } catch (e) {
      typed = { error: e instanceof Error ? e.message : String(e) };
    }
    if ('error' in typed) {
      errors.push(new ProjectError(`seed '${name}': ${typed.error}`, where));
      continue;
    }
    seeds.set(name, {
      ...typed,
      ...nodeBasics('seed', projectName, name, path || yaml!.file, yaml, cfg, defaultSchema),
      kind: 'seed',
      checksum: fileChecksum(file),
      file,
      format,
      columnTypes: (cfg.column_types as Record<string, string>) ?? {},
      header: cfg.header !== false,
      delimiter: cfg.delimiter as string | undefined,
      quote: cfg.quote as string | undefined,
      folders,
      fileOrigin,
      agateTypes,
    });
  }
  for (const d of described.values()) {
    if (!seeds.has(d.name) && !errors.some((e) => e.message.includes(`seed '${d.name}'`))) {
      errors.push(
        new ProjectError(
          `seed '${d.name}' is described here but has no data file in ${seedPaths.join(', ')}${didYouMean(d.name, pathsByName.keys())}`,
          { file: d.file, line: d.line },
        ),
      );
    }
  }
  return seeds;
}

function loadSources(
  dir: string,
  projectName: string,
  described: ReturnType<typeof readProperties>['sources'],
  renderText: RenderText,
  errors: ProjectError[],
): Map<string, SourceNode> {
  const sources = new Map<string, SourceNode>();
  for (const s of described) {
    const key = `${s.sourceName}.${s.name}`;
    if (sources.has(key)) {
      errors.push(
        new ProjectError(`source table '${key}' is declared twice`, { file: s.file, line: s.line }),
      );
      continue;
    }
    // dbt renders source properties: `schema: "{{ target.schema }}"` is common.
    let relation: Relation;
    try {
      const render = (text: string) => (text.includes('{{') ? renderText(text, s.file) : text);
      relation = { kind: 'table', schema: render(s.schema), identifier: render(s.identifier) };
    } catch (e) {
      errors.push(
        e instanceof ProjectError ? e : new ProjectError(String(e), { file: s.file, line: s.line }),
      );
      continue;
    }
    if (s.externalLocation) {
      let externalLocation: string;
      try {
        externalLocation = renderText(s.externalLocation, s.file);
      } catch (e) {
        errors.push(
          e instanceof ProjectError
            ? e
            : new ProjectError(String(e), { file: s.file, line: s.line }),
        );
        continue;
      }
      // A relative location is relative to the project, not to wherever duckflow was started.
      const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(externalLocation);
      relation = {
        kind: 'files',
        format: (s.format ?? seedFormatOf(externalLocation) ?? 'csv') as FileFormat,
        location:
          remote || isAbsolute(externalLocation)
            ? externalLocation
            : resolve(dir, externalLocation),
        options: s.options,
      };
    }
    sources.set(key, {
      id: `source.${projectName}.${key}`,
      kind: 'source',
      name: key,
      path: s.file,
      description: s.description || s.sourceDescription,
      tags: [],
      config: s.sourceConfig,
      columns: s.columns,
      tests: s.tests,
      dependsOn: [],
      checksum: '',
      sourceName: s.sourceName,
      tableName: s.name,
      relation,
      loadedAtField: s.loadedAtField,
      freshness: s.freshness,
    });
  }
  return sources;
}
