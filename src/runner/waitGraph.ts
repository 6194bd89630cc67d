import type { Graph } from '../graph/resolve.ts';

export interface WaitGraph {
  /** What each node waits for before it starts. */
  waitsFor: Map<string, string[]>;
  /** With the test gate off: each test's guarded nodes, for the scheduler's `guards`. */
  guards: Map<string, string[]>;
}

/**
 * What each node waits for: its nearest ancestors that also run. In `build`, nodes downstream
 * of everything a test reads also wait for it, so a failing test skips them (dbt build
 * semantics), and a model waits for its unit tests, which need nothing built and so wait for
 * nothing.
 *
 * With `testGate: false`, downstream nodes wait only for the models themselves; each test
 * instead guards the same nodes, which the scheduler skips or marks as unverified when the test
 * fails.
 */
export function waitGraph(graph: Graph, ids: string[], testGate = true): WaitGraph {
  const running = new Set(ids);
  const memo = new Map<string, Set<string>>();
  const nearest = (id: string): Set<string> => {
    let found = memo.get(id);
    if (found) return found;
    found = new Set();
    for (const p of graph.parents(id)) {
      if (running.has(p)) found.add(p);
      else for (const a of nearest(p)) found.add(a);
    }
    memo.set(id, found);
    return found;
  };
  const testsOf = new Map<string, string[]>();
  const unitTestsOf = new Map<string, string[]>();
  for (const id of ids) {
    const n = graph.get(id);
    if (n.kind === 'test' && n.attachedTo)
      testsOf.set(n.attachedTo, [...(testsOf.get(n.attachedTo) ?? []), id]);
    if (n.kind === 'unit_test')
      unitTestsOf.set(n.attachedTo, [...(unitTestsOf.get(n.attachedTo) ?? []), id]);
  }
  const descendantsOf = new Map<string, Set<string>>();
  const descendants = (id: string) => {
    if (!descendantsOf.has(id)) descendantsOf.set(id, graph.descendants(id));
    return descendantsOf.get(id)!;
  };
  // dbt's rule: a test holds back the running nodes downstream of everything it reads, so a
  // relationships test to another branch holds back only what is downstream of both. A test of
  // severity warn never fails a build: it holds back nothing.
  const heldBack = (test: string): string[] => {
    const t = graph.get(test);
    if (t.kind === 'test' && t.config?.severity === 'warn') return [];
    const [first, ...rest] = t.dependsOn.map(descendants);
    return [...(first ?? [])].filter((id) => running.has(id) && rest.every((d) => d.has(id)));
  };
  const waitsFor = new Map<string, string[]>();
  for (const id of ids) {
    const n = graph.get(id);
    waitsFor.set(
      id,
      n.kind === 'unit_test' ? [] : [...nearest(id), ...(unitTestsOf.get(id) ?? [])],
    );
  }
  const guards = new Map<string, string[]>();
  for (const tests of testsOf.values()) {
    const own = new Set(tests);
    for (const t of tests) {
      const held = heldBack(t).filter((id) => !own.has(id));
      if (!testGate) {
        guards.set(t, held);
        continue;
      }
      // A node waits where nothing it waits for waits for the test already.
      const nodes = new Set(
        held.filter((id) => !['test', 'unit_test'].includes(graph.get(id).kind)),
      );
      for (const id of nodes)
        if (![...nearest(id)].some((n) => nodes.has(n))) waitsFor.get(id)!.push(t);
    }
  }
  return { waitsFor, guards };
}
