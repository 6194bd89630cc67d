/**
 * What the database says the built relations look like. Column types come from here rather than
 * from YAML: YAML `data_type` is optional and can drift, the catalog is what analysts will query.
 */
import { existsSync } from 'node:fs';
import { DuckDBAdapter } from '../adapters/duckdb.ts';
import type { Connection } from '../adapters/types.ts';
import type { SourceNode, TargetConfig } from '../project/types.ts';

export interface CatalogRelation {
  schema: string;
  name: string;
  type: 'table' | 'view';
  columns: Columns;
}

/** Relations keyed `schema.name`. */
export type Catalog = Map<string, CatalogRelation>;

export const catalogKey = (schema: string, name: string) => `${schema}.${name}`;

export async function readCatalog(conn: Connection): Promise<Catalog> {
  const { rows } = await conn.query(`
    select c.table_schema, c.table_name, c.column_name, c.data_type, t.table_type
    from information_schema.columns c
    join information_schema.tables t using (table_catalog, table_schema, table_name)
    where c.table_catalog = current_database()
    order by c.table_schema, c.table_name, c.ordinal_position`);
  const catalog: Catalog = new Map();
  for (const r of rows) {
    const key = catalogKey(String(r.table_schema), String(r.table_name));
    let relation = catalog.get(key);
    if (!relation) {
      relation = {
        schema: String(r.table_schema),
        name: String(r.table_name),
        type: r.table_type === 'VIEW' ? 'view' : 'table',
        columns: [],
      };
      catalog.set(key, relation);
    }
    relation.columns.push({ name: String(r.column_name), type: String(r.data_type) });
  }
  return catalog;
}

export type Columns = { name: string; type: string }[];

/**
 * Columns of each source, by node id. A source naming a table is looked up in the catalog; one
 * that DuckDB reads from files (read_csv(...), read_parquet(...)) is not in the catalog, so
 * DESCRIBE asks the reader for the schema it would produce.
 */
export async function sourceColumns(
  conn: Connection,
  sources: Iterable<SourceNode>,
  catalog: Catalog,
): Promise<Map<string, Columns>> {
  const found = new Map<string, Columns>();
  for (const source of sources) {
    const table = /^"((?:[^"]|"")+)"\."((?:[^"]|"")+)"$/.exec(source.relation);
    if (table) {
      const relation = catalog.get(
        catalogKey(table[1].replace(/""/g, '"'), table[2].replace(/""/g, '"')),
      );
      if (relation) found.set(source.id, relation.columns);
      continue;
    }
    try {
      const { rows } = await conn.query(`describe select * from ${source.relation}`);
      found.set(
        source.id,
        rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) })),
      );
    } catch {
      // A missing or unreadable file: the source page lists its YAML columns without types.
    }
  }
  return found;
}

/**
 * Open the target database read-only, so generating docs never changes it and can run while an
 * analyst has the file open elsewhere. Undefined when nothing has been built yet.
 */
export async function openBuiltDatabase(target: TargetConfig): Promise<DuckDBAdapter | undefined> {
  if (target.path === ':memory:' || !existsSync(target.path)) return undefined;
  return DuckDBAdapter.open({
    ...target,
    settings: { ...target.settings, access_mode: 'READ_ONLY' },
  });
}
