import type { ModelNode } from '../../core/nodes.ts';
import { parseInstant, sqlInstant } from '../../util/instant.ts';
import { incrementalResult, loadBatch, type IncrementalSettings } from '../incrementalBatch.ts';
import type { EventTimeWindow } from '../strategies/types.ts';
import { buildAndSwap } from '../swap.ts';
import { createFromSelect } from '../table.ts';
import { inNodeTransaction } from '../transaction.ts';
import type { MaterializeContext, MaterializeResult, RowCounts } from '../types.ts';
import { batchId, batches, ceiling, firstBatchStart, type BatchSize } from './batches.ts';

/** A microbatch model's own config: `event_time`, `batch_size`, `lookback`, `begin`. */
function microbatchConfig(model: ModelNode) {
  const { config } = model;
  const missing = ['event_time', 'batch_size'].filter((k) => config[k] === undefined);
  if (missing.length)
    throw new Error(
      `incremental_strategy 'microbatch' needs ${missing.join(' and ')} (the time column and hour, day, month or year)`,
    );
  return {
    eventTime: String(config.event_time),
    size: config.batch_size as BatchSize,
    lookback: (config.lookback as number | undefined) ?? 1,
    begin: config.begin === undefined ? undefined : parseInstant(String(config.begin), 'begin'),
  };
}

/**
 * Run a microbatch model window by window, each window in its own transaction, so a failing
 * batch leaves the ones before it committed and the run says which failed. A first build (or
 * --full-refresh) creates the table from the first window, inside that window's transaction,
 * and starts at `begin`; later runs start `lookback` windows before now; --event-time-start and
 * --event-time-end backfill exactly their window.
 */
export async function runMicrobatch(
  ctx: MaterializeContext,
  settings: IncrementalSettings,
): Promise<MaterializeResult> {
  const { eventTime, size, lookback, begin } = microbatchConfig(ctx.node as ModelNode);
  if (settings.uniqueKey.length)
    ctx.log(
      'warn',
      `unique_key is not used by microbatch: each window is replaced whole, by ${eventTime} (dbt-postgres merges on it instead; see docs/incremental.md)`,
    );
  const fresh = !ctx.exists || ctx.fullRefresh;
  const start = firstBatchStart({
    size,
    now: ctx.now,
    lookback,
    begin,
    fresh,
    windowStart: ctx.eventTimeWindow?.start,
  });
  const end = ctx.eventTimeWindow?.end ?? ceiling(ctx.now, size);
  const planned = batches(start, end, size);
  const totals: RowCounts = { inserted: 0, updated: 0, deleted: 0, batches: planned.length };
  for (const [i, b] of planned.entries()) {
    const window: EventTimeWindow = { eventTime, ...b };
    const id = batchId(b, size);
    const creates = fresh && i === 0;
    const compiled = ctx.compileBatch!(b, !creates);
    // Hooks run once per model: before the first batch and after the last, in their transactions.
    const hooks = {
      pre: i === 0 ? ctx.hooks.pre : [],
      post: i === planned.length - 1 ? ctx.hooks.post : [],
    };
    const batchCtx = { ...ctx, compiled, hooks };
    const inWindow = (relation: string) => onlyWindowRows(ctx, relation, window, id);
    try {
      const changes = creates
        ? await buildAndSwap(batchCtx, async (staging) => {
            const inserted = await createFromSelect(batchCtx, staging);
            await inWindow(ctx.adapter.dialect.relation(staging));
            return { inserted, updated: 0, deleted: 0 };
          })
        : await inNodeTransaction(batchCtx, () =>
            loadBatch(batchCtx, settings, compiled, window, inWindow),
          );
      totals.inserted += changes.inserted;
      totals.updated += changes.updated;
      totals.deleted += changes.deleted;
      ctx.log(
        'info',
        `batch ${i + 1}/${planned.length} ${id}: +${changes.inserted} -${changes.deleted}`,
      );
    } catch (e) {
      const done = i === 0 ? 'none committed' : `batches 1-${i} committed`;
      (e as Error).message =
        `batch ${i + 1}/${planned.length} ${id} [${sqlInstant(b.start)}, ${sqlInstant(b.end)}) failed (${done}): ${(e as Error).message}`;
      throw e;
    }
  }
  if (totals.inserted === 0 && totals.deleted === 0)
    ctx.log(
      'warn',
      `no rows in ${planned.length} batch${planned.length === 1 ? '' : 'es'} from ${sqlInstant(start)} to ${sqlInstant(end)} (${eventTime}, batch_size ${size}): the window is empty; check begin, --event-time-start/--event-time-end and the upstream event_time columns`,
    );
  return incrementalResult(ctx, totals);
}

/**
 * A batch may only hold rows of its window: a row outside it (or with no event_time) would never
 * be replaced by a rerun, and would pile up as duplicates.
 */
async function onlyWindowRows(
  ctx: MaterializeContext,
  relation: string,
  window: EventTimeWindow,
  id: string,
): Promise<void> {
  const { dialect } = ctx.adapter;
  const column = dialect.quote(window.eventTime);
  const { rows } = await ctx.conn.query(
    `select count(*) as n from ${relation} where not (${column} >= ${dialect.timestamp(window.start)} and ${column} < ${dialect.timestamp(window.end)}) or ${column} is null`,
  );
  const n = Number(rows[0].n);
  if (n > 0)
    throw new Error(
      `the model returned ${n} row${n === 1 ? '' : 's'} whose ${window.eventTime} is outside batch ${id} or NULL; a microbatch model returns only its window's rows (declare event_time on the refs and sources it reads, or filter with model.batch.event_time_start/end)`,
    );
}
