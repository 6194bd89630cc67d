export type Outcome = 'ok' | 'failed' | 'skipped';

export interface ScheduledResult<R> {
  id: string;
  outcome: Outcome;
  result?: R;
  /** Why a node was skipped: the failed node upstream, or INTERRUPTED. */
  skippedBecause?: string;
  /** A test guarding this node (see `guards`) that failed after the node had started. */
  unverifiedBy?: string;
}

/** Why nodes that never started are skipped after an abort (Ctrl-C, SIGTERM). */
export const INTERRUPTED = 'the run was interrupted';

export interface ScheduleOptions<R> {
  /** Node ids to run, each with the ids (within this set) it must wait for. */
  waitsFor: Map<string, string[]>;
  concurrency: number;
  run(id: string): Promise<{ outcome: 'ok' | 'failed'; result: R }>;
  onSkip?(id: string, because: string): void;
  signal?: AbortSignal;
  /** Nodes that go ahead of the others waiting in the queue once ready (e.g. tests that gate). */
  urgent?(id: string): boolean;
  /** Among nodes ready at the same time (after urgent ones), higher first; ties keep their order. */
  priority?(id: string): number;
  /**
   * Nodes of one group run one at a time: a ready node whose group is busy waits in the queue
   * and leaves its slot to the next node that can start.
   */
  exclusive?(id: string): string | undefined;
  /**
   * Nodes each node guards without being waited for (a test and what is downstream of its
   * model, when downstream models may start early). If it fails, guarded nodes that have not
   * started are skipped because of it; those that had started are marked `unverifiedBy` it.
   */
  guards?: Map<string, string[]>;
}

/**
 * Runs nodes as soon as everything they wait for has succeeded, up to `concurrency` at once,
 * urgent ones first.
 * A failure skips everything downstream of it; the rest of the graph carries on (dbt's
 * semantics). After an abort nothing new starts, what has not started is skipped because of
 * the interrupt (and is reported once: running nodes finish, interrupted, with their own result).
 */
export async function schedule<R>(options: ScheduleOptions<R>): Promise<ScheduledResult<R>[]> {
  const { waitsFor, concurrency, signal } = options;
  const dependents = dependentsOf(waitsFor);
  const remaining = new Map([...waitsFor].map(([id, deps]) => [id, deps.length]));
  const results = new Map<string, ScheduledResult<R>>();
  const ready: string[] = [];
  const readyUrgent: string[] = [];
  const running = new Set<string>();

  const skip = (id: string, because: string) => {
    if (results.has(id)) return;
    results.set(id, { id, outcome: 'skipped', skippedBecause: because });
    options.onSkip?.(id, because);
    for (const d of dependents.get(id) ?? []) skip(d, because);
  };
  const unverified = new Map<string, string>();
  const guardFailed = (guard: string) => {
    for (const g of options.guards?.get(guard) ?? []) {
      if (running.has(g) || results.get(g)?.outcome === 'ok') {
        if (!unverified.has(g)) unverified.set(g, guard);
      } else skip(g, guard);
    }
  };
  const rank = (id: string) => options.priority?.(id) ?? 0;
  const busy = new Set<string>();
  /** The first node of `queue` that may start now, taken out of it. */
  const next = (queue: string[]) => {
    const at = queue.findIndex((q) => {
      const group = options.exclusive?.(q);
      return group === undefined || !busy.has(group);
    });
    return at === -1 ? undefined : queue.splice(at, 1)[0];
  };
  const enqueue = (id: string) => {
    const queue = options.urgent?.(id) ? readyUrgent : ready;
    const before = queue.findIndex((q) => rank(q) < rank(id));
    queue.splice(before === -1 ? queue.length : before, 0, id);
  };
  for (const id of waitsFor.keys()) if (remaining.get(id) === 0) enqueue(id);

  let done = () => {};
  const pump = () => {
    if (signal?.aborted) {
      ready.length = 0;
      readyUrgent.length = 0;
      for (const id of waitsFor.keys())
        if (!results.has(id) && !running.has(id)) skip(id, INTERRUPTED);
    }
    while (running.size < concurrency) {
      const id = next(readyUrgent) ?? next(ready);
      if (id === undefined) break;
      // Skipped while it waited in the queue, because a test guarding it failed.
      if (results.has(id)) continue;
      running.add(id);
      const group = options.exclusive?.(id);
      if (group !== undefined) busy.add(group);
      options
        .run(id)
        .then(
          ({ outcome, result }) => ({ id, outcome, result }) as ScheduledResult<R>,
          (error: unknown) => ({ id, outcome: 'failed', result: error as R }) as ScheduledResult<R>,
        )
        .then((r) => {
          running.delete(id);
          if (group !== undefined) busy.delete(group);
          results.set(id, r);
          for (const d of dependents.get(id) ?? []) {
            // After an abort a node fails because it was interrupted, not on its own account.
            if (r.outcome === 'failed') skip(d, signal?.aborted ? INTERRUPTED : id);
            else if (!results.has(d)) {
              const left = remaining.get(d)! - 1;
              remaining.set(d, left);
              if (left === 0) enqueue(d);
            }
          }
          if (r.outcome === 'failed' && !signal?.aborted) guardFailed(id);
          pump();
        });
    }
    if (running.size === 0 && readyUrgent.length + ready.length === 0) done();
  };
  await new Promise<void>((resolve) => {
    done = resolve;
    signal?.addEventListener('abort', pump);
    pump();
  });
  signal?.removeEventListener('abort', pump);
  // Only a wait cycle leaves nodes behind; report them rather than dropping them silently.
  for (const id of waitsFor.keys())
    if (!results.has(id)) skip(id, 'waiting on each other (a wait cycle)');
  return [...waitsFor.keys()].map((id) => {
    const r = results.get(id)!;
    return unverified.has(id) ? { ...r, unverifiedBy: unverified.get(id) } : r;
  });
}

/**
 * For each node, the most nodes on a chain of waits that starts at it (itself included). Run
 * first, the nodes heading the longest chains keep them moving: in an incremental batch, the
 * unit tests of the metric models (a chain of 3) waited behind those of the staging models, and
 * the staging models behind all of them (0.24 s).
 */
export function chainLengths(waitsFor: Map<string, string[]>): Map<string, number> {
  const dependents = dependentsOf(waitsFor);
  const lengths = new Map<string, number>();
  const visiting = new Set<string>();
  const length = (id: string): number => {
    const known = lengths.get(id);
    if (known !== undefined) return known;
    // A wait cycle (the scheduler reports it) has no longest chain: count the node once.
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const longest = Math.max(0, ...(dependents.get(id) ?? []).map(length));
    visiting.delete(id);
    lengths.set(id, longest + 1);
    return longest + 1;
  };
  for (const id of waitsFor.keys()) length(id);
  return lengths;
}

/** The nodes waiting for each node. */
function dependentsOf(waitsFor: Map<string, string[]>): Map<string, string[]> {
  const dependents = new Map<string, string[]>();
  for (const [id, deps] of waitsFor)
    for (const d of deps) {
      if (!dependents.has(d)) dependents.set(d, []);
      dependents.get(d)!.push(id);
    }
  return dependents;
}
