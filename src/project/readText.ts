import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectError } from '../errors.ts';

// The BOM is kept, as reading with 'utf8' always did: only invalid bytes change behaviour.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * A project file's text. Invalid UTF-8 is an error at the first bad byte's line and column,
 * never silently replaced by U+FFFD (which would then reach the database as data).
 */
export function readProjectText(projectDir: string, path: string): string {
  const bytes = readFileSync(join(projectDir, path));
  try {
    return strict.decode(bytes);
  } catch {
    throw invalidUtf8(path, bytes);
  }
}

function invalidUtf8(path: string, bytes: Buffer): ProjectError {
  const text = lenient.decode(bytes);
  // Each U+FFFD is a replaced byte sequence, or one the file really holds (bytes EF BF BD).
  let offset = 0;
  let from = 0;
  for (let at = text.indexOf('\uFFFD'); at >= 0; at = text.indexOf('\uFFFD', at + 1)) {
    offset += Buffer.byteLength(text.slice(from, at));
    from = at;
    if (bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)
      continue;
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    const byte = bytes[offset]!.toString(16).toUpperCase().padStart(2, '0');
    return new ProjectError(
      `not valid UTF-8: byte 0x${byte} at byte offset ${offset}; save the file as UTF-8`,
      { file: path, line, column },
    );
  }
  return new ProjectError('not valid UTF-8; save the file as UTF-8', { file: path });
}
