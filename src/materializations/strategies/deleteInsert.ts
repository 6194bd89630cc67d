import { batchMatch, SOURCE } from '../../adapters/sqlDialect.ts';
import { insertBatch } from './append.ts';
import { rewriteWithout } from './rewrite.ts';
import { changed, type IncrementalStrategy } from './types.ts';

/**
 * Delete the target's rows whose `unique_key` occurs in the batch (and that meet the
 * `incremental_predicates`), then insert the batch.
 */
export const deleteInsert: IncrementalStrategy = {
  name: 'delete+insert',
  check({ uniqueKey }) {
    if (uniqueKey.length === 0)
      throw new Error(`incremental_strategy 'delete+insert' needs a unique_key`);
  },
  async apply(input) {
    const { conn, dialect, target, batch, uniqueKey, predicates } = input;
    if (!dialect.capabilities.rowLevelDelete)
      return rewriteWithout(input, [
        `exists (select 1 from ${batch} as ${SOURCE} where ${batchMatch(uniqueKey, predicates)})`,
      ]);
    const deleted = await changed(
      conn,
      dialect.deleteMatching(target, batch, uniqueKey, predicates),
    );
    return { inserted: await insertBatch(input), updated: 0, deleted };
  },
};
