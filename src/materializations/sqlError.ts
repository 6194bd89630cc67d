import type { Adapter } from '../adapters/types.ts';
import type { CompiledSql } from '../core/compiled.ts';
import { NodeSqlError } from '../core/errors.ts';

/**
 * Re-point a database error at the source template: the line the database names in
 * `statement`, less the lines the materialization wrapped around the compiled SQL.
 */
export function locateSqlError(
  adapter: Pick<Adapter, 'explainError'>,
  error: unknown,
  compiled: CompiledSql,
  statement: string,
): NodeSqlError {
  const { summary, line } = adapter.explainError(error, statement);
  if (line === undefined)
    return new NodeSqlError(`${compiled.sourcePath}: ${summary}`, compiled.sourcePath);
  const start = statement.indexOf(compiled.sql);
  const wrapLines = start < 0 ? 0 : statement.slice(0, start).split('\n').length - 1;
  const at = compiled.locate(line - wrapLines);
  return new NodeSqlError(
    `${at.path}:${at.line}: ${summary}\n  ${at.line} | ${at.text.trimEnd()}`,
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
