/**
 * Ports a compiled duckflow project to a dbt project for the peer benchmark: every model's
 * compiled SQL with relation names turned back into `ref()`, every seed as a model running the
 * SELECT duckflow itself loads it with (asked of the adapter, so the two stay in step), and the
 * data tests from the manifest: dbt's built-in generic tests as themselves, duckflow's other
 * generic tests as dbt generic tests generated from duckflow's own builders, the rest (singular
 * tests, the project's own generic tests) as singular tests from their compiled SQL. Unit tests
 * are left out (counted in the result).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { DuckDBTarget } from '../../../src/adapters/duckdb/target.ts';
import { seedSelect } from '../../../src/adapters/duckdb/seeds/select.ts';
import { duckdbDialect } from '../../../src/adapters/duckdb/dialect.ts';
import { compile } from '../../../src/api.ts';
import { relationOf } from '../../../src/compile/compiler.ts';
import type { SeedNode } from '../../../src/core/nodes.ts';
import { type ManifestModel, type ManifestTest, readManifest } from './manifest.ts';
import { portGenericTests, type PortedTest } from './tests.ts';
import { toDbtSql } from './refs.ts';

export const DBT_PROJECT_NAME = 'duckflow_peer';

export interface PortOptions {
  /** The duckflow project to port (compiled here, into its own target path). */
  projectDir: string;
  vars?: Record<string, unknown>;
  /** Directory the dbt project is written to (emptied first). */
  outDir: string;
  /** Database file dbt builds into; the DuckDB settings are the duckflow target's. */
  dbPath: string;
}

/** A relation both tools build: compared row for row after the builds. */
export interface PortedRelation {
  name: string;
  schema: string;
  alias: string;
  from: 'model' | 'seed';
}

export interface PortedProject {
  dir: string;
  /** `--profiles-dir` for dbt. */
  profilesDir: string;
  relations: PortedRelation[];
  tests: PortedTest[];
  /** duckflow unit tests, which the port leaves out. */
  unitTestsLeftOut: number;
  /** The duckflow target whose settings the dbt profile copies. */
  target: DuckDBTarget;
}

/** Config keys of a model dbt understands the same way; the rest do nothing in a build. */
const MODEL_CONFIG_PASSED = [
  'materialized',
  'unique_key',
  'incremental_strategy',
  'on_schema_change',
  'incremental_predicates',
  'pre_hook',
  'post_hook',
];
/** schema and alias: the relation duckflow resolved them to is set instead. */
const MODEL_CONFIG_IGNORED = new Set(['tags', 'enabled', 'meta', 'docs', 'schema', 'alias']);

