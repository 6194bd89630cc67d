import { materializeTable } from './table.ts';
import { locateSqlError } from './sqlError.ts';
import { inTransaction } from './transaction.ts';
import type { MaterializeContext, MaterializeResult } from './types.ts';

/**
 * dbt-style incremental model. The first build (or --full-refresh) is a table build; later
 * builds insert the SELECT's rows (rendered with is_incremental() true), replacing rows with the
 * same `unique_key` first when one is set (delete+insert), all in one transaction.
 */
export async function materializeIncremental(
  ctx: MaterializeContext & { exists: boolean; fullRefresh: boolean; uniqueKey: string[] },
): Promise<MaterializeResult> {
  if (!ctx.exists || ctx.fullRefresh) return materializeTable(ctx);
  const { adapter, conn, schema, name, compiled, uniqueKey } = ctx;
  const target = adapter.relation(schema, name);
  const batch = adapter.quote(`${name}__duckflow_batch`);
  const rows = await inTransaction(conn, async () => {
    try {
      await conn.run(`create temporary table ${batch} as\n${compiled.sql}`);
    } catch (e) {
      throw locateSqlError(e, compiled, 1);
    }
    if (uniqueKey.length > 0) {
      const match = uniqueKey.map((k) => `${target}.${adapter.quote(k)} = ${batch}.${adapter.quote(k)}`).join(' and ');
      await conn.run(`delete from ${target} using ${batch} where ${match}`);
    }
    // The batch's own columns, read from the relation: a temporary table is not in the target's
    // catalog, so information_schema lookups by schema name do not find it.
    const columns = (await conn.query(`select * from ${batch} limit 0`)).columns.map((c) => adapter.quote(c)).join(', ');
    const inserted = await conn.run(`insert into ${target} (${columns}) select ${columns} from ${batch}`);
    await conn.run(`drop table ${batch}`);
    return inserted;
  });
  return { rows, message: `incremental ${target}` };
}
