import type { Adapter } from '../adapters/types.ts';
import type { CompiledSql } from '../core/compiled.ts';
import { NodeSqlError } from '../core/errors.ts';
import { capLines, excerpt } from '../util/excerpt.ts';

/**
 * Re-point a database error at the source template: the line the database names in
 * `statement`, less the lines the materialization wrapped around the compiled SQL, with an
 * excerpt of the source line around the text the database points at.
 */
export function locateSqlError(
  adapter: Pick<Adapter, 'explainError'>,
  error: unknown,
  compiled: CompiledSql,
  statement: string,
): NodeSqlError {
  const { summary: raw, line, near } = adapter.explainError(error, statement);
  const summary = capLines(raw);
  if (line === undefined)
    return new NodeSqlError(`${compiled.sourcePath}: ${summary}`, compiled.sourcePath);
  const start = statement.indexOf(compiled.sql);
  const wrapLines = start < 0 ? 0 : statement.slice(0, start).split('\n').length - 1;
  const at = compiled.locate(line - wrapLines);
  // Looked up in the source line: undefined when the compiled line differs there (the error
  // is in a template's output).
  const found = near ? at.text.indexOf(near) : -1;
  const shown = excerpt(at.text, found >= 0 ? found : undefined);
  return new NodeSqlError(
    `${at.path}:${at.line}: ${summary}\n  ${at.line} | ${shown}`,
    at.path,
    at.line,
  );
}

/** Run a statement holding a model's SQL; a failure points at the model's source line. */
export async function runCompiled(
  adapter: Adapter,
  conn: { run(sql: string): Promise<number | undefined> },
  compiled: CompiledSql,
  statement: string,
): Promise<number | undefined> {
  try {
    return await conn.run(statement);
  } catch (e) {
    throw locateSqlError(adapter, e, compiled, statement);
  }
}
