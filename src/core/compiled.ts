/** A line of a source template: project-relative path, line number and the line's text. */
export interface SourceLine {
  path: string;
  line: number;
  text: string;
}

export interface CompiledSql {
  /** The SELECT to run, ephemeral models injected as CTEs in front. */
  sql: string;
  /** Project-relative path of the template. */
  sourcePath: string;
  /** Where a line of `sql` comes from: this template, or the ephemeral model inlined there. */
  locate(compiledLine: number): SourceLine;
}
