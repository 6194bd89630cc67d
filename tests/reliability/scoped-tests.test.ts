/**
 * Reliability cases of `scope: changed_rows` (docs/reliability.md, "Data tests scoped to a
 * batch"): what happens around the premise when a batch fails, and where its limit is.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, expect, it } from 'vitest';
import { project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

/** `events` is incremental on `id`; its `code` is scoped-unique. Rows hand-made per case. */
function shop() {
  const p = project({
    'project.yml': 'name: shop\n',
    'models/events.sql':
      "{{ config(materialized='incremental', unique_key='id') }}\nselect * from (values {{ var('batch') }}) as t(id, code)\n",
    'models/schema.yml':
      'models:\n  - name: events\n    columns:\n      - name: code\n        data_tests:\n          - unique: {config: {scope: changed_rows}}\n',
  });
  const build = async (batch: string) => {
    const report = await p.build({ vars: { batch } });
    const find = (name: string) => report.results.find((r) => r.name === name)!;
    return { model: find('events'), test: find('unique_events_code') };
  };
  return { p, build };
}

it('[scoped-test-failed-batch] a batch that fails midway leaves the premise as it was', async () => {
  const { build } = shop();
  await build("(1, 'a'), (2, 'b')");
  // 'x' cannot be an integer: the batch fails inside its transaction.
  const failed = await build("(3, 'c'), ('x'::integer, 'd')");
  expect(failed.model.status).toBe('error');
  expect(failed.test.status).toBe('skipped');
  // The next batch follows the generation the last pass saw: scoped, and its duplicate caught.
  const next = await build("(4, 'a')");
  expect(next.test.message).toBe(
    '1 failing row (changed rows: 1 row written by this batch of events)',
  );
  expect(next.test.sample!.rows).toEqual([{ unique_field: 'a', n_records: '2' }]);
});

it('[scoped-test-outside-write] a write from outside duckflow is not seen until `duckflow test`', async () => {
  const { p, build } = shop();
  await build("(1, 'a'), (2, 'b')");
  // Another tool gives row 2 the code of row 1: no generation records it.
  const db = await DuckDBInstance.create(p.path('target/shop.duckdb'));
  const conn = await db.connect();
  await conn.run("update main.events set code = 'a' where id = 2");
  conn.closeSync();
  db.closeSync();
  const batch = await build("(3, 'c')");
  // The documented limit: the scoped check trusts the rows it did not write.
  expect(batch.test.message).toBe('pass (changed rows: 1 row written by this batch of events)');
  const tested = await p.test({ vars: { batch: "(3, 'c')" } });
  const full = tested.results.find((r) => r.name === 'unique_events_code')!;
  expect(full.message).toBe('1 failing row (all rows: events was not built in this run)');
  expect(full.sample!.rows).toEqual([{ unique_field: 'a', n_records: '2' }]);
});
