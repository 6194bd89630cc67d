import { createHash } from 'node:crypto';
import { ProjectError } from '../core/errors.ts';
import type { ModelNode } from '../core/nodes.ts';
import { SNAPSHOT_CONFIG_KEYS } from './configSchema.ts';
import { findFiles, foldersBelow } from './files.ts';
import { folderConfig } from './folderConfig.ts';
import type { Described } from './properties.ts';

const BLOCK = /\{%-?\s*snapshot\s+(\w+)\s*-?%\}([\s\S]*?)\{%-?\s*endsnapshot\s*-?%\}/g;

type DescribedSnapshot = Described & { relation?: string };

export interface SnapshotSources {
  dir: string;
  projectName: string;
  /** `snapshots:` folder config of the project file. */
  tree: Record<string, unknown> | undefined;
  paths: string[];
  described: Map<string, DescribedSnapshot>;
  read(path: string): string | undefined;
  /** The node fields every model-like node has, from its name, file, YAML and config. */
  basics(
    name: string,
    path: string,
    yaml: Described | undefined,
    cfg: Record<string, unknown>,
  ): Omit<
    ModelNode,
    'kind' | 'checksum' | 'rawSql' | 'materialized' | 'folders' | 'refs' | 'sources'
  >;
  errors: ProjectError[];
}

/**
 * dbt's snapshots: `{% snapshot name %} … {% endsnapshot %}` blocks in `.sql` files under the
 * snapshot paths, and dbt 1.9's YAML snapshots (`relation: ref('x')`). A snapshot is a
 * model-like node materialized `snapshot` (ref-able, compiled and parsed as models are), with
 * unique id `snapshot.<project>.<name>`; `schema` (or the legacy `target_schema`) places it.
 */
export function loadSnapshots(src: SnapshotSources): ModelNode[] {
  const nodes: ModelNode[] = [];
  const add = (name: string, path: string, rawSql: string, folders: string[]) => {
    const yaml = src.described.get(name);
    const cfg = {
      ...folderConfig(src.tree, src.projectName, folders, SNAPSHOT_CONFIG_KEYS),
      ...(yaml?.config ?? {}),
    };
    const basics = src.basics(name, path, yaml, cfg);
    nodes.push({
      ...basics,
      id: `snapshot.${src.projectName}.${name}`,
      schema: (cfg.schema as string) ?? (cfg.target_schema as string) ?? basics.schema,
      kind: 'model',
      checksum: createHash('sha256').update(rawSql).digest('hex'),
      rawSql,
      materialized: 'snapshot',
      folders,
      refs: [],
      sources: [],
    });
  };
  for (const path of findFiles(src.dir, src.paths, (n) => n.endsWith('.sql'))) {
    const text = src.read(path);
    if (text === undefined) continue;
    const blocks = [...text.matchAll(BLOCK)];
    if (blocks.length === 0)
      src.errors.push(
        new ProjectError(
          'a snapshot file holds no {% snapshot <name> %} … {% endsnapshot %} block',
          {
            file: path,
          },
        ),
      );
    for (const m of blocks) {
      // The block's body, on the lines it stands on in the file, so errors point at the file.
      const before = text.slice(0, m.index + m[0].indexOf(m[2])).split('\n').length - 1;
      add(m[1], path, '\n'.repeat(before) + m[2], foldersBelow(path, src.paths));
    }
  }
  const fromFiles = new Set(nodes.map((n) => n.name));
  for (const d of src.described.values()) {
    if (d.relation && fromFiles.has(d.name))
      src.errors.push(
        new ProjectError(
          `snapshot '${d.name}' has a relation here and a {% snapshot %} block: keep one`,
          { file: d.file, line: d.line },
        ),
      );
    else if (d.relation) add(d.name, d.file, `select * from {{ ${d.relation} }}\n`, []);
    else if (!fromFiles.has(d.name))
      src.errors.push(
        new ProjectError(
          `snapshot '${d.name}' is described here but has no relation: and no {% snapshot %} block`,
          { file: d.file, line: d.line },
        ),
      );
  }
  return nodes;
}

/**
 * What a snapshot's config must say once `config()` in its block is applied: a strategy, a
 * unique key, and what the strategy compares.
 */
export function snapshotConfigProblem(config: Record<string, unknown>): string | undefined {
  const missing = (key: string) => `snapshot config needs '${key}'`;
  if (!config.strategy) return `${missing('strategy')} (timestamp or check)`;
  if (config.unique_key === undefined) return missing('unique_key');
  if (config.strategy === 'timestamp' && !config.updated_at)
    return `${missing('updated_at')} with strategy 'timestamp'`;
  if (config.strategy === 'check' && !config.check_cols)
    return `${missing('check_cols')} ('all' or a list of columns) with strategy 'check'`;
  if (config.hard_deletes !== undefined && config.invalidate_hard_deletes !== undefined)
    return "give 'hard_deletes' or the older 'invalidate_hard_deletes', not both";
  return undefined;
}
