import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** Compressed bytes handed to zlib at a time: also the precision of a corruption's offset. */
const CHUNK = 64 * 1024;

export class GzipIntegrityError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    detail: string,
  ) {
    super(
      `${file}: truncated or corrupt gzip at byte ${offset.toLocaleString('en-US')} (${detail})`,
    );
    this.name = 'GzipIntegrityError';
  }
}

/**
 * Decompress the whole file and throw GzipIntegrityError unless every member is complete and
 * its CRC-32 and length trailer match. DuckDB's gzip reader stops quietly at a cut, so a
 * truncated export would otherwise load as a shorter one. zlib reads concatenated members (as
 * parallel gzip writers produce) as one stream; the data is streamed and discarded, never held.
 */
export async function verifyGzip(file: string): Promise<void> {
  const size = statSync(file).size;
  const gunzip = createGunzip({ chunkSize: CHUNK });
  const input = createReadStream(file, { highWaterMark: CHUNK });
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    await pipeline(input, gunzip, discard);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (!err.code?.startsWith('Z_')) throw e;
    const truncated = err.code === 'Z_BUF_ERROR';
    throw new GzipIntegrityError(
      file,
      // zlib counts the input it has consumed: the start of the block it failed in.
      truncated ? size : gunzip.bytesWritten,
      truncated ? 'the file ends inside a gzip member' : err.message,
    );
  }
}

/** Whether the file starts with the gzip magic number, whatever its name says. */
export function isGzipFile(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}
