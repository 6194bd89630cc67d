/**
 * Benchmark inputs: one NDJSON export per (size, seed, generator version), generated once with
 * the project's generator and reused. The generator is deterministic, so a cached file is the
 * file that would be generated again; its source is hashed into the name so that a changed
 * generator never leaves a stale export in use.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { generateEvents, type GenerateEventsStats } from '../generate-events.ts';

export interface CachedExport {
  path: string;
  events: number;
  seed: number;
  bytes: number;
  /** Seconds it took to generate, when it was generated now. */
  generatedSeconds?: number;
  stats: GenerateEventsStats;
}

/** '1M' -> 1000000, '500k' -> 500000, '2500000' -> 2500000. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!m) throw new Error(`not a size: '${text}' (use e.g. 1M, 500k, 2000000)`);
  const factor = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[m[2]]!;
  return Math.round(Number(m[1]) * factor);
}

/** 1000000 -> '1M', 500000 -> '500k'. */
export function sizeLabel(events: number): string {
  if (events >= 1e6 && events % 1e5 === 0) return `${events / 1e6}M`;
  if (events >= 1e3 && events % 1e3 === 0) return `${events / 1e3}k`;
  return String(events);
}

function generatorFingerprint(): string {
  const source = readFileSync(new URL('../generate-events.ts', import.meta.url));
  return createHash('sha256').update(source).digest('hex').slice(0, 10);
}

export async function ensureExport(
  cacheDir: string,
  events: number,
  seed: number,
  log: (line: string) => void,
): Promise<CachedExport> {
  mkdirSync(cacheDir, { recursive: true });
  const stem = `events-${sizeLabel(events)}-seed${seed}`;
  const name = `${stem}-gen${generatorFingerprint()}.ndjson`;
  const path = join(cacheDir, name);
  const metaPath = `${path}.meta.json`;
  if (existsSync(path) && existsSync(metaPath)) {
    return {
      ...(JSON.parse(readFileSync(metaPath, 'utf8')) as Omit<CachedExport, 'generatedSeconds'>),
      path,
    };
  }
  // Exports of an older generator for the same size and seed are only in the way now.
  for (const f of readdirSync(cacheDir)) {
    if (f.startsWith(`${stem}-gen`) && !f.startsWith(name))
      rmSync(join(cacheDir, f), { force: true });
  }
  log(`generating ${sizeLabel(events)} events (seed ${seed}) into ${path}`);
  const partial = `${path}.partial.ndjson`;
  const stats = await generateEvents({
    events,
    seed,
    out: partial,
    onProgress: (n) => log(`  ${n.toLocaleString('en-US')} records`),
  });
  renameSync(partial, path);
  const cached: CachedExport = { path, events, seed, bytes: stats.bytes, stats };
  writeFileSync(metaPath, `${JSON.stringify(cached, null, 2)}\n`);
  return { ...cached, generatedSeconds: stats.seconds };
}
