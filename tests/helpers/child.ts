/**
 * The duckflow CLI as a child process, watched event by event (`--log-format json`), so a test
 * can signal or kill it at a precise point of a run (a node has started) instead of after a
 * guessed delay.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { RunEvent } from '../../src/api.ts';
import type { CliResult } from './fixture.ts';

const BIN = join(import.meta.dirname, '../../bin/duckflow.js');
/** A run a test forgets to stop is killed, so a hung child fails the test instead of the suite. */
const GUARD_MS = 60_000;

export interface Exited extends CliResult {
  signal: NodeJS.Signals | null;
  events: RunEvent[];
}

export interface CliChild {
  pid: number;
  /** The first event (past or future) matching `predicate`. */
  waitFor(predicate: (e: RunEvent) => boolean, what: string): Promise<RunEvent>;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<Exited>;
}

export const started =
  (name: string) =>
  (e: RunEvent): boolean =>
    e.type === 'node_started' && e.name === name;

export function spawnCli(args: string[], projectDir: string): CliChild {
  const child = spawn(process.execPath, [
    BIN,
    ...args,
    '--log-format',
    'json',
    '--project-dir',
    projectDir,
  ]);
  const events: RunEvent[] = [];
  const waiters: { match: (e: RunEvent) => boolean; resolve(e: RunEvent): void }[] = [];
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line) as RunEvent;
      events.push(event);
      for (const w of waiters.filter((w) => w.match(event))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const guard = setTimeout(() => child.kill('SIGKILL'), GUARD_MS);
  const exited = new Promise<Exited>((done) =>
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      done({ code: code ?? -1, signal, stdout, stderr, events });
    }),
  );
  return {
    pid: child.pid!,
    waitFor: (match, what) => {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return Promise.race([
        new Promise<RunEvent>((resolve) => waiters.push({ match, resolve })),
        exited.then((r) => {
          throw new Error(`the run ended (code ${r.code}) before ${what}:\n${r.stderr}`);
        }),
      ]);
    },
    kill: (signal) => child.kill(signal),
    exited,
  };
}
