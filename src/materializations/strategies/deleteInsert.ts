import { append } from './append.ts';
import type { IncrementalStrategy } from './types.ts';

/** Delete the target's rows whose `unique_key` occurs in the batch, then insert the batch. */
export const deleteInsert: IncrementalStrategy = {
  name: 'delete+insert',
  async apply(input) {
    const { conn, dialect, target, batch, uniqueKey } = input;
    if (uniqueKey.length === 0)
      throw new Error(`incremental_strategy 'delete+insert' needs a unique_key`);
    await conn.run(dialect.deleteMatching(target, batch, uniqueKey));
    return append.apply(input);
  },
};
