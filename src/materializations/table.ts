import { locateSqlError } from './sqlError.ts';
import { inTransaction } from './transaction.ts';
import type { MaterializeContext, MaterializeResult } from './types.ts';

const TMP_SUFFIX = '__duckflow_new';

/**
 * Build into a new relation and swap it in within one transaction, so a failing SELECT leaves
 * the previous table in place and queryable, and readers never see a half-written table.
 */
export async function materializeTable(ctx: MaterializeContext): Promise<MaterializeResult> {
  const { adapter, conn, schema, name, compiled } = ctx;
  const target = adapter.relation(schema, name);
  const staging = adapter.relation(schema, name + TMP_SUFFIX);
  const rows = await inTransaction(conn, async () => {
    await conn.run(`drop table if exists ${staging}`);
    try {
      await conn.run(`create table ${staging} as\n${compiled.sql}`);
    } catch (e) {
      throw locateSqlError(e, compiled, 1);
    }
    await ctx.afterCreate?.(staging);
    // CREATE TABLE AS reports no row count in DuckDB; counting a fresh table reads only metadata.
    const counted = await conn.query(`select count(*) as n from ${staging}`);
    const existing = await adapter.relationType(conn, schema, name);
    if (existing) await conn.run(`drop ${existing} ${target}`);
    await conn.run(`alter table ${staging} rename to ${adapter.quote(name)}`);
    return Number(counted.rows[0].n);
  });
  return { rows, message: `table ${target}` };
}
