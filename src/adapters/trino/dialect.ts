import type { Capabilities, Dialect } from '../../core/dialect.ts';
import type { TableRelation } from '../../core/relation.ts';
import { conjunction, DEST, inSchemas, keyMatch, SOURCE, standardDialect } from '../sqlDialect.ts';

/**
 * What a Trino catalog can do depends on its connector: Hive tables (Parquet files and a
 * metastore) are replaced by renames and rewritten whole; Iceberg and Delta Lake tables are
 * replaced in one statement and change row by row.
 */
function capabilities(connector: string): Capabilities {
  const tableFormat = connector === 'iceberg' || connector === 'delta_lake';
  return {
    // Trino runs one statement per request; Hive has no multi-statement transactions.
    transactionalDdl: false,
    createOrReplaceView: true,
    qualify: false,
    readsFiles: false,
    serialSchemaCreation: true,
    createOrReplaceTable: tableFormat,
    rowLevelDelete: tableFormat,
    merge: tableFormat,
    retypeColumns: tableFormat,
    concurrentDeletes: !tableFormat,
  };
}

/** Trino's SQL for a catalog of the given connector (`hive`, `iceberg`, `delta_lake`, `memory`). */
export function trinoDialect(connector: string): Dialect {
  const base = standardDialect('trino', capabilities(connector));
  const { tableName, quote } = base;
  // `delete` takes no alias: the target is named by its table name, in dbt's predicates too.
  const unaliased = (target: TableRelation, predicates: string[]) =>
    predicates.map((p) => p.replace(new RegExp(`\\b${DEST}\\b`, 'gi'), tableName(target)));
  return {
    ...base,
    now: () => 'localtimestamp(6)',
    // No `extract(epoch ...)` of an interval.
    secondsBetween: (from, to) => `date_diff('millisecond', ${from}, ${to}) / 1000e0`,
    // No temporary tables: a table of the connection's own schema, dropped by whoever made it.
    createTempTableAs: (name, select) => `create table ${quote(name)} as\n${select}`,
    createTableAs: (r, select) =>
      `${base.capabilities.createOrReplaceTable ? 'create or replace' : 'create'} table ${tableName(r)} as\n${select}`,
    // No `delete ... using`.
    deleteMatching: (target, source, keys, predicates) =>
      `delete from ${tableName(target)} where exists (select 1 from ${source} as ${SOURCE} where ${conjunction(
        unaliased(target, [...keys.map(keyMatch), ...predicates]),
      )})`,
    deleteWhere: (target, predicates) =>
      `delete from ${tableName(target)} where ${conjunction(unaliased(target, predicates))}`,
    // md5 hashes bytes and returns them.
    md5: (text) => `lower(to_hex(md5(to_utf8(${text}))))`,
    alterColumnType: (r, column, type) =>
      `alter table ${tableName(r)} alter column ${quote(column)} set data type ${type}`,
    // information_schema of the session's catalog: the target's.
    catalogQuery: (schemas) => `
      select c.table_schema, c.table_name, c.column_name, c.data_type,
        case when t.table_type = 'VIEW' then 'view' else 'table' end as table_type
      from information_schema.columns c
      join information_schema.tables t
        on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema <> 'information_schema'${inSchemas('c', schemas)}${inSchemas('t', schemas)}
      order by c.table_schema, c.table_name, c.ordinal_position`,
  };
}
