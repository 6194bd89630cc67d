import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Adapter, Connection } from '../adapters/types.ts';
import { materializeTable } from '../materializations/table.ts';
import type { MaterializeResult } from '../materializations/types.ts';
import type { SeedNode } from '../project/types.ts';
import { GzipIntegrityError, isGzipFile } from '../util/gzip.ts';
import { maskBareCarriageReturns } from './bareCarriageReturns.ts';
import type { GzipChecks } from './gzipChecks.ts';
import { keepRejectedLines, markBareCarriageReturns } from './jsonRecords.ts';
import { clearRejects, firstRejectedLines, rejectedCount } from './rejects.ts';

export interface SeedLoadContext {
  adapter: Adapter;
  conn: Connection;
  /** Remembers which gzip files were verified (in the project's target folder). */
  gzipChecks: GzipChecks;
}

/**
 * Load a seed's file into its table: read it with DuckDB, verify a gzip file's integrity
 * meanwhile (DuckDB's reader stops quietly at a cut), and handle the rows the reader rejected,
 * all before the new table is swapped in. Any failure leaves the previous table in place.
 */
export async function loadSeed(seed: SeedNode, ctx: SeedLoadContext): Promise<MaterializeResult> {
  // Verified concurrently with the load (zlib runs on libuv's pool), awaited before the swap.
  const verified = isGzipFile(seed.file) ? ctx.gzipChecks.verify(seed.file) : undefined;
  verified?.catch(() => undefined);
  try {
    const r = await load(seed, ctx, verified).catch((e: Error) =>
      seed.format === 'json_records' && /state machine reached an invalid state/.test(e.message)
        ? loadMaskingBareCarriageReturns(seed, ctx, e)
        : Promise.reject(e),
    );
    return { ...r, message: `seed ${r.message.replace(/^table /, '')}` };
  } catch (e) {
    // A corrupt gzip often also breaks DuckDB's read: the integrity error says what is wrong.
    await verified;
    throw e instanceof GzipIntegrityError ? e : withFile(seed, e as Error);
  } finally {
    await clearRejects(ctx.conn).catch(() => undefined);
  }
}

async function load(
  seed: SeedNode,
  { adapter, conn }: SeedLoadContext,
  verified: Promise<void> | undefined,
  completeJsonRecords: (staging: string) => Promise<void> = async () => undefined,
): Promise<MaterializeResult> {
  await clearRejects(conn);
  return materializeTable({
    adapter,
    conn,
    schema: seed.schema,
    name: seed.alias,
    compiled: {
      sql: await adapter.seedSelect(seed),
      sourcePath: seed.path,
      locate: (line) => ({ path: seed.path, line, text: '' }),
    },
    afterCreate: async (staging) => {
      await verified;
      if (seed.format !== 'json_records') return failOnRejectedRows(conn, seed);
      await keepRejectedLines(conn, staging);
      await completeJsonRecords(staging);
    },
  });
}

/** The rare export with CRs inside lines: read a copy in which they are masked (see there). */
async function loadMaskingBareCarriageReturns(
  seed: SeedNode,
  ctx: SeedLoadContext,
  readerError: Error,
): Promise<MaterializeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'duckflow-seed-'));
  try {
    const masked = join(dir, 'masked.ndjson');
    const lines = await maskBareCarriageReturns(seed.file, masked);
    if (lines.length === 0) throw readerError;
    return await load({ ...seed, file: masked }, ctx, undefined, (staging) =>
      markBareCarriageReturns(ctx.conn, staging, lines),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CSV seeds are tables: a row the reader cannot read fails the load, with its line. */
async function failOnRejectedRows(conn: Connection, seed: SeedNode): Promise<void> {
  const total = await rejectedCount(conn);
  if (total === 0) return;
  const first = await firstRejectedLines(conn, 5);
  const lines = first.map((r) => `  ${seed.file}:${r.line}: ${r.message}: ${r.text}`);
  if (total > first.length) lines.push(`  ... and ${total - first.length} more`);
  throw new Error(
    `${total} row${total === 1 ? '' : 's'} of ${seed.file} could not be read:\n${lines.join('\n')}`,
  );
}

/** Name the file actually read, and the setting that chose it, in a load error. */
function withFile(seed: SeedNode, e: Error): Error {
  if (e.message.includes(seed.file)) return e;
  const origin = seed.fileOrigin ? ` (set by ${seed.fileOrigin})` : '';
  return new Error(`reading ${seed.file}${origin}: ${e.message}`, { cause: e });
}
