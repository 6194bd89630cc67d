import type { Graph } from '../graph/resolve.ts';

export interface WaitGraph {
  /** What each node waits for before it starts. */
  waitsFor: Map<string, string[]>;
  /** With the test gate off: each test's guarded nodes, for the scheduler's `guards`. */
  guards: Map<string, string[]>;
}

/**
 * What each node waits for: its nearest ancestors that also run. In `build`, nodes downstream
 * of a tested node also wait for its tests of severity error, so a failing test skips them (dbt
 * build semantics), and a model waits for its unit tests, which need nothing built and so wait
 * for nothing.
 *
 * With `testGate: false`, downstream nodes wait only for the models themselves; each test
 * instead guards everything downstream of its model that it does not itself read, which the
 * scheduler skips or marks as unverified when the test fails.
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
  const ancestorsOf = new Map<string, Set<string>>();
  const ancestors = (id: string) => {
    if (!ancestorsOf.has(id)) ancestorsOf.set(id, graph.ancestors(id));
    return ancestorsOf.get(id)!;
  };
  // A test of severity warn never fails a build, so it skips nothing: nothing waits for it.
  const canFail = (id: string) => {
    const n = graph.get(id);
    return n.kind !== 'test' || n.config?.severity !== 'warn';
  };
  const waitsFor = new Map<string, string[]>();
  for (const id of ids) {
    if (graph.get(id).kind === 'unit_test') {
      waitsFor.set(id, []);
      continue;
    }
    const deps = new Set(nearest(id));
    if (testGate && graph.get(id).kind !== 'test') {
      for (const d of [...deps]) {
        // A test that also reads this node (a relationships test pointing downstream) runs after it, not before.
        for (const t of testsOf.get(d) ?? []) if (!ancestors(t).has(id) && canFail(t)) deps.add(t);
      }
    }
    for (const u of unitTestsOf.get(id) ?? []) deps.add(u);
    waitsFor.set(id, [...deps]);
  }
  const guards = new Map<string, string[]>();
  if (!testGate)
    for (const [model, tests] of testsOf) {
      const downstream = [...graph.descendants(model)].filter((d) => running.has(d));
      const ownTests = new Set(tests);
      for (const t of tests)
        guards.set(
          t,
          downstream.filter((d) => !ownTests.has(d) && !ancestors(t).has(d)),
        );
    }
  return { waitsFor, guards };
}
