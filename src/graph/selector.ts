import { UsageError } from '../core/errors.ts';
import type { Dag, DagNode } from './dag.ts';
import { reportUnmatched, type Flag } from './unmatched.ts';

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

export interface Atom {
  text: string;
  method: string;
  value: string;
  /** Where `value` sits in `text`, to suggest a correction in the form the user wrote. */
  valueAt: [number, number];
  parents: number;
  children: number;
}

const ATOM = /^(?:(\d*)\+)?(?:([a-z_.]+):)?([^+]+?)(?:\+(\d*))?$/d;

function parseAtom(text: string): Atom {
  const m = ATOM.exec(text);
  if (!m) throw new UsageError(`cannot read selector '${text}'`);
  const [, up, method, value, down] = m;
  // `+` alone walks all the way; `2+` walks two edges; no `+` stays put.
  const depth = (digits: string | undefined) =>
    digits === undefined ? 0 : digits ? Number(digits) : Infinity;
  return {
    text,
    method: method ?? (value.includes('/') || value.endsWith('.sql') ? 'path' : 'fqn'),
    value,
    valueAt: m.indices![3]!,
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

/**
 * One `--select` word: comma-separated atoms, intersected. An atom that matches nothing is
 * reported (an error when it names a node, else a warning), and so is an empty intersection.
 */
function matchWord<N extends Selectable>(
  dag: Dag<N>,
  word: string,
  flag: Flag,
  warn: (message: string) => void,
): Set<string> {
  const sets = word.split(',').map((text) => {
    const atom = parseAtom(text.trim());
    const matched = matchAtom(dag, atom);
    if (matched.size === 0) reportUnmatched(dag, atom, flag, warn);
    return matched;
  });
  const both = sets.reduce((acc, s) => new Set([...acc].filter((id) => s.has(id))));
  if (both.size === 0 && sets.every((s) => s.size > 0))
    warn(`${flag} '${word}' matches no node: each part matches some, but no node matches them all`);
  return both;
}

function words(args: string[] | undefined): string[] {
  return (args ?? []).flatMap((a) => a.split(/\s+/)).filter(Boolean);
}

/**
 * dbt's node selection: words are unioned, commas intersect, `+`/`n+` walk the graph,
 * methods `tag:`, `path:`, `source:`, `dashboard:`, `resource_type:`, `test_type:`,
 * `config.<key>:`.
 * No `--select` means everything. `--exclude` is applied last. A word naming a node that does
 * not exist is a UsageError; other words that match nothing are passed to `warn`.
 */
export function resolveSelection<N extends Selectable>(
  dag: Dag<N>,
  include?: string[],
  exclude?: string[],
  warn: (message: string) => void = () => undefined,
): { chosen: Set<string>; excluded: Set<string> } {
  const chosen = new Set<string>();
  const excluded = new Set<string>();
  const selectWords = words(include);
  if (selectWords.length === 0) for (const n of dag.nodes()) chosen.add(n.id);
  for (const w of selectWords) for (const id of matchWord(dag, w, '--select', warn)) chosen.add(id);
  for (const w of words(exclude))
    for (const id of matchWord(dag, w, '--exclude', warn)) excluded.add(id);
  for (const id of excluded) chosen.delete(id);
  return { chosen, excluded };
}

export function select<N extends Selectable>(
  dag: Dag<N>,
  include?: string[],
  exclude?: string[],
  warn?: (message: string) => void,
): Set<string> {
  return resolveSelection(dag, include, exclude, warn).chosen;
}
