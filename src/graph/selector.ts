import { UsageError } from '../core/errors.ts';
import type { Dag, DagNode } from './dag.ts';

/** What selection needs to know of a node. */
export interface Selectable extends DagNode {
  kind: string;
  name: string;
  path: string;
  tags: string[];
  config?: Record<string, unknown>;
  testType?: string;
  /** For a source table: `source_name.table_name`. */
  sourceName?: string;
}

interface Atom {
  method: string;
  value: string;
  parents: number;
  children: number;
}

const ATOM = /^(?:(\d*)\+)?(?:([a-z_.]+):)?([^+]+?)(?:\+(\d*))?$/;

function parseAtom(text: string): Atom {
  const m = ATOM.exec(text);
  if (!m) throw new UsageError(`cannot read selector '${text}'`);
  const [, up, method, value, down] = m;
  // `+` alone walks all the way; `2+` walks two edges; no `+` stays put.
  const depth = (digits: string | undefined) =>
    digits === undefined ? 0 : digits ? Number(digits) : Infinity;
  return {
    method: method ?? (value.includes('/') || value.endsWith('.sql') ? 'path' : 'fqn'),
    value,
    parents: depth(up),
    children: depth(down),
  };
}

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

const METHODS: Record<string, (node: Selectable, value: string) => boolean> = {
  fqn: (n, v) => glob(v).test(n.name),
  tag: (n, v) => n.tags.some((t) => glob(v).test(t)),
  path: (n, v) => {
    const p = v.replace(/^\.\//, '').replace(/\/$/, '');
    return n.path === p || n.path.startsWith(`${p}/`) || glob(p).test(n.path);
  },
  resource_type: (n, v) => n.kind === v,
  test_type: (n, v) =>
    v === 'data' ? n.kind === 'test' && n.testType !== 'unit' : n.testType === v,
  source: (n, v) =>
    n.kind === 'source' && (glob(v).test(n.name) || glob(v).test(n.name.split('.')[0])),
  // dbt selects exposures with `exposure:<name>`; a dashboard is an exposure with charts.
  dashboard: (n, v) => n.kind === 'dashboard' && glob(v).test(n.name),
};

function matchAtom<N extends Selectable>(dag: Dag<N>, atom: Atom): Set<string> {
  let test = METHODS[atom.method];
  if (!test && atom.method.startsWith('config.')) {
    const key = atom.method.slice('config.'.length);
    test = (n, v) =>
      String(
        n.config?.[key] ??
          (key === 'materialized' ? (n as { materialized?: string }).materialized : ''),
      ) === v;
  }
  if (!test)
    throw new UsageError(
      `unknown selector method '${atom.method}:' (use one of: ${Object.keys(METHODS).join(', ')}, config.<key>)`,
    );
  const matched = new Set<string>();
  for (const n of dag.nodes()) {
    if (!test(n, atom.value)) continue;
    matched.add(n.id);
    if (atom.parents) for (const a of dag.ancestors(n.id, atom.parents)) matched.add(a);
    if (atom.children) for (const d of dag.descendants(n.id, atom.children)) matched.add(d);
  }
  return matched;
}

/** One `--select` word: comma-separated atoms, intersected. */
function matchWord<N extends Selectable>(dag: Dag<N>, word: string): Set<string> {
  const sets = word.split(',').map((a) => matchAtom(dag, parseAtom(a.trim())));
  return sets.reduce((acc, s) => new Set([...acc].filter((id) => s.has(id))));
}

function words(args: string[] | undefined): string[] {
  return (args ?? []).flatMap((a) => a.split(/\s+/)).filter(Boolean);
}

/**
 * dbt's node selection: words are unioned, commas intersect, `+`/`n+` walk the graph,
 * methods `tag:`, `path:`, `source:`, `dashboard:`, `resource_type:`, `test_type:`,
 * `config.<key>:`.
 * No `--select` means everything. `--exclude` is applied last.
 */
export function select<N extends Selectable>(
  dag: Dag<N>,
  include?: string[],
  exclude?: string[],
): Set<string> {
  const chosen = new Set<string>();
  const selectWords = words(include);
  if (selectWords.length === 0) for (const n of dag.nodes()) chosen.add(n.id);
  for (const w of selectWords) for (const id of matchWord(dag, w)) chosen.add(id);
  for (const w of words(exclude)) for (const id of matchWord(dag, w)) chosen.delete(id);
  return chosen;
}
