/**
 * Relations are values, rendered to SQL by the target's dialect at the last moment: nothing
 * downstream ever parses a quoted name back.
 */
export interface TableRelation {
  kind: 'table';
  database?: string;
  schema: string;
  identifier: string;
}

/** Files the database reads in place (DuckDB's readers); adapters that cannot, load them first. */
export interface FileRelation {
  kind: 'files';
  format: FileFormat;
  location: string;
  options: Record<string, unknown>;
}

export type Relation = TableRelation | FileRelation;

export type FileFormat = 'csv' | 'json' | 'ndjson' | 'parquet';

export const table = (schema: string, identifier: string): TableRelation => ({
  kind: 'table',
  schema,
  identifier,
});

/** A stable key for a table relation, for sets and maps (not SQL). */
export const relationKey = (r: Pick<TableRelation, 'schema' | 'identifier'>): string =>
  `${r.schema}\0${r.identifier}`;
