import type { Dialect, RelationType } from '../core/dialect.ts';
import type { TableRelation } from '../core/relation.ts';
import type { Connection } from './types.ts';

/** A relation's type from information_schema, which every adapter so far shares. */
export async function relationTypeOf(
  conn: Connection,
  dialect: Dialect,
  r: TableRelation,
): Promise<RelationType | undefined> {
  const { rows } = await conn.query(
    `select table_type from information_schema.tables where table_schema = ${dialect.literal(r.schema)} and table_name = ${dialect.literal(r.identifier)}`,
  );
  if (rows.length === 0) return undefined;
  return rows[0].table_type === 'VIEW' ? 'view' : 'table';
}
