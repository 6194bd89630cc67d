/** Exit codes, as the CLI reports them: 1 = a node or test failed, 2 = invalid invocation or project. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_INVALID = 2;

export interface Position {
  file: string;
  line?: number;
  column?: number;
}

/**
 * An error in the user's project (config, YAML, refs, graph). Always exit 2, always points at a
 * file so an analyst can jump straight to it.
 */
export class ProjectError extends Error {
  constructor(
    message: string,
    readonly position?: Position,
  ) {
    super(position ? `${formatPosition(position)}: ${message}` : message);
    this.name = 'ProjectError';
  }
}

/** Several project errors found in one pass: analysts fix them all at once instead of one per run. */
export class ProjectErrors extends Error {
  constructor(readonly errors: ProjectError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'ProjectErrors';
  }
}

/** Bad command-line usage (unknown model in --select is not this: an empty selection is valid). */
export class UsageError extends Error {
  name = 'UsageError';
}

export function formatPosition(p: Position): string {
  return [p.file, p.line, p.column].filter((x) => x !== undefined).join(':');
}

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
