import type { Relation, TableRelation } from './relation.ts';

/**
 * What a database can do, read by shared code instead of asking which database it is
 * (SQLMesh's class-level flags).
 */
export interface Capabilities {
  /** CREATE/DROP/ALTER take part in transactions, so a table swap is atomic. */
  transactionalDdl: boolean;
  /** `create or replace view`. */
  createOrReplaceView: boolean;
  /** A `qualify` clause after window functions. */
  qualify: boolean;
  /** Reads csv/json/parquet files in place; otherwise file relations are loaded into tables. */
  readsFiles: boolean;
  /** Concurrent `create schema` statements conflict: schemas are created serially up front. */
  serialSchemaCreation: boolean;
  /**
   * `create or replace table ... as`, atomically: without transactional DDL a table is then
   * replaced in one statement instead of by renames.
   */
  createOrReplaceTable: boolean;
  /** `delete ... where` and `update` change single rows (Hive's tables: whole partitions only). */
  rowLevelDelete: boolean;
  /** `merge into`. */
  merge: boolean;
  /**
   * A statement may delete rows of a table while another adds rows to it. Iceberg and Delta
   * Lake commit optimistically: a delete fails when another statement added files meanwhile.
   */
  concurrentDeletes: boolean;
  /** `alter table ... alter column` to another type (Hive's tables cannot). */
  retypeColumns: boolean;
  /** Column constraints of model contracts the database enforces; others are warned about. */
  constraints?: readonly ConstraintType[];
}

export type ConstraintType = 'not_null' | 'unique' | 'primary_key' | 'check' | 'foreign_key';

export type RelationType = 'table' | 'view';

/** How SQL is written for one database: quoting, literals, relations, DDL and the catalog. */
export interface Dialect {
  readonly name: string;
  readonly capabilities: Capabilities;
  quote(identifier: string): string;
  /** A JS value as a literal: strings, numbers, booleans, null, and lists/maps where supported. */
  literal(value: unknown): string;
  /** A relation as it is written in a FROM clause. */
  relation(relation: Relation): string;
  /** The current timestamp, without time zone. */
  now(): string;
  createTableAs(relation: TableRelation, select: string): string;
  createTempTableAs(name: string, select: string): string;
  createView(relation: TableRelation, select: string): string;
  drop(type: RelationType, relation: TableRelation): string;
  /**
   * Where a table that views read cannot be dropped (PostgreSQL binds a view to its tables): a
   * query giving those views, directly or through other views, one row each in the order to
   * create them: `name` (as DROP VIEW takes it) and `definition` (the CREATE VIEW statement).
   * A table swap drops them and creates them again over the new table.
   */
  dependentViews?(relation: TableRelation): string;
  rename(relation: TableRelation, newIdentifier: string): string;
  /**
   * `delete` the rows of `target` whose `keys` match a row of `source` and that meet every
   * predicate. In predicates the target is `DBT_INTERNAL_DEST`, the source `DBT_INTERNAL_SOURCE`
   * (dbt's aliases, so `incremental_predicates` written for dbt work unchanged).
   */
  deleteMatching(
    target: TableRelation,
    source: string,
    keys: string[],
    predicates: string[],
  ): string;
  /**
   * `select <columns>` (expressions over `DBT_INTERNAL_DEST`) of the `target` rows that
   * `deleteMatching` would delete, each once.
   */
  selectMatching(
    target: TableRelation,
    source: string,
    keys: string[],
    predicates: string[],
    columns: string,
  ): string;
  /** `select count(*) as n` of the `source` rows that `deleteMatching` would match. */
  countMatching(
    target: TableRelation,
    source: string,
    keys: string[],
    predicates: string[],
  ): string;
  /** `delete` the rows of `target` (aliased `DBT_INTERNAL_DEST`) that meet every predicate. */
  deleteWhere(target: TableRelation, predicates: string[]): string;
  /**
   * Update the rows of `target` whose `keys` (and predicates) match a row of `source`, insert the
   * others: dbt's merge, aliases as in `deleteMatching`.
   */
  merge(
    target: TableRelation,
    source: string,
    keys: string[],
    columns: string[],
    predicates: string[],
  ): string;
  addColumn(target: TableRelation, column: string, type: string): string;
  dropColumn(target: TableRelation, column: string): string;
  alterColumnType(target: TableRelation, column: string, type: string): string;
  /** Seconds from timestamp `from` to timestamp `to`, as a number. */
  secondsBetween(from: string, to: string): string;
  /** The MD5 of a text expression as 32 lower-case hex digits. */
  md5(text: string): string;
  /** A UTC instant as a timestamp (without time zone) literal, for event-time windows. */
  timestamp(instant: Date): string;
  /**
   * A query of (table_schema, table_name, table_type: 'table'|'view', column_name, data_type)
   * over the user's relations, in column order; only in `schemas` when given. Listing only the
   * project's schemas also keeps the query clear of schemas others create and drop meanwhile
   * (Trino's Iceberg catalog fails the whole listing when a namespace vanishes under it).
   */
  catalogQuery(schemas?: string[]): string;
}
