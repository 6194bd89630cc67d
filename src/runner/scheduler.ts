export type Outcome = 'ok' | 'failed' | 'skipped';

export interface ScheduledResult<R> {
  id: string;
  outcome: Outcome;
  result?: R;
  /** Why a node was skipped: the failed node upstream, or INTERRUPTED. */
  skippedBecause?: string;
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
}

/**
 * Runs nodes as soon as everything they wait for has succeeded, up to `concurrency` at once.
 * A failure skips everything downstream of it; the rest of the graph carries on (dbt's
 * semantics). After an abort nothing new starts, what has not started is skipped because of
 * the interrupt (and is reported once: running nodes finish, interrupted, with their own result).
 */
export async function schedule<R>(options: ScheduleOptions<R>): Promise<ScheduledResult<R>[]> {
  const { waitsFor, concurrency, signal } = options;
  const dependents = new Map<string, string[]>();
  const remaining = new Map<string, number>();
  for (const [id, deps] of waitsFor) {
    remaining.set(id, deps.length);
    for (const d of deps) {
      if (!dependents.has(d)) dependents.set(d, []);
      dependents.get(d)!.push(id);
    }
  }
  const results = new Map<string, ScheduledResult<R>>();
  const ready = [...waitsFor.keys()].filter((id) => remaining.get(id) === 0);
  const running = new Set<string>();

  const skip = (id: string, because: string) => {
    if (results.has(id)) return;
    results.set(id, { id, outcome: 'skipped', skippedBecause: because });
    options.onSkip?.(id, because);
    for (const d of dependents.get(id) ?? []) skip(d, because);
  };

  let done = () => {};
  const pump = () => {
    if (signal?.aborted) {
      ready.length = 0;
      for (const id of waitsFor.keys())
        if (!results.has(id) && !running.has(id)) skip(id, INTERRUPTED);
    }
    while (running.size < concurrency && ready.length > 0) {
      const id = ready.shift()!;
      running.add(id);
      options
        .run(id)
        .then(
          ({ outcome, result }) => ({ id, outcome, result }) as ScheduledResult<R>,
          (error: unknown) => ({ id, outcome: 'failed', result: error as R }) as ScheduledResult<R>,
        )
        .then((r) => {
          running.delete(id);
          results.set(id, r);
          for (const d of dependents.get(id) ?? []) {
            // After an abort a node fails because it was interrupted, not on its own account.
            if (r.outcome === 'failed') skip(d, signal?.aborted ? INTERRUPTED : id);
            else if (!results.has(d)) {
              const left = remaining.get(d)! - 1;
              remaining.set(d, left);
              if (left === 0) ready.push(d);
            }
          }
          pump();
        });
    }
    if (running.size === 0 && ready.length === 0) done();
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
  return [...waitsFor.keys()].map((id) => results.get(id)!);
}
