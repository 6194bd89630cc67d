import type { NodeResult, RunEvent } from '../runner/events.ts';

type Finished = Extract<RunEvent, { type: 'node_finished' }>;

/** How many skipped nodes a folded line names before "and N more". */
const NAMED = 10;
/** How long a skip waits for more of its kind before it is printed anyway. */
const WAIT_MS = 100;

/**
 * Consecutive SKIP lines for the same reason become one line: a failure early in a big graph,
 * or a model whose SQL fails under each of its unit tests, would otherwise print a line per
 * node for a single cause. Skips are held until something else is printed, or briefly: a run
 * that ends abruptly still shows them.
 */
export class SkipFolder {
  private held: Finished[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Prints one node's line, as for any other status. */
    private readonly printOne: (event: Finished) => void,
    /** Prints a folded line: its `[a-b/n]` count, the reason, and the nodes. */
    private readonly printMany: (count: string, reason: string, nodes: string) => void,
  ) {}

  /** Hold a skip; false for any other result, which the caller prints after `flush()`. */
  hold(event: Finished): boolean {
    if (event.result.status !== 'skipped') return false;
    if (this.held.length > 0 && this.held[0]!.result.message !== event.result.message) this.flush();
    this.held.push(event);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), WAIT_MS);
    return true;
  }

  flush(): void {
    clearTimeout(this.timer);
    const held = this.held;
    this.held = [];
    if (held.length === 0) return;
    if (held.length === 1) return this.printOne(held[0]!);
    const first = held[0]!;
    const width = String(first.total).length;
    const range = `${String(first.index).padStart(width)}-${held[held.length - 1]!.index}`;
    const names = held.slice(0, NAMED).map((e) => label(e.result));
    if (held.length > NAMED) names.push(`and ${held.length - NAMED} more`);
    this.printMany(
      `[${range}/${first.total}]`,
      `${held.length} nodes ${first.result.message}`,
      names.join(', '),
    );
  }
}

const label = (r: NodeResult) => `${r.kind === 'unit_test' ? 'unit test' : r.kind} ${r.name}`;
