import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../core/errors.ts';
import type { Project } from '../core/nodes.ts';
import type { Graph } from '../graph/resolve.ts';
import type { StateChange, StateComparison } from '../graph/selector.ts';
import { buildManifest, MANIFEST_SCHEMA_VERSION } from './manifest.ts';

/** What `--state` reads of a node in an earlier run's manifest.json. */
interface StateNode {
  kind: string;
  name: string;
  checksum: string;
  config: Record<string, unknown>;
  relation?: string | null;
  depends_on_macros?: string[];
}

export interface StateManifest {
  path: string;
  nodes: Record<string, StateNode>;
  macroChecksums: Record<string, string>;
}

/**
 * The manifest of the run `--state <dir>` points at (a production run's target/ folder, kept as
 * a CI artifact). A folder without one, or one duckflow did not write, is an error: comparing
 * with nothing would call every node new and rebuild the world in silence.
 */
export function readStateManifest(dir: string): StateManifest {
  const folder = resolve(dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new UsageError(`--state ${dir}: no such folder`);
  const path = join(folder, 'manifest.json');
  if (!existsSync(path))
    throw new UsageError(
      `--state ${dir}: no manifest.json there (point --state at the target/ folder of the run to compare with)`,
    );
  let parsed: {
    schema_version?: unknown;
    nodes?: Record<string, StateNode>;
    macro_checksums?: Record<string, string>;
  };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(
      `--state ${dir}: manifest.json is not valid JSON: ${(e as Error).message}`,
    );
  }
  if (parsed.schema_version !== MANIFEST_SCHEMA_VERSION || typeof parsed.nodes !== 'object')
    throw new UsageError(
      `--state ${dir}: manifest.json is not a duckflow manifest of schema version ${MANIFEST_SCHEMA_VERSION}`,
    );
  return { path, nodes: parsed.nodes, macroChecksums: parsed.macro_checksums ?? {} };
}

/** Config as compared: key order carries no meaning. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/**
 * dbt's `state:` comparison: each node of the current project that is new or differs from the
 * state manifest, with how (body, configs, upstream macros, or its relation's name).
 */
export function compareWithState(
  project: Project,
  graph: Graph,
  state: StateManifest,
): StateComparison {
  const built = buildManifest(project, graph, '');
  const current = built.nodes as Record<string, StateNode>;
  const macros = built.macro_checksums as Record<string, string>;
  const changes = new Map<string, Set<StateChange>>();
  for (const [id, node] of Object.entries(current)) {
    const before = state.nodes[id];
    const found = new Set<StateChange>();
    if (!before) found.add('new');
    else {
      if (before.checksum !== node.checksum) found.add('body');
      if (canonical(before.config) !== canonical(node.config)) found.add('configs');
      if ((before.relation ?? null) !== (node.relation ?? null)) found.add('relation');
      const macroChanged = (node.depends_on_macros ?? []).some(
        (m) => state.macroChecksums[m] !== macros[m],
      );
      if (macroChanged) found.add('macros');
    }
    if (found.size) changes.set(id, found);
  }
  return { changes, relations: relationsOf(state) };
}

function relationsOf(state: StateManifest): Map<string, string> {
  const relations = new Map<string, string>();
  for (const [id, n] of Object.entries(state.nodes)) if (n.relation) relations.set(id, n.relation);
  return relations;
}
