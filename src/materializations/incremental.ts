import type { ModelNode } from '../core/nodes.ts';
import { runCompiled } from './sqlError.ts';
import { incrementalStrategy } from './strategies/registry.ts';
import { table } from './table.ts';
import { inNodeTransaction } from './transaction.ts';
import type { Materialization } from './types.ts';

export type OnSchemaChange = 'ignore' | 'fail' | 'append_new_columns';

export const ON_SCHEMA_CHANGE: OnSchemaChange[] = ['ignore', 'fail', 'append_new_columns'];

/**
 * dbt-style incremental model. The first build (or --full-refresh) is a table build; later
 * builds put the SELECT's rows (rendered with is_incremental() true) in a batch table and hand
 * it to the `incremental_strategy`, all in one transaction. Columns the SELECT has and the
 * table lacks follow `on_schema_change`, as in dbt: ignored (default), an error, or added.
 */
export const incremental: Materialization = {
  name: 'incremental',
  appliesTo: 'model',
  buildsRelation: true,
  async build(ctx) {
    if (!ctx.exists || ctx.fullRefresh) return table.build(ctx);
    const { adapter, conn, relation, compiled } = ctx;
    const { dialect } = adapter;
    const config = (ctx.node as ModelNode).config;
    const uniqueKey = config.unique_key === undefined ? [] : [config.unique_key].flat().map(String);
    const strategy = incrementalStrategy(config.incremental_strategy, uniqueKey);
    if (strategy.requires && !dialect.capabilities[strategy.requires])
      throw new Error(
        `incremental_strategy '${strategy.name}' needs ${strategy.requires}, which this ${adapter.type} target's tables cannot do; use delete+insert or append`,
      );
    const onSchemaChange = (config.on_schema_change as OnSchemaChange | undefined) ?? 'ignore';
    const target = dialect.relation(relation);
    const batchName = `${relation.identifier}__duckflow_batch`;
    const batch = dialect.quote(batchName);
    const rows = await inNodeTransaction(ctx, async () => {
      await runCompiled(
        adapter,
        conn,
        compiled!,
        dialect.createTempTableAs(batchName, compiled!.sql),
      );
      // The batch's own columns, read from the relation: a temporary table is not in the
      // target's catalog, so lookups by schema name do not find it.
      const batchColumns = await adapter.describe(conn, `select * from ${batch}`);
      const existing = new Set((await adapter.columns(conn, relation)).map((c) => c.name));
      const added = batchColumns.filter((c) => !existing.has(c.name));
      if (added.length > 0 && onSchemaChange === 'fail') {
        throw new Error(
          `on_schema_change is 'fail' and the model now has columns ${target} lacks: ${added.map((c) => c.name).join(', ')}; run with --full-refresh or set on_schema_change`,
        );
      }
      if (onSchemaChange === 'append_new_columns') {
        for (const c of added)
          await conn.run(`alter table ${target} add column ${dialect.quote(c.name)} ${c.type}`);
      }
      const insertable =
        onSchemaChange === 'append_new_columns'
          ? batchColumns
          : batchColumns.filter((c) => existing.has(c.name));
      const inserted = await strategy.apply({
        conn,
        dialect,
        target: relation,
        batch,
        columns: insertable.map((c) => dialect.quote(c.name)).join(', '),
        uniqueKey,
      });
      await conn.run(`drop table ${batch}`);
      return inserted;
    });
    return { rows, message: `incremental ${target}` };
  },
};
