/**
 * Objects dbt templates receive: a Relation (`{{ this }}`, `ref()`), an agate-like table
 * (`run_query()`, `load_result()`), and the signal a template gives when it needs a query's
 * result that is not known yet (see Renderer: rendering is retried once the query has run).
 */
import type { QueryResult } from '../core/results.ts';

/** A relation as dbt's Jinja sees it: prints as its quoted name, and has its parts. */
export class RelationObject {
  constructor(
    readonly rendered: string,
    readonly database: string | null,
    readonly schema: string | null,
    readonly identifier: string,
  ) {}
  get name() {
    return this.identifier;
  }
  get table() {
    return this.identifier;
  }
  get type() {
    return 'table';
  }
  get is_table() {
    return true;
  }
  get is_view() {
    return false;
  }
  render() {
    return this.rendered;
  }
  include() {
    return this;
  }
  quote() {
    return this;
  }
  incorporate() {
    return this;
  }
  toString() {
    return this.rendered;
  }
}

/** Split `"db"."schema"."name"` (quoted or not) into its parts; anything else is one identifier. */
export function relationObject(rendered: string, database: string | null): RelationObject {
  const parts = rendered.match(/"(?:[^"]|"")*"|[^."]+/g);
  const joined = parts?.join('.');
  if (!parts || joined !== rendered || parts.length > 3)
    return new RelationObject(rendered, database, null, rendered);
  const clean = parts.map((p) => (p.startsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p));
  const identifier = clean[clean.length - 1];
  const schema = clean.length >= 2 ? clean[clean.length - 2] : null;
  return new RelationObject(rendered, clean.length === 3 ? clean[0] : database, schema, identifier);
}

/**
 * agate.Table as dbt macros use it: `.rows` (each indexable by position or column name),
 * `.columns[i].values()` or `.columns['name'].values()`, `.column_names`, and `| length`.
 */
export function agateTable(result: QueryResult) {
  const names = result.columns;
  const rows = result.rows.map((r) => {
    const row = names.map((n) => r[n]);
    names.forEach((n, i) => Object.defineProperty(row, n, { value: row[i], enumerable: false }));
    return row;
  });
  const columns = names.map((name, i) => ({
    name,
    values: () => rows.map((r) => r[i]),
    data_type: result.types[i],
  }));
  columns.forEach((c) => Object.defineProperty(columns, c.name, { value: c, enumerable: false }));
  return {
    rows,
    columns,
    column_names: names,
    column_types: result.types,
    length: rows.length,
    print_table: () => '',
    [Symbol.iterator]: () => rows[Symbol.iterator](),
  };
}

/** A template asked for the result of `sql` before it was run: run it, then render again. */
export class NeedsQuery extends Error {
  constructor(readonly sql: string) {
    super('a template needs a query result that is not known yet');
  }
}
