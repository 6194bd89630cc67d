import type { CompiledSql } from '../compile/compiler.ts';
import { capLines, excerpt } from '../util/excerpt.ts';

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
  const summary = capLines(raw.split(/\n\s*\nLINE \d+:|\nLINE \d+:/)[0].trim());
  if (!match) return new NodeSqlError(`${compiled.sourcePath}: ${summary}`, compiled.sourcePath);
  const at = compiled.locate(Number(match[1]) - wrapLines);
  const shown = excerpt(at.text, columnIn(at.text, raw.slice(match.index + 1)));
  return new NodeSqlError(
    `${at.path}:${at.line}: ${summary}\n  ${at.line} | ${shown}`,
    at.path,
    at.line,
  );
}

/**
 * Where in a source line the error is, from DuckDB's own excerpt: `LINE n: <text>` over a caret
 * line. The text from the caret on is looked up in the source line; undefined when the compiled
 * line differs there (the error is in a template's output).
 */
function columnIn(sourceLine: string, tail: string): number | undefined {
  const [snippetLine, caretLine] = tail.split('\n');
  const prefix = /^LINE \d+: /.exec(snippetLine ?? '');
  const caret = caretLine?.indexOf('^') ?? -1;
  if (!prefix || caret < prefix[0].length) return undefined;
  const token = snippetLine!
    .slice(caret)
    .replace(/\.\.\.$/, '')
    .slice(0, 40);
  const found = token ? sourceLine.indexOf(token) : -1;
  return found >= 0 ? found : undefined;
}
