/**
 * The catalog query a build starts with lists only the project's schemas: other schemas may be
 * created and dropped meanwhile by anyone (on Trino's Iceberg catalog a namespace dropped during
 * a catalog-wide listing failed the build).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { duckdbDialect } from '../../src/adapters/duckdb/dialect.ts';

describe('catalogQuery', () => {
  it('lists the given schemas only, none for an empty list, all without one', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(`create schema shop; create schema other; create schema "it's"`);
    await conn.run(`create table shop.a (x int); create view other.b as select 1 as y`);
    await conn.run(`create table "it's".c (z int)`);
    const relations = async (schemas?: string[]) =>
      (await conn.runAndReadAll(duckdbDialect.catalogQuery(schemas)))
        .getRowObjectsJS()
        .map((r) => `${String(r.table_schema)}.${String(r.table_name)}:${String(r.table_type)}`);
    expect(await relations(['shop', "it's"])).toEqual(["it's.c:table", 'shop.a:table']);
    expect(await relations([])).toEqual([]);
    expect(await relations()).toEqual(["it's.c:table", 'other.b:view', 'shop.a:table']);
    conn.closeSync();
    db.closeSync();
  });
});
