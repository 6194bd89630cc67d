import { UsageError } from '../core/errors.ts';
import { resourceType } from '../core/nodes.ts';
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

/** How a node differs from the `--state` manifest (dbt's `state:modified.<how>`). */
export type StateChange = 'new' | 'body' | 'configs' | 'macros' | 'relation';
const MODIFIED: StateChange[] = ['body', 'configs', 'macros', 'relation'];

export interface StateComparison {
  /** Nodes that are new or changed, by unique id. */
  changes: Map<string, Set<StateChange>>;
  /** Relations of the state's nodes, by unique id: what `--defer` resolves refs to. */
  relations: Map<string, string>;
}

/** What selection reads besides the graph. */
export interface SelectionContext {
  state?: StateComparison;
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

/** `state:new`, `state:modified` and its subselectors `state:modified.body` and so on. */
function stateMethod(n: Selectable, value: string, context: SelectionContext): boolean {
  if (!context.state)
    throw new UsageError(
      `selector 'state:${value}' compares with an earlier run: give its target folder with --state <dir>`,
    );
  const [what, how, ...rest] = value.split('.');
  const allowed = what === 'new' ? [] : MODIFIED;
  if (
    (what !== 'new' && what !== 'modified') ||
    rest.length ||
    (how && !allowed.includes(how as StateChange))
  )
    throw new UsageError(
      `unknown state selector 'state:${value}' (use state:new, state:modified or state:modified.${MODIFIED.join('|')})`,
    );
  const changes = context.state.changes.get(n.id);
  if (!changes) return false;
  if (what === 'new') return changes.has('new');
  // dbt: a new node is a modified one too.
  return how ? changes.has(how as StateChange) : changes.size > 0;
}

const METHODS: Record<
  string,
  (node: Selectable, value: string, context: SelectionContext) => boolean
> = {
  fqn: (n, v) => glob(v).test(n.name),
  tag: (n, v) => n.tags.some((t) => glob(v).test(t)),
  path: (n, v) => {
    const p = v.replace(/^\.\//, '').replace(/\/$/, '');
    return n.path === p || n.path.startsWith(`${p}/`) || glob(p).test(n.path);
  },
  resource_type: (n, v) => resourceType(n) === v,
  test_type: (n, v) =>
    v === 'data' ? n.kind === 'test' && n.testType !== 'unit' : n.testType === v,
  source: (n, v) =>
    n.kind === 'source' && (glob(v).test(n.name) || glob(v).test(n.name.split('.')[0])),
  // dbt selects exposures with `exposure:<name>`; a dashboard is an exposure with charts.
  dashboard: (n, v) => n.kind === 'dashboard' && glob(v).test(n.name),
  // A dashboard is an exposure with charts: `exposure:` selects both.
  exposure: (n, v) => (n.kind === 'exposure' || n.kind === 'dashboard') && glob(v).test(n.name),
  state: stateMethod,
};

function matchAtom<N extends Selectable>(
  dag: Dag<N>,
  atom: Atom,
  context: SelectionContext,
): Set<string> {
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
    if (!test(n, atom.value, context)) continue;
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
  context: SelectionContext,
): Set<string> {
  const sets = word.split(',').map((text) => {
    const atom = parseAtom(text.trim());
    const matched = matchAtom(dag, atom, context);
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
 * `config.<key>:`, and `state:` against the `--state` manifest in `context`.
 * No `--select` means everything. `--exclude` is applied last. A word naming a node that does
 * not exist is a UsageError; other words that match nothing are passed to `warn`.
 */
export function resolveSelection<N extends Selectable>(
  dag: Dag<N>,
  include?: string[],
  exclude?: string[],
  warn: (message: string) => void = () => undefined,
  context: SelectionContext = {},
): { chosen: Set<string>; excluded: Set<string> } {
  const chosen = new Set<string>();
  const excluded = new Set<string>();
  const selectWords = words(include);
  if (selectWords.length === 0) for (const n of dag.nodes()) chosen.add(n.id);
  for (const w of selectWords)
    for (const id of matchWord(dag, w, '--select', warn, context)) chosen.add(id);
  for (const w of words(exclude))
    for (const id of matchWord(dag, w, '--exclude', warn, context)) excluded.add(id);
  for (const id of excluded) chosen.delete(id);
  return { chosen, excluded };
}

export function select<N extends Selectable>(
  dag: Dag<N>,
  include?: string[],
  exclude?: string[],
  warn?: (message: string) => void,
  context?: SelectionContext,
): Set<string> {
  return resolveSelection(dag, include, exclude, warn, context).chosen;
}
