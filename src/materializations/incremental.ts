import { materializeTable } from './table.ts';
import { locateSqlError } from './sqlError.ts';
import { inTransaction } from './transaction.ts';
import type { MaterializeContext, MaterializeResult } from './types.ts';

export type OnSchemaChange = 'ignore' | 'fail' | 'append_new_columns';

/**
 * dbt-style incremental model. The first build (or --full-refresh) is a table build; later
 * builds insert the SELECT's rows (rendered with is_incremental() true), replacing rows with the
 * same `unique_key` first when one is set (delete+insert), all in one transaction. Columns the
 * SELECT has and the table lacks follow `on_schema_change`, as in dbt: ignored (default),
 * an error, or added to the table.
 */
export async function materializeIncremental(
  ctx: MaterializeContext & {
    exists: boolean;
    fullRefresh: boolean;
    uniqueKey: string[];
    onSchemaChange: OnSchemaChange;
  },
): Promise<MaterializeResult> {
  if (!ctx.exists || ctx.fullRefresh) return materializeTable(ctx);
  const { adapter, conn, schema, name, compiled, uniqueKey, onSchemaChange } = ctx;
  const target = adapter.relation(schema, name);
  const batch = adapter.quote(`${name}__duckflow_batch`);
  const rows = await inTransaction(conn, async () => {
    try {
      await conn.run(`create temporary table ${batch} as\n${compiled.sql}`);
    } catch (e) {
      throw locateSqlError(e, compiled, 1);
    }
    if (uniqueKey.length > 0) {
      const match = uniqueKey
        .map((k) => `${target}.${adapter.quote(k)} = ${batch}.${adapter.quote(k)}`)
        .join(' and ');
      await conn.run(`delete from ${target} using ${batch} where ${match}`);
    }
    // The batch's own columns, read from the relation: a temporary table is not in the target's
    // catalog, so information_schema lookups by schema name do not find it.
    const batchColumns = await conn.query(`select * from ${batch} limit 0`);
    const existing = new Set((await adapter.columns(conn, schema, name)).map((c) => c.name));
    const added = batchColumns.columns
      .map((c, i) => ({ name: c, type: batchColumns.types[i] }))
      .filter((c) => !existing.has(c.name));
    if (added.length > 0 && onSchemaChange === 'fail') {
      throw new Error(
        `on_schema_change is 'fail' and the model now has columns ${target} lacks: ${added.map((c) => c.name).join(', ')}; run with --full-refresh or set on_schema_change`,
      );
    }
    if (onSchemaChange === 'append_new_columns') {
      for (const c of added)
        await conn.run(`alter table ${target} add column ${adapter.quote(c.name)} ${c.type}`);
    }
    const insertable =
      onSchemaChange === 'append_new_columns'
        ? batchColumns.columns
        : batchColumns.columns.filter((c) => existing.has(c));
    const columns = insertable.map((c) => adapter.quote(c)).join(', ');
    const inserted = await conn.run(
      `insert into ${target} (${columns}) select ${columns} from ${batch}`,
    );
    await conn.run(`drop table ${batch}`);
    return inserted;
  });
  return { rows, message: `incremental ${target}` };
}
