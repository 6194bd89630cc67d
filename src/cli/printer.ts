import { relative } from 'node:path';
import type { NodeResult, RunEvent } from '../core/results.ts';
import { formatTable } from '../util/format.ts';
import { SkipFolder } from './skipFold.ts';

const COLORS = { red: 31, green: 32, yellow: 33, dim: 2 } as const;

/** Colour on a terminal unless NO_COLOR is set to a non-empty value (no-color.org). */
export function useColor(stream: Pick<NodeJS.WriteStream, 'isTTY'>): boolean {
  return !process.env.NO_COLOR && !!stream.isTTY;
}

const LABEL: Record<NodeResult['status'], [string, keyof typeof COLORS]> = {
  success: ['OK', 'green'],
  pass: ['PASS', 'green'],
  warn: ['WARN', 'yellow'],
  skipped: ['SKIP', 'yellow'],
  fail: ['FAIL', 'red'],
  error: ['ERROR', 'red'],
};

/** Human output: a line per finished node with a running [k/n] count, then a summary. */
export function textPrinter(
  write: (line: string) => void,
  color: boolean,
): (event: RunEvent) => void {
  const paint = (c: keyof typeof COLORS, s: string) =>
    color ? `\x1b[${COLORS[c]}m${s}\x1b[0m` : s;
  const printNode = (event: Extract<RunEvent, { type: 'node_finished' }>) => {
    const r = event.result;
    const [label, c] = LABEL[r.status];
    const width = String(event.total).length;
    const count = `[${String(event.index).padStart(width)}/${event.total}]`;
    const rows = rowsText(r);
    // A pass says nothing more, unless it says which rows it checked (`scope: changed_rows`).
    const scoped = r.status === 'pass' && /^pass \(/.test(r.message) ? r.message.slice(4) : '';
    const info =
      r.status === 'success' || r.status === 'pass'
        ? rows + scoped
        : ` ${r.message.split('\n')[0]}`;
    write(
      `${count} ${paint(c, label.padEnd(5))} ${r.kind.padEnd(5)} ${r.name} (${r.detail})${info} ${paint('dim', `${r.seconds.toFixed(2)}s`)}`,
    );
    for (const extra of details(r)) write(`        ${extra}`);
  };
  const skips = new SkipFolder(printNode, (count, reason, nodes) =>
    write(`${count} ${paint('yellow', 'SKIP ')} ${reason}: ${nodes}`),
  );
  return (event) => {
    if (event.type === 'node_finished' && skips.hold(event)) return;
    skips.flush();
    switch (event.type) {
      case 'run_started':
        write(
          `duckflow ${event.command} on target '${event.target}': ${event.total} node${event.total === 1 ? '' : 's'}`,
        );
        break;
      case 'node_finished':
        printNode(event);
        break;
      case 'run_finished': {
        const c = event.counts;
        const parts = [
          `${c.success + c.pass} ok`,
          c.warn && `${c.warn} warned`,
          c.fail && `${c.fail} failed`,
          c.error && `${c.error} errored`,
          c.skipped && `${c.skipped} skipped`,
        ].filter(Boolean);
        write(
          paint(
            event.success ? 'green' : 'red',
            `${event.success ? 'Done' : 'Failed'} in ${event.seconds.toFixed(2)}s: ${parts.join(', ')}`,
          ),
        );
        break;
      }
      case 'log':
        write(
          event.level === 'info'
            ? event.message
            : event.level === 'warn'
              ? paint('yellow', `warning: ${event.message}`)
              : paint('red', `error: ${event.message}`),
        );
        break;
    }
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** ` 10,450 rows`, and for an incremental build ` +120 ~3 -5, 10,450 rows` (inserted, updated, deleted). */
function rowsText(r: NodeResult): string {
  if (r.rows === undefined) return '';
  const c = r.changes;
  if (!c) return ` ${count(r.rows)} rows`;
  const batches =
    c.batches === undefined ? '' : `, ${c.batches} batch${c.batches === 1 ? '' : 'es'}`;
  return ` +${count(c.inserted)} ~${count(c.updated)} -${count(c.deleted)}, ${count(r.rows)} rows${batches}`;
}

/** What an analyst needs to act on a failure: where, which rows, which SQL. */
function details(r: NodeResult): string[] {
  if (r.status === 'error')
    return [
      ...r.message.split('\n').slice(1),
      ...(r.compiledPath ? [`compiled SQL: ${relative(process.cwd(), r.compiledPath)}`] : []),
    ];
  const on = r.attachedTo?.split('.').slice(2).join('.');
  if (r.kind === 'unit_test' && r.status === 'fail') {
    // The message is the diff: its summary is on the status line, the rows follow.
    const declared = `model ${on} (unit test declared at ${r.file}${r.line ? `:${r.line}` : ''})`;
    return [
      declared,
      ...r.message.split('\n').slice(1),
      ...(r.compiledPath ? [`compiled SQL: ${relative(process.cwd(), r.compiledPath)}`] : []),
    ];
  }
  if (r.kind !== 'test' || (r.status !== 'fail' && r.status !== 'warn')) return [];
  const lines = [
    `${on ?? r.name}${r.column ? ` column ${r.column}` : ''}: ${r.failures} failing row${r.failures === 1 ? '' : 's'}${r.file ? ` (declared at ${r.file}${r.line ? `:${r.line}` : ''})` : ''}`,
  ];
  if (r.sample && r.sample.rows.length) lines.push(...formatTable(r.sample, 60).split('\n'));
  if (r.compiledPath) lines.push(`compiled SQL: ${relative(process.cwd(), r.compiledPath)}`);
  if (r.storedIn) lines.push(`failing rows stored in ${r.storedIn}`);
  return lines;
}

/** Machine output: one JSON object per line per event. */
export function jsonPrinter(write: (line: string) => void): (event: RunEvent) => void {
  return (event) => write(JSON.stringify({ ts: new Date().toISOString(), ...event }));
}
