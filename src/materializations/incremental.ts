import type { ModelNode } from '../core/nodes.ts';
import {
  buildBatchAside,
  incrementalResult,
  incrementalSettings,
  loadBatch,
} from './incrementalBatch.ts';
import { runMicrobatch } from './microbatch/run.ts';
import { keepBatchRemovals } from './removedValues.ts';
import { table } from './table.ts';
import { inNodeTransaction } from './transaction.ts';
import type { Materialization } from './types.ts';

export { ON_SCHEMA_CHANGE, type OnSchemaChange } from './schemaChange.ts';

/**
 * dbt-style incremental model. The first build (or --full-refresh) is a table build; later
 * builds put the SELECT's rows (rendered with is_incremental() true) in a batch table and hand
 * it to the `incremental_strategy`, all in one transaction. Microbatch models run once per
 * `event_time` window instead (microbatch/run.ts).
 */
export const incremental: Materialization = {
  name: 'incremental',
  appliesTo: 'model',
  buildsRelation: true,
  async build(ctx) {
    const settings = incrementalSettings(ctx.node as ModelNode);
    const { strategy } = settings;
    const { adapter } = ctx;
    // Before the first build too: a model that builds once and fails on every later run would
    // be a trap.
    if (strategy.requires && !adapter.dialect.capabilities[strategy.requires])
      throw new Error(
        `incremental_strategy '${strategy.name}' needs ${strategy.requires}, which this ${adapter.type} target's tables cannot do; use delete+insert, microbatch or append`,
      );
    if (strategy.batched) return runMicrobatch(ctx, settings);
    if (!ctx.exists || ctx.fullRefresh) {
      const built = await table.build(ctx);
      const rows = built.rows ?? 0;
      return incrementalResult(ctx, { inserted: rows, updated: 0, deleted: 0 }, rows);
    }
    const aside = await buildBatchAside(ctx, settings);
    const removed = await keepBatchRemovals(ctx, settings, aside);
    const changes = await inNodeTransaction(ctx, () =>
      loadBatch(ctx, settings, ctx.compiled!, undefined, undefined, aside),
    );
    if (aside) ctx.writeLog!.keptAside(ctx.relation, aside);
    if (removed) ctx.writeLog!.keptRemoved(ctx.relation, removed.table, removed.fields);
    return incrementalResult(ctx, changes);
  },
};
