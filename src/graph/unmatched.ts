import { UsageError } from '../core/errors.ts';
import { closest } from '../util/closest.ts';
import type { Dag } from './dag.ts';
import type { Atom, Selectable } from './selector.ts';

export type Flag = '--select' | '--exclude';

const KINDS = ['model', 'snapshot', 'seed', 'source', 'test', 'unit_test', 'dashboard', 'exposure'];
const TEST_TYPES = ['data', 'generic', 'singular', 'unit'];

/**
 * What a selector method that matched nothing could have meant. `named`: the atom names one
 * thing (a node, a file, a source, a dashboard, a value of a closed list) that does not exist, which is a
 * mistake; patterns, tags and config values may legitimately match nothing today.
 */
function misses<N extends Selectable>(
  dag: Dag<N>,
  atom: Atom,
): { named: boolean; candidates: string[] } {
  const nodes = dag.nodes();
  const exact = !atom.value.includes('*');
  switch (atom.method) {
    case 'fqn':
      return { named: exact, candidates: nodes.map((n) => n.name) };
    case 'path': {
      const folders = nodes.flatMap((n) =>
        n.path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/')),
      );
      return { named: exact, candidates: [...new Set(folders)] };
    }
    case 'source':
      return {
        named: exact,
        candidates: nodes
          .filter((n) => n.kind === 'source')
          .flatMap((n) => [n.name, n.name.split('.')[0]]),
      };
    case 'dashboard':
    case 'exposure':
      return {
        named: exact,
        candidates: nodes
          .filter(
            (n) => n.kind === atom.method || (atom.method === 'exposure' && n.kind === 'dashboard'),
          )
          .map((n) => n.name),
      };
    case 'tag':
      return { named: false, candidates: [...new Set(nodes.flatMap((n) => n.tags))] };
    case 'resource_type':
      return { named: !KINDS.includes(atom.value), candidates: KINDS };
    case 'test_type':
      return { named: !TEST_TYPES.includes(atom.value), candidates: TEST_TYPES };
    default:
      return { named: false, candidates: [] };
  }
}

/** Report an atom that matched no node: an error when it names one, else a warning. */
export function reportUnmatched<N extends Selectable>(
  dag: Dag<N>,
  atom: Atom,
  flag: Flag,
  warn: (message: string) => void,
): void {
  const { named, candidates } = misses(dag, atom);
  // A pattern has no single spelling to correct; a known value that matches nothing is no typo.
  const best = atom.value.includes('*') ? undefined : closest(atom.value, candidates);
  const [from, to] = atom.valueAt;
  const hint =
    best && best !== atom.value
      ? ` (did you mean '${atom.text.slice(0, from)}${best}${atom.text.slice(to)}'?)`
      : '';
  const message = `${flag} '${atom.text}' matches no node${hint}`;
  if (named) throw new UsageError(message);
  warn(message);
}
