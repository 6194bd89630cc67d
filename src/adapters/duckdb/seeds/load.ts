import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableRelation } from '../../../core/relation.ts';
import type { Connection } from '../../types.ts';
import { duckdbDialect } from '../dialect.ts';
import type { SeedNode } from '../../../core/nodes.ts';
import { GzipIntegrityError, isGzipFile } from './gzip.ts';
import { maskBareCarriageReturns } from './bareCarriageReturns.ts';
import type { GzipChecks } from './gzipChecks.ts';
import { keepRejectedLines, markBareCarriageReturns } from './jsonRecords.ts';
import { clearRejects, firstRejectedLines, rejectedCount } from './rejects.ts';
import { keepRawOfDuplicates } from './duplicateRaw.ts';
import { createInFileOrder, type Numbering, type OrderedScans } from './orderedLoad.ts';
import { jsonRecordsSelect, seedSelect } from './select.ts';
import { LOAD_ERROR } from './typedRecords.ts';
import { retypeAsDbt } from './dbtTypes.ts';

export interface SeedLoadContext {
  /** A connection to a DuckDB database: the target, or the one reading files for another engine. */
  conn: Connection;
  /** Remembers which gzip files were verified (in the project's target folder). */
  gzipChecks: GzipChecks;
  /** The database's guard for loads that number lines by scan order (orderedLoad.ts). */
  orderedScans: OrderedScans;
  /** How json_records lines are numbered: `row_number` skips the plan check (tests). */
  numbering?: Numbering;
}

/**
 * Read a seed's file into the new table `into` with DuckDB, verify a gzip file's integrity
 * meanwhile (DuckDB's reader stops quietly at a cut), and handle the rows the reader rejected;
 * returns the row count. The caller swaps `into` in, so any failure leaves the previous table.
 */
export async function readSeed(
  seed: SeedNode,
  into: TableRelation,
  ctx: SeedLoadContext,
): Promise<number> {
  // Verified concurrently with the load (zlib runs on libuv's pool), awaited before the swap.
  const verified = isGzipFile(seed.file) ? ctx.gzipChecks.verify(seed.file) : undefined;
  verified?.catch(() => undefined);
  try {
    return await load(seed, into, ctx, verified).catch((e: Error) =>
      seed.format === 'json_records' && /state machine reached an invalid state/.test(e.message)
        ? loadMaskingBareCarriageReturns(seed, into, ctx, e)
        : Promise.reject(e),
    );
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
  into: TableRelation,
  ctx: SeedLoadContext,
  verified: Promise<void> | undefined,
  completeJsonRecords: (staging: string, reason: string) => Promise<void> = async () => undefined,
): Promise<number> {
  const { conn } = ctx;
  await clearRejects(conn);
  const staging = duckdbDialect.relation(into);
  if (seed.format === 'json_records')
    await createInFileOrder(
      conn,
      into,
      (recordNumber) => jsonRecordsSelect(seed, recordNumber, 'hash'),
      ctx.orderedScans,
      ctx.numbering,
      // Every line keeps its text: stored as read (see writer in orderedLoad.ts).
      seed.keepAllRaw ? ['raw'] : [],
    );
  else await conn.run(duckdbDialect.createTableAs(into, seedSelect(seed)));
  await verified;
  if (seed.format !== 'json_records') {
    await failOnRejectedRows(conn, seed);
    if (seed.agateTypes) await retypeAsDbt(conn, seed, staging);
  } else {
    const reason = seed.fields ? LOAD_ERROR : 'read_error';
    await keepRejectedLines(conn, staging, reason, seed.lineHash);
    await completeJsonRecords(staging, reason);
    const { keepRawForDuplicatesOf } = seed;
    if (keepRawForDuplicatesOf && !seed.keepAllRaw)
      await ctx.orderedScans.around(conn, () =>
        keepRawOfDuplicates(conn, staging, { ...seed, keepRawForDuplicatesOf }),
      );
  }
  // CREATE TABLE AS reports no row count in DuckDB; counting a fresh table reads only metadata.
  return Number((await conn.query(`select count(*) as n from ${staging}`)).rows[0].n);
}

/** The rare export with CRs inside lines: read a copy in which they are masked (see there). */
async function loadMaskingBareCarriageReturns(
  seed: SeedNode,
  into: TableRelation,
  ctx: SeedLoadContext,
  readerError: Error,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'duckflow-seed-'));
  try {
    const masked = join(dir, 'masked.ndjson');
    const lines = await maskBareCarriageReturns(seed.file, masked);
    if (lines.length === 0) throw readerError;
    return await load({ ...seed, file: masked }, into, ctx, undefined, (staging, reason) =>
      markBareCarriageReturns(ctx.conn, staging, reason, lines, seed.lineHash),
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
