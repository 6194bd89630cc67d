/**
 * What the database says the built relations look like. Column types come from here rather than
 * from YAML: YAML `data_type` is optional and can drift, the catalog is what analysts will query.
 */
import { adapterPlugin } from '../adapters/registry.ts';
import type { Adapter, Connection } from '../adapters/types.ts';
import type { SourceNode, TargetConfig } from '../core/nodes.ts';

export interface CatalogRelation {
  schema: string;
  name: string;
  type: 'table' | 'view';
  columns: Columns;
}

/** Relations keyed `schema.name`. */
export type Catalog = Map<string, CatalogRelation>;

export const catalogKey = (schema: string, name: string) => `${schema}.${name}`;

export async function readCatalog(adapter: Adapter, conn: Connection): Promise<Catalog> {
  const { rows } = await conn.query(adapter.dialect.catalogQuery());
  const catalog: Catalog = new Map();
  for (const r of rows) {
    const key = catalogKey(String(r.table_schema), String(r.table_name));
    let relation = catalog.get(key);
    if (!relation) {
      relation = {
        schema: String(r.table_schema),
        name: String(r.table_name),
        type: r.table_type === 'view' ? 'view' : 'table',
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
 * read from files in place is not in the catalog, so the database describes what its reader
 * would produce.
 */
export async function sourceColumns(
  adapter: Adapter,
  conn: Connection,
  sources: Iterable<SourceNode>,
  catalog: Catalog,
): Promise<Map<string, Columns>> {
  const found = new Map<string, Columns>();
  for (const source of sources) {
    const r = source.relation;
    if (r.kind === 'table') {
      const relation = catalog.get(catalogKey(r.schema, r.identifier));
      if (relation) found.set(source.id, relation.columns);
      continue;
    }
    try {
      found.set(
        source.id,
        await adapter.describe(conn, `select * from ${adapter.dialect.relation(r)}`),
      );
    } catch {
      // A missing or unreadable file: the source page lists its YAML columns without types.
    }
  }
  return found;
}

/**
 * Open the target database read-only, so generating docs never changes it and can run while an
 * analyst has it open elsewhere. Undefined when nothing has been built yet.
 */
export function openBuiltDatabase(target: TargetConfig): Promise<Adapter | undefined> {
  return adapterPlugin(target.type).openExisting(target);
}
