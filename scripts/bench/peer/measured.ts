/** A command timed through rusage.py: wall, CPU of its process tree, peak RSS, outside load. */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { machineBusySeconds, otherLoad } from '../measure.ts';

const RUSAGE = fileURLToPath(new URL('./rusage.py', import.meta.url));

export interface ToolUsage {
  exitCode: number;
  wallSeconds: number;
  /** User + system CPU seconds of the command's process tree. */
  cpuSeconds: number;
  peakRssBytes: number;
  /** Cores' worth of CPU other processes used meanwhile. */
  otherLoadCores?: number;
}

export function measuredCommand(
  python: string,
  command: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; usageFile: string; logFile: string },
): ToolUsage {
  const log = openSync(options.logFile, 'w');
  const busyBefore = machineBusySeconds();
  try {
    const r = spawnSync(python, [RUSAGE, options.usageFile, ...command], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', log, log],
    });
    if (r.status !== 0)
      throw new Error(`rusage.py failed (exit ${r.status}), see ${options.logFile}`);
  } finally {
    closeSync(log);
  }
  const busyAfter = machineBusySeconds();
  const u = JSON.parse(readFileSync(options.usageFile, 'utf8')) as Omit<
    ToolUsage,
    'peakRssBytes'
  > & {
    maxRssBytes: number;
  };
  return {
    exitCode: u.exitCode,
    wallSeconds: u.wallSeconds,
    cpuSeconds: u.cpuSeconds,
    peakRssBytes: u.maxRssBytes,
    otherLoadCores:
      busyBefore === undefined || busyAfter === undefined
        ? undefined
        : otherLoad(busyAfter - busyBefore, u.cpuSeconds, u.wallSeconds),
  };
}
