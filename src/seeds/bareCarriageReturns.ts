import { createReadStream, createWriteStream } from 'node:fs';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { isGzipFile } from '../util/gzip.ts';

const CR = 0x0d;
const LF = 0x0a;

/**
 * DuckDB's CSV reader takes a lone CR for a line break, and in strict mode stops the whole scan
 * at one ("state machine reached an invalid state") without a line number. This copies the file
 * (decompressed) with each CR that is not followed by LF turned into NUL, which the reader
 * rejects line by line like any NUL, and returns the line numbers that held one, so those lines
 * can be put back with their CRs and the right reason. A byte scan, not a parse: rows are still
 * read by DuckDB.
 */
export async function maskBareCarriageReturns(file: string, out: string): Promise<number[]> {
  const mask = new BareCrMask();
  await pipeline(
    createReadStream(file),
    isGzipFile(file) ? createGunzip() : new PassThrough(),
    mask,
    createWriteStream(out),
  );
  return mask.lines;
}

class BareCrMask extends Transform {
  readonly lines: number[] = [];
  private line = 1;
  /** A chunk's last byte was a CR: bare or not depends on the next chunk's first byte. */
  private heldCr = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const bytes = this.heldCr ? Buffer.concat([Buffer.from([CR]), chunk]) : Buffer.from(chunk);
    this.heldCr = bytes[bytes.length - 1] === CR;
    const out = this.heldCr ? bytes.subarray(0, bytes.length - 1) : bytes;
    this.mask(out, false);
    done(null, out);
  }

  override _flush(done: TransformCallback): void {
    if (this.heldCr) {
      const last = Buffer.from([CR]);
      this.mask(last, true);
      this.push(last);
    }
    done();
  }

  private mask(bytes: Buffer, atEnd: boolean): void {
    let counted = 0;
    for (let at = bytes.indexOf(CR); at !== -1; at = bytes.indexOf(CR, at + 1)) {
      this.line += countLf(bytes, counted, at);
      counted = at;
      if (at + 1 < bytes.length ? bytes[at + 1] !== LF : atEnd) {
        bytes[at] = 0;
        if (this.lines[this.lines.length - 1] !== this.line) this.lines.push(this.line);
      }
    }
    this.line += countLf(bytes, counted, bytes.length);
  }
}

function countLf(bytes: Buffer, from: number, to: number): number {
  let n = 0;
  for (let at = bytes.indexOf(LF, from); at !== -1 && at < to; at = bytes.indexOf(LF, at + 1)) n++;
  return n;
}
