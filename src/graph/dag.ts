export interface DagNode {
  id: string;
  dependsOn: string[];
}

/** A directed acyclic graph of nodes keyed by id; edges point from a node to what depends on it. */
export class Dag<N extends DagNode> {
  private readonly byId = new Map<string, N>();
  private readonly childIds = new Map<string, string[]>();

  constructor(nodes: Iterable<N>) {
    for (const n of nodes) {
      this.byId.set(n.id, n);
      this.childIds.set(n.id, []);
    }
    for (const n of this.byId.values()) {
      for (const p of n.dependsOn) this.childIds.get(p)?.push(n.id);
    }
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): N {
    const n = this.byId.get(id);
    if (!n) throw new Error(`no node ${id} in the graph`);
    return n;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  nodes(): N[] {
    return [...this.byId.values()];
  }

  parents(id: string): string[] {
    return this.get(id).dependsOn.filter((p) => this.byId.has(p));
  }

  children(id: string): string[] {
    return this.childIds.get(id) ?? [];
  }

  /** Ids reachable upstream (`ancestors`) or downstream, up to `depth` edges away. */
  ancestors(id: string, depth = Infinity): Set<string> {
    return this.walk(id, depth, (x) => this.parents(x));
  }

  descendants(id: string, depth = Infinity): Set<string> {
    return this.walk(id, depth, (x) => this.children(x));
  }

  private walk(start: string, depth: number, next: (id: string) => string[]): Set<string> {
    const seen = new Set<string>();
    let frontier = [start];
    for (let d = 0; d < depth && frontier.length > 0; d++) {
      const upcoming: string[] = [];
      for (const id of frontier) {
        for (const n of next(id)) {
          if (!seen.has(n)) {
            seen.add(n);
            upcoming.push(n);
          }
        }
      }
      frontier = upcoming;
    }
    seen.delete(start);
    return seen;
  }

  /** One cycle as a path that starts and ends on the same id, or undefined when acyclic. */
  findCycle(): string[] | undefined {
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (id: string): string[] | undefined => {
      state.set(id, 'open');
      stack.push(id);
      for (const p of this.parents(id)) {
        if (state.get(p) === 'open') return [...stack.slice(stack.indexOf(p)), p].reverse();
        if (!state.has(p)) {
          const found = visit(p);
          if (found) return found;
        }
      }
      stack.pop();
      state.set(id, 'done');
      return undefined;
    };
    for (const id of [...this.byId.keys()].sort()) {
      if (!state.has(id)) {
        const found = visit(id);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** Ids in dependency order (Kahn's algorithm), ties broken by id for stable output. */
  topoOrder(ids: Iterable<string> = this.byId.keys()): string[] {
    const wanted = new Set(ids);
    const remaining = new Map<string, number>();
    for (const id of wanted)
      remaining.set(id, this.parents(id).filter((p) => wanted.has(p)).length);
    const ready = [...remaining]
      .filter(([, n]) => n === 0)
      .map(([id]) => id)
      .sort();
    const order: string[] = [];
    while (ready.length > 0) {
      const id = ready.shift()!;
      order.push(id);
      for (const c of this.children(id)) {
        if (!remaining.has(c)) continue;
        const left = remaining.get(c)! - 1;
        remaining.set(c, left);
        if (left === 0) ready.push(c);
      }
    }
    return order;
  }
}
