import { ProjectError } from '../errors.ts';
import { didYouMean } from '../util/closest.ts';

/**
 * What nunjucks (run with `throwOnUndefined`) throws for `{{ x }}` when x is undefined or none.
 * Its position is 1-based already, unlike other render errors, and it names no variable.
 */
const UNDEFINED_OUTPUT = 'attempted to output null or undefined value';
const UNDEFINED_CALL = /Unable to call `(.+?)`, which is undefined or falsey/;

interface NunjucksError extends Error {
  lineno?: number;
  colno?: number;
  cause?: unknown;
}

/**
 * An error inside a macro, on its way out to the template that called it: it carries no line, so
 * nunjucks gives it the caller's, and the analyst sees the line of their model that called it.
 */
export class MacroError extends Error {
  name = 'MacroError';
}

/** The text of `{{ … }}` starting at a 1-based line and column, if one starts there. */
function outputAt(text: string, line: number, column: number): string | undefined {
  const source = text.split('\n', line)[line - 1] ?? '';
  const from = column - 1;
  if (!source.startsWith('{{', from)) return undefined;
  const end = source.indexOf('}}', from + 2);
  const inner = source.slice(from + 2, end < 0 ? undefined : end).replace(/^-|-$/g, '');
  return inner.trim();
}

/** "x is undefined", naming the expression when the template text shows it. */
function undefinedMessage(expression: string | undefined): string {
  const what = expression ? `'${expression}'` : 'a value this template outputs';
  return `${what} is undefined or none; if it may be missing, test it with 'is defined' or give it a '| default(…)'`;
}

function cleanMessage(err: NunjucksError): string {
  const text = err.cause instanceof Error ? err.cause.message : String(err.message ?? err);
  return text
    .replace(/^\(.*?\)\s*/, '')
    .replace(/\[Line \d+(, Column \d+)?\]\s*/, '')
    .replace(/^Template render error:\s*/i, '')
    .replace(/^\s*(Error:\s*)?/, '')
    .trim();
}

/** What went wrong, in the analyst's words; `known` are the names a template can call. */
function describe(err: NunjucksError, text: string, known: Iterable<string>): string {
  if (err.message?.includes(UNDEFINED_OUTPUT))
    return undefinedMessage(outputAt(text, err.lineno ?? 0, err.colno ?? 0));
  const message = cleanMessage(err);
  const call = UNDEFINED_CALL.exec(message);
  if (call)
    return `'${call[1]}' is undefined: no macro or function of that name${didYouMean(call[1]!, known)}`;
  return message;
}

/** Wrap an error raised inside macro `name` of `file` (its text as compiled) for its caller. */
export function macroFailure(
  e: unknown,
  name: string,
  file: { path: string; text: string },
  known: Iterable<string>,
): Error {
  if (e instanceof MacroError || e instanceof ProjectError) return e;
  const err = e as NunjucksError;
  if (err.cause instanceof ProjectError) return err.cause;
  const line = err.message?.includes(UNDEFINED_OUTPUT) ? `:${err.lineno}:${err.colno}` : '';
  return new MacroError(
    `${describe(err, file.text, known)} (in macro '${name}', ${file.path}${line})`,
  );
}

/**
 * A nunjucks error as `file:line:column: template error: …`. Parse errors carry 1-based
 * positions; errors raised while rendering carry the compiled code's 0-based ones, except an
 * undefined output's, which nunjucks makes 1-based itself.
 */
export function templateError(
  e: unknown,
  path: string,
  phase: 'parse' | 'render',
  text: string,
  known: Iterable<string>,
): Error {
  if (e instanceof ProjectError) return e;
  if (e instanceof MacroError)
    return new ProjectError(`template error: ${e.message}`, { file: path });
  const err = e as NunjucksError;
  // A ProjectError thrown by a global (e.g. ref()) already says where it comes from.
  if (err.cause instanceof ProjectError) return err.cause;
  const base = phase === 'render' && !err.message?.includes(UNDEFINED_OUTPUT) ? 1 : 0;
  const position = (n: number | undefined) => (typeof n === 'number' ? n + base : undefined);
  const message = err.cause instanceof MacroError ? err.cause.message : describe(err, text, known);
  return new ProjectError(`template error: ${message}`, {
    file: path,
    line: position(err.lineno),
    column: position(err.colno),
  });
}
