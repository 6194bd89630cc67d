import type { Capabilities, Dialect } from '../core/dialect.ts';
import type { Relation, TableRelation } from '../core/relation.ts';
import { sqlInstant } from '../util/instant.ts';

/** Double-quoted identifiers, as standard SQL (and every adapter so far) writes them. */
export const standardQuote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
const quote = standardQuote;

/** dbt's aliases for the target and the new rows in incremental statements and predicates. */
export const DEST = 'DBT_INTERNAL_DEST';
export const SOURCE = 'DBT_INTERNAL_SOURCE';
export const keyMatch = (k: string) => `${DEST}.${quote(k)} = ${SOURCE}.${quote(k)}`;
/** `and <alias>.table_schema in (...)` for a catalog query limited to `schemas` (none: all). */
export const inSchemas = (alias: string, schemas: string[] | undefined): string =>
  schemas
    ? `\n        and ${alias}.table_schema in (${schemas.length ? schemas.map(literal).join(', ') : 'null'})`
    : '';
export const conjunction = (predicates: string[]) =>
  predicates.length === 0 ? 'true' : predicates.map((p) => `(${p})`).join(' and ');
/** A target row (`DBT_INTERNAL_DEST`) matches a batch row: the keys equal, every predicate met. */
export const batchMatch = (keys: string[], predicates: string[]) =>
  conjunction([...keys.map(keyMatch), ...predicates]);

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'object')
    throw new Error(`no SQL literal for ${JSON.stringify(value)} in this dialect`);
  return `'${String(value).replace(/'/g, "''")}'`;
}

/**
 * The SQL that databases share (double-quoted identifiers, standard DDL, information_schema).
 * A dialect spreads this and overrides what differs, as Kysely's dialects do.
 */
export function standardDialect(
  name: string,
  capabilities: Capabilities,
): Dialect & { tableName(relation: TableRelation): string } {
  const tableName = (r: TableRelation) =>
    [r.database, r.schema, r.identifier]
      .filter((p) => p !== undefined)
      .map((p) => quote(p!))
      .join('.');
  return {
    name,
    capabilities,
    quote,
    literal,
    tableName,
    relation(r: Relation): string {
      if (r.kind === 'table') return tableName(r);
      throw new Error(
        `${name} cannot read files in place (${r.location}); load them as a seed instead`,
      );
    },
    now: () => 'localtimestamp',
    secondsBetween: (from, to) => `extract(epoch from (${to} - ${from}))`,
    createTableAs: (r, select) => `create table ${tableName(r)} as\n${select}`,
    createTempTableAs: (table, select) => `create temporary table ${quote(table)} as\n${select}`,
    createView: (r, select) =>
      `${capabilities.createOrReplaceView ? 'create or replace' : 'create'} view ${tableName(r)} as\n${select}`,
    drop: (type, r) => `drop ${type} if exists ${tableName(r)}`,
    rename: (r, identifier) => `alter table ${tableName(r)} rename to ${quote(identifier)}`,
    deleteMatching: (target, source, keys, predicates) =>
      `delete from ${tableName(target)} as ${DEST} using ${source} as ${SOURCE} where ${batchMatch(keys, predicates)}`,
    selectMatching: (target, source, keys, predicates, columns) =>
      `select ${columns} from ${tableName(target)} as ${DEST} where exists (select 1 from ${source} as ${SOURCE} where ${batchMatch(keys, predicates)})`,
    countMatching: (target, source, keys, predicates) =>
      `select count(*) as n from ${source} as ${SOURCE} where exists (select 1 from ${tableName(target)} as ${DEST} where ${batchMatch(keys, predicates)})`,
    deleteWhere: (target, predicates) =>
      `delete from ${tableName(target)} as ${DEST} where ${conjunction(predicates)}`,
    merge: (target, source, keys, columns, predicates) => {
      const quoted = columns.map(quote);
      return [
        `merge into ${tableName(target)} as ${DEST} using ${source} as ${SOURCE}`,
        `on ${batchMatch(keys, predicates)}`,
        `when matched then update set ${quoted.map((c) => `${c} = ${SOURCE}.${c}`).join(', ')}`,
        `when not matched then insert (${quoted.join(', ')}) values (${quoted.map((c) => `${SOURCE}.${c}`).join(', ')})`,
      ].join('\n');
    },
    addColumn: (r, column, type) =>
      `alter table ${tableName(r)} add column ${quote(column)} ${type}`,
    dropColumn: (r, column) => `alter table ${tableName(r)} drop column ${quote(column)}`,
    alterColumnType: (r, column, type) =>
      `alter table ${tableName(r)} alter column ${quote(column)} type ${type} using cast(${quote(column)} as ${type})`,
    md5: (text) => `md5(${text})`,
    timestamp: (instant) => `timestamp '${sqlInstant(instant)}'`,
    catalogQuery: (schemas) => `
      select c.table_schema, c.table_name, c.column_name, c.data_type,
        case when t.table_type = 'VIEW' then 'view' else 'table' end as table_type
      from information_schema.columns c
      join information_schema.tables t using (table_catalog, table_schema, table_name)
      where c.table_catalog = current_database()
        and c.table_schema <> 'information_schema' and c.table_schema not like 'pg\\_%'${inSchemas('c', schemas)}${inSchemas('t', schemas)}
      order by c.table_schema, c.table_name, c.ordinal_position`,
  };
}
