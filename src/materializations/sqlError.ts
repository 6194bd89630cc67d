import type { CompiledSql } from '../compile/compiler.ts';

/** A database error located in the analyst's source file. */
export class NodeSqlError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'NodeSqlError';
  }
}

/**
 * Re-point a database error at the source template. `wrapLines` is how many lines the
 * materialization put in front of the compiled SQL in the statement that failed.
 */
export function locateSqlError(
  error: unknown,
  compiled: CompiledSql,
  wrapLines: number,
): NodeSqlError {
  const raw = error instanceof Error ? error.message : String(error);
  const match = /\nLINE (\d+):/.exec(raw);
  const summary = raw.split(/\n\s*\nLINE \d+:|\nLINE \d+:/)[0].trim();
  if (!match) return new NodeSqlError(`${compiled.sourcePath}: ${summary}`, compiled.sourcePath);
  const at = compiled.locate(Number(match[1]) - wrapLines);
  return new NodeSqlError(
    `${at.path}:${at.line}: ${summary}\n  ${at.line} | ${at.text.trimEnd()}`,
    at.path,
    at.line,
  );
}