export async function portToDbt(options: PortOptions): Promise<PortedProject> {
  const { session } = compile({ projectDir: options.projectDir, vars: options.vars });
  const { project, graph } = session;
  const manifest = readManifest(join(project.targetPath, 'manifest.json'));
  const out = options.outDir;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'macros'), { recursive: true });

  const relations: PortedRelation[] = [];
  for (const node of Object.values(manifest.nodes)) {
    if (node.kind === 'seed' || (node.kind === 'model' && node.materialized !== 'ephemeral'))
      relations.push({ name: node.name, schema: node.schema, alias: node.alias, from: node.kind });
  }
  const refs = new Map(relations.map((r) => [duckdbDialect.relation(relationOf(r)), r.name]));
  const write = (relative: string, text: string) => {
    mkdirSync(dirname(join(out, relative)), { recursive: true });
    writeFileSync(join(out, relative), text);
  };
  const compiledSql = (compiledPath: string) =>
    readFileSync(join(project.targetPath, compiledPath), 'utf8');

  const modelEntries = new Map<string, { name: string; config?: object }>();
  for (const node of Object.values(manifest.nodes)) {
    if (node.kind !== 'model' || node.materialized === 'ephemeral') continue;
    write(node.path, toDbtSql(compiledSql(node.compiled_path), refs));
    modelEntries.set(node.unique_id, { name: node.name, config: dbtModelConfig(node) });
  }

  // Seeds become table models running duckflow's own load statement: the same reader, options
  // and numbering, so the peer pays what duckflow pays to load them.
  for (const node of Object.values(manifest.nodes)) {
    if (node.kind !== 'seed') continue;
    const seed = graph.get(node.unique_id) as SeedNode;
    write(`models/seeds/${node.name}.sql`, toDbtSql(seedSelect(seed), refs));
    modelEntries.set(node.unique_id, {
      name: node.name,
      config: { materialized: 'table', schema: node.schema, alias: node.alias },
    });
  }

  const tests = Object.values(manifest.nodes).filter((n): n is ManifestTest => n.kind === 'test');
  const generic = portGenericTests(tests, refs);
  for (const t of generic.singular)
    write(`tests/${t.name}.sql`, toDbtSql(compiledSql(t.compiledPath), refs));

  const properties = [...modelEntries].map(([id, entry]) => ({
    ...entry,
    ...generic.properties.get(id),
  }));
  write('models/_duckflow_port.yml', stringify({ version: 2, models: properties }));
  write('macros/duckflow_port.sql', [SCHEMA_NAME_MACRO, ...generic.macros].join('\n'));
  // Models are ported compiled, but hooks are ported as written: the macros they call come along.
  for (const path of project.macroPaths)
    if (existsSync(join(project.dir, path)))
      cpSync(realpathSync(join(project.dir, path)), join(out, 'macros', 'project', path), {
        recursive: true,
      });
  write(
    'dbt_project.yml',
    stringify({
      name: DBT_PROJECT_NAME,
      version: '1.0.0',
      'config-version': 2,
      profile: DBT_PROJECT_NAME,
      'model-paths': ['models'],
      'macro-paths': ['macros'],
      'test-paths': ['tests'],
      'seed-paths': [],
      // Offline and quiet: no usage stats to send, no version check against the network.
      flags: { send_anonymous_usage_stats: false, version_check: false },
    }),
  );
  write('profiles.yml', stringify(dbtProfile(project.target as DuckDBTarget, options.dbPath)));
  return {
    dir: out,
    profilesDir: out,
    relations,
    tests: generic.ported,
    unitTestsLeftOut: Object.keys(manifest.unit_tests ?? {}).length,
    target: project.target as DuckDBTarget,
  };
}

function dbtModelConfig(node: ManifestModel): Record<string, unknown> {
  const config: Record<string, unknown> = {
    materialized: node.materialized,
    schema: node.schema,
    alias: node.alias,
  };
  for (const [key, value] of Object.entries(node.config)) {
    if (MODEL_CONFIG_PASSED.includes(key)) config[key] = value;
    else if (key === 'settings') continue;
    else if (!MODEL_CONFIG_IGNORED.has(key))
      throw new Error(
        `peer port: model ${node.name} has config '${key}', which has no dbt translation in scripts/bench/peer/port.ts`,
      );
  }
  if (node.config.settings) Object.assign(config, settingsAsHooks(config, node.config.settings));
  return config;
}

/**
 * duckflow's per-node `settings:` as dbt-duckdb would apply them: SET on the node's connection
 * before its SQL (pre_hook), RESET after it (post_hook), around the model's own hooks.
 */
function settingsAsHooks(
  config: Record<string, unknown>,
  settings: unknown,
): Record<string, string[]> {
  const entries = Object.entries((settings ?? {}) as Record<string, unknown>);
  const hooks = (key: string) => [config[key] ?? []].flat().map(String);
  return {
    pre_hook: [
      ...entries.map(
        ([k, v]) =>
          `set ${k} = ${typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v)}`,
      ),
      ...hooks('pre_hook'),
    ],
    post_hook: [...hooks('post_hook'), ...entries.map(([k]) => `reset ${k}`)],
  };
}

/** dbt would name a custom schema `<target>_<custom>`; duckflow uses it as given. */
const SCHEMA_NAME_MACRO = `{% macro generate_schema_name(custom_schema_name, node) -%}
  {{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}
`;

/**
 * A dbt-duckdb profile with the duckflow target's DuckDB settings (memory_limit, temp_directory,
 * threads, every `settings:` key) and its node concurrency as dbt's `threads`.
 */
export function dbtProfile(target: DuckDBTarget, dbPath: string): Record<string, unknown> {
  const settings: Record<string, string | number | boolean> = { ...target.settings };
  if (target.memory_limit) settings.memory_limit = target.memory_limit;
  // Each tool spills into its own directory.
  if (target.temp_directory) settings.temp_directory = `${target.temp_directory}_dbt`;
  return {
    [DBT_PROJECT_NAME]: {
      target: 'bench',
      outputs: {
        bench: {
          type: 'duckdb',
          path: dbPath,
          schema: target.schema,
          threads: target.threads,
          settings,
        },
      },
    },
  };
}
