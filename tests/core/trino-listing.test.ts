/**
 * Trino lists a catalog's schemas to answer an information_schema query; a schema dropped by
 * another client meanwhile fails the query (seen in CI: a unit test's scratch schema dropped
 * while another build read its catalog). Such a query is asked again, and nothing else is.
 */
import { expect, it } from 'vitest';
import { retryVanishedListing } from '../../src/adapters/trino/listing.ts';

const CATALOG =
  "select c.table_schema from information_schema.columns c where c.table_schema in ('conf_1')";
const VANISHED =
  'Error listing table columns for catalog iceberg: Namespace does not exist: conf_2__duckflow_unit_9';

/** A query that fails with `errors`, one per call, then answers 'rows'. */
function flaky(errors: string[]) {
  let calls = 0;
  const run = async () => {
    const error = errors[calls++];
    if (error !== undefined) throw new Error(error);
    return 'rows';
  };
  return { run, calls: () => calls };
}

it('asks a catalog listing again when a schema vanished under it', async () => {
  const q = flaky([VANISHED]);
  expect(await retryVanishedListing(CATALOG, q.run)).toBe('rows');
  expect(q.calls()).toBe(2);
});

it('gives up after three attempts, with the engine error', async () => {
  const q = flaky([VANISHED, VANISHED, VANISHED, VANISHED]);
  await expect(retryVanishedListing(CATALOG, q.run)).rejects.toThrow(VANISHED);
  expect(q.calls()).toBe(3);
});

it('asks nothing else again: another error, or a query that lists no catalog', async () => {
  const other = flaky(['line 1:8: Column "x" cannot be resolved']);
  await expect(retryVanishedListing(CATALOG, other.run)).rejects.toThrow('cannot be resolved');
  expect(other.calls()).toBe(1);
  const model = flaky(["Schema 'conf_1' does not exist"]);
  await expect(retryVanishedListing('select * from conf_1.t', model.run)).rejects.toThrow(
    'does not exist',
  );
  expect(model.calls()).toBe(1);
});
