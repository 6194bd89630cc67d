/**
 * `scope: changed_rows` on a real DuckDB file: an incremental batch's tests check only its rows
 * when the recorded premise holds, and every row otherwise. Failing rows are worked out by hand
 * in the comments.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestNode } from '../../src/core/nodes.ts';
import type { NodeResult } from '../../src/core/results.ts';
import type { RunOptions } from '../../src/runner/execute.ts';
import { openSession } from '../../src/runner/session.ts';
import { errorOf, project, removeFixtures, type FileMap } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const SCOPED = '{config: {scope: changed_rows}}';

/** `events` is incremental on `id` (delete+insert unless `strategy` says); `parents` a table. */
function shop(strategy = 'delete+insert', more: FileMap = {}) {
  return project({
    'project.yml': 'name: shop\n',
    'models/events.sql': `{{ config(materialized='incremental', unique_key='id', incremental_strategy='${strategy}') }}\nselect * from (values {{ var('batch') }}) as t(id, code, parent_id)\n`,
    'models/parents.sql':
      "{{ config(materialized='table') }}\nselect * from (values {{ var('parents', '(10), (20)') }}) as p(pid)\n",
    'models/schema.yml': [
      'models:',
      '  - name: events',
      '    columns:',
      '      - name: code',
      '        data_tests:',
      `          - unique: ${SCOPED}`,
      `          - not_null: ${SCOPED}`,
      `          - accepted_values: {values: [a, b, c, d, e, f], config: {scope: changed_rows}}`,
      '      - name: parent_id',
      '        data_tests:',
      `          - relationships: {to: ref('parents'), field: pid, config: {scope: changed_rows}}`,
      '',
    ].join('\n'),
    ...more,
  });
}

/** Three events, all codes distinct, all parents present. */
const HISTORY = "(1, 'a', 10), (2, 'b', 20), (3, 'c', 10)";

type Shop = ReturnType<typeof shop>;
const build = (p: Shop, batch: string, options: RunOptions = {}) =>
  p.build({ ...options, vars: { batch, ...(options.vars as object | undefined) } });

const result = (results: NodeResult[], name: string) => {
  const r = results.find((x) => x.name === name);
  if (!r) throw new Error(`no result for ${name}`);
  return r;
};

/** Each test's status and what its message says it checked. */
const checked = (results: NodeResult[]) =>
  Object.fromEntries(
    results
      .filter((r) => r.kind === 'test')
      .map((r) => [
        r.name,
        `${r.status}: ${/\((changed rows|all rows): [^)]*\)?/.exec(r.message)?.[0]}`,
      ]),
  );

describe('scope: changed_rows on an incremental batch', () => {
  it('checks only the batch once the full check passed, and says so', async () => {
    const p = shop();
    const first = await build(p, HISTORY);
    expect(checked(first.results)).toEqual({
      unique_events_code: 'pass: (all rows: no earlier result of this test is recorded)',
      not_null_events_code: 'pass: (all rows: no earlier result of this test is recorded)',
      accepted_values_events_code: 'pass: (all rows: no earlier result of this test is recorded)',
      relationships_events_parent_id:
        'pass: (all rows: no earlier result of this test is recorded)',
    });
    // Only events rebuilt: parents keeps its generation, so relationships is scoped too.
    const batch = await build(p, "(4, 'd', 20), (5, 'e', 10)", { select: ['events'] });
    const scoped = 'pass: (changed rows: 2 rows written by this batch of events)';
    expect(checked(batch.results)).toEqual({
      unique_events_code: scoped,
      not_null_events_code: scoped,
      accepted_values_events_code: scoped,
      relationships_events_parent_id: scoped,
    });
    // The printed run line says it too.
    const cli = await p.cli(['build', '-s', 'events', '--vars', '{batch: "(6, \'f\', 10)"}']);
    expect(cli.stdout).toMatch(
      /PASS\s+test\s+unique_events_code \(unique\) \(changed rows: 1 row written by this batch of events\)/,
    );
  });

  it('catches a duplicate of an old row, a null and a bad value in the batch', async () => {
    const p = shop();
    await build(p, HISTORY);
    // id 4 repeats code 'a' of old row 1; id 5 has no code; id 6 a code outside the list.
    const batch = await build(p, "(4, 'a', 10), (5, null, 20), (6, 'zz', 10)", {
      select: ['events'],
    });
    const note = '(changed rows: 3 rows written by this batch of events)';
    const unique = result(batch.results, 'unique_events_code');
    expect(unique).toMatchObject({ status: 'fail', failures: 1, message: `1 failing row ${note}` });
    expect(unique.sample!.rows).toEqual([{ unique_field: 'a', n_records: '2' }]);
    const notNull = result(batch.results, 'not_null_events_code');
    expect(notNull).toMatchObject({ status: 'fail', failures: 1 });
    expect(notNull.sample!.rows).toEqual([{ id: 5, code: null, parent_id: 20 }]);
    const values = result(batch.results, 'accepted_values_events_code');
    expect(values).toMatchObject({ status: 'fail', failures: 1 });
    expect(values.sample!.rows).toEqual([{ value_field: 'zz', n_records: '1' }]);
    expect(result(batch.results, 'relationships_events_parent_id').status).toBe('pass');

    // Failed last time: the next batch's tests check every row, and the old duplicate is found.
    const next = await build(p, "(7, 'c7', 10)", { select: ['events'] });
    const again = result(next.results, 'unique_events_code');
    expect(again.message).toBe('1 failing row (all rows: it did not pass last time (fail))');
    expect(again.sample!.rows).toEqual([{ unique_field: 'a', n_records: '2' }]);
  });

  it('catches an orphan in the batch while the parent is unchanged', async () => {
    const p = shop();
    await build(p, HISTORY);
    // 30 is no parent's pid.
    const batch = await build(p, "(4, 'd', 30)", { select: ['events'] });
    const r = result(batch.results, 'relationships_events_parent_id');
    expect(r.message).toBe('1 failing row (changed rows: 1 row written by this batch of events)');
    expect(r.sample!.rows).toEqual([{ from_field: 30 }]);
  });

  it('checks every row when the parent was rebuilt and lost a key the old rows need', async () => {
    const p = shop();
    await build(p, HISTORY);
    // parents rebuilt as a table without pid 20: old row 2 is now an orphan; the batch is clean.
    const batch = await build(p, "(4, 'd', 10)", { vars: { parents: '(10)' } });
    const r = result(batch.results, 'relationships_events_parent_id');
    expect(r.message).toBe(
      '1 failing row (all rows: parents was rewritten since this test last passed and may have lost a pid)',
    );
    expect(r.sample!.rows).toEqual([{ from_field: 20 }]);
    // The tests of events alone stay scoped: they read nothing else.
    expect(result(batch.results, 'unique_events_code').message).toBe(
      'pass (changed rows: 1 row written by this batch of events)',
    );
  });

  it('a parent built incrementally on the field it is checked against keeps its keys: scoped', async () => {
    const p = shop('delete+insert', {
      'models/parents.sql':
        "{{ config(materialized='incremental', unique_key='pid') }}\nselect * from (values {{ var('parents', '(10), (20)') }}) as p(pid)\n",
    });
    await build(p, HISTORY);
    const batch = await build(p, "(4, 'd', 20)", { vars: { parents: '(20)' } });
    const note =
      "changed rows: 1 row written by this batch of events; the pid values in this run's batch of parents not looked up again";
    expect(result(batch.results, 'relationships_events_parent_id').message).toBe(`pass (${note})`);
    // parents' batch writes pid 30. Row 5 points into it; row 6 at pid 10, stored before and
    // looked up; row 7 at pid 40, in neither: the one orphan.
    const orphan = await build(p, "(5, 'e', 30), (6, 'f', 10), (7, 'a7', 40)", {
      vars: { parents: '(30)' },
    });
    const r = result(orphan.results, 'relationships_events_parent_id');
    expect(r.message).toBe(`1 failing row (${note.replace('1 row', '3 rows')})`);
    expect(r.sample!.rows).toEqual([{ from_field: 40 }]);
  });
});

describe('relationships to a parent a delete+insert batch rewrote by another key', () => {
  /** parents is incremental on `grp`: a batch replaces a group's pids, and may drop one. */
  const grouped = () =>
    shop('delete+insert', {
      'models/parents.sql':
        "{{ config(materialized='incremental', unique_key='grp') }}\nselect * from (values {{ var('parents', '(1, 10), (2, 20)') }}) as p(grp, pid)\n",
    });
  const removedNote =
    "changed rows: 1 row written by this batch of events, and the rows pointing at a pid that this run's write of parents removed; the pid values in this run's batch of parents not looked up again";

  it('checks the rows pointing at a pid the batch removed, and finds the orphans', async () => {
    const p = grouped();
    await build(p, HISTORY);
    // Group 1's pid 10 becomes 11: old rows 1 and 3 lose their parent; the batch's row is clean.
    const batch = await build(p, "(4, 'd', 20)", { vars: { parents: '(1, 11)' } });
    const r = result(batch.results, 'relationships_events_parent_id');
    expect(r.message).toBe(`2 failing rows (${removedNote})`);
    expect(r.sample!.rows).toEqual([{ from_field: 10 }, { from_field: 10 }]);
  });

  it('keeps the removed values of each field two tests read from the same parent', async () => {
    const p = shop('delete+insert', {
      'models/parents.sql':
        "{{ config(materialized='incremental', unique_key='grp') }}\nselect * from (values {{ var('parents', \"(1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c')\") }}) as p(grp, pid, pcode)\n",
      'models/schema.yml': [
        'models:',
        '  - name: events',
        '    columns:',
        '      - name: code',
        '        data_tests:',
        `          - relationships: {to: ref('parents'), field: pcode, config: {scope: changed_rows}}`,
        '      - name: parent_id',
        '        data_tests:',
        `          - relationships: {to: ref('parents'), field: pid, config: {scope: changed_rows}}`,
        '',
      ].join('\n'),
    });
    await build(p, HISTORY);
    // Group 1 loses pid 10 (old rows 1 and 3) and code 'a' (old row 1); group 2 keeps its own.
    const batch = await build(p, "(4, 'b', 20)", {
      vars: { parents: "(1, 11, 'z'), (2, 20, 'b')" },
    });
    const pid = result(batch.results, 'relationships_events_parent_id');
    expect(pid.message).toBe(`2 failing rows (${removedNote})`);
    const code = result(batch.results, 'relationships_events_code');
    expect(code.message).toBe(`1 failing row (${removedNote.replaceAll(' pid', ' pcode')})`);
    expect(code.sample!.rows).toEqual([{ from_field: 'a' }]);
  });

  it('removes only the pids of the rows its incremental_predicates let the batch delete', async () => {
    const p = shop('delete+insert', {
      'models/parents.sql':
        "{{ config(materialized='incremental', unique_key='grp', incremental_predicates=['DBT_INTERNAL_DEST.ver >= DBT_INTERNAL_SOURCE.ver']) }}\nselect * from (values {{ var('parents', '(1, 1, 10), (1, 2, 20)') }}) as p(grp, ver, pid)\n",
    });
    await build(p, HISTORY);
    // Group 1 from version 2 on becomes pid 30: the version-1 row (pid 10, old rows 1 and 3)
    // stays, pid 20 goes (old row 2). The batch's row points into parents' batch.
    const batch = await build(p, "(4, 'd', 30)", { vars: { parents: '(1, 2, 30)' } });
    const r = result(batch.results, 'relationships_events_parent_id');
    expect(r.message).toBe(`1 failing row (${removedNote})`);
    expect(r.sample!.rows).toEqual([{ from_field: 20 }]);
  });

  it('passes when the removed pid is inserted again, and catches an orphan in the batch', async () => {
    const p = grouped();
    await build(p, HISTORY);
    // Group 1 is rewritten with its pid 10 and a new pid 15: nothing is lost.
    const kept = await build(p, "(4, 'd', 20)", { vars: { parents: '(1, 10), (1, 15)' } });
    expect(result(kept.results, 'relationships_events_parent_id').message).toBe(
      `pass (${removedNote})`,
    );
    // 30 is no parent's pid, and the batch's row needs it.
    const orphan = await build(p, "(5, 'e', 30)", { vars: { parents: '(1, 10), (1, 15)' } });
    const r = result(orphan.results, 'relationships_events_parent_id');
    expect(r.message).toBe(`1 failing row (${removedNote})`);
    expect(r.sample!.rows).toEqual([{ from_field: 30 }]);
  });
});

describe('relationships to a seed, reloaded on every build', () => {
  const seeded = () => {
    const p = shop('delete+insert', { 'seeds/parents.csv': 'pid\n10\n20\n' });
    rmSync(p.path('models/parents.sql'));
    return p;
  };
  const note =
    "changed rows: 1 row written by this batch of events, and the rows pointing at a pid that this run's write of parents removed";

  it('checks the rows pointing at a pid the new file lacks: none when it is unchanged', async () => {
    const p = seeded();
    await build(p, HISTORY);
    const same = await build(p, "(4, 'd', 20)");
    expect(result(same.results, 'relationships_events_parent_id').message).toBe(`pass (${note})`);
    // pid 20 leaves the file: old rows 2 and 4 and the batch's row 5 lose their parent.
    p.write({ 'seeds/parents.csv': 'pid\n10\n' });
    const dropped = await build(p, "(5, 'e', 20)");
    const r = result(dropped.results, 'relationships_events_parent_id');
    expect(r.message).toBe(`3 failing rows (${note})`);
    expect(r.sample!.rows).toEqual([{ from_field: 20 }, { from_field: 20 }, { from_field: 20 }]);
  });

  it('loads a file that brings the field in, and checks every row', async () => {
    const p = seeded();
    p.write({ 'seeds/parents.csv': 'id\n10\n20\n' });
    // No pid yet: the test fails, and its failure is recorded.
    const first = await build(p, HISTORY);
    expect(result(first.results, 'relationships_events_parent_id').status).toBe('error');
    p.write({ 'seeds/parents.csv': 'pid\n10\n20\n' });
    const next = await build(p, "(4, 'd', 20)");
    expect(result(next.results, 'parents').status).toBe('success');
    expect(result(next.results, 'relationships_events_parent_id').message).toBe(
      'pass (all rows: it did not pass last time (error))',
    );
  });
});

describe('scope: changed_rows with where and expression_is_true', () => {
  it("applies the test's where to the rows written", async () => {
    const p = shop('delete+insert', {
      'models/schema.yml': [
        'models:',
        '  - name: events',
        '    data_tests:',
        "      - expression_is_true: {expression: 'id > 0', config: {scope: changed_rows}}",
        '    columns:',
        '      - name: parent_id',
        '        data_tests:',
        "          - not_null: {config: {scope: changed_rows, where: 'id >= 5'}}",
        '',
      ].join('\n'),
    });
    await build(p, HISTORY);
    // id 4 has no parent but the where leaves it out; id 5 is in, and fails; id -1 fails the expression.
    const batch = await build(p, "(4, 'd', null), (5, 'e', null), (-1, 'z', 10)");
    const notNull = result(batch.results, 'not_null_events_parent_id');
    expect(notNull.message).toBe(
      '1 failing row (changed rows: 3 rows written by this batch of events)',
    );
    expect(notNull.sample!.rows).toEqual([{ id: 5, code: 'e', parent_id: null }]);
    const expression = result(batch.results, 'expression_is_true_events');
    expect(expression.sample!.rows).toEqual([{ id: -1, code: 'z', parent_id: 10 }]);
  });
});

describe('scope: changed_rows falls back to every row when the premise is not met', () => {
  it('after --full-refresh, and the batch rows kept for the tests are gone', async () => {
    // A pre_hook must run before the batch's SELECT, inside the transaction: the batch is then
    // kept in a table of the target (without one, DuckDB keeps it in memory, out of the file).
    const p = shop('delete+insert', {
      'models/events.sql': `{{ config(materialized='incremental', unique_key='id', pre_hook='select 1') }}\nselect * from (values {{ var('batch') }}) as t(id, code, parent_id)\n`,
    });
    const kept = () =>
      p.query(
        "select count(*) as n from duckdb_tables() where table_name = 'events__duckflow_changed'",
      );
    await build(p, HISTORY);
    const batch = await build(p, "(4, 'd', 10)", { select: ['events'] });
    expect(result(batch.results, 'unique_events_code').message).toBe(
      'pass (changed rows: 1 row written by this batch of events)',
    );
    expect(await kept()).toEqual([{ n: '1' }]);
    const full = await build(p, HISTORY, { select: ['events'], fullRefresh: true });
    expect(result(full.results, 'unique_events_code').message).toBe(
      'pass (all rows: events was rebuilt whole in this run)',
    );
    expect(await kept()).toEqual([{ n: '0' }]);
  });

  it('keeps a batch without pre_hook out of the database file (DuckDB: in memory)', async () => {
    const p = shop();
    await build(p, HISTORY);
    await build(p, "(4, 'd', 10)", { select: ['events'] });
    expect(
      await p.query(
        "select count(*) as n from duckdb_tables() where table_name like '%duckflow%changed'",
      ),
    ).toEqual([{ n: '0' }]);
  });

  it('when the test definition changed', async () => {
    const p = shop();
    await build(p, HISTORY);
    p.write({ 'models/schema.yml': p.read('models/schema.yml').replace('e, f]', 'e, f, g]') });
    const batch = await build(p, "(4, 'd', 10)", { select: ['events'] });
    expect(result(batch.results, 'accepted_values_events_code').message).toBe(
      'pass (all rows: the test changed since its last result)',
    );
    expect(result(batch.results, 'not_null_events_code').message).toBe(
      'pass (changed rows: 1 row written by this batch of events)',
    );
  });

  it('when a build skipped the test after writing its model', async () => {
    const p = shop();
    await build(p, HISTORY);
    // The batch lands, the unique test is excluded: the next batch cannot trust the last pass.
    await build(p, "(4, 'a', 10)", { select: ['events'], exclude: ['unique_events_code'] });
    const batch = await build(p, "(5, 'e', 10)", { select: ['events'] });
    const r = result(batch.results, 'unique_events_code');
    expect(r.message).toBe('1 failing row (all rows: events was written since this test last ran)');
    expect(r.sample!.rows).toEqual([{ unique_field: 'a', n_records: '2' }]);
  });

  it('when the model was not built in this run (duckflow test)', async () => {
    const p = shop();
    await build(p, HISTORY);
    const tested = await p.test({ vars: { batch: HISTORY } });
    expect(result(tested.results, 'unique_events_code').message).toBe(
      'pass (all rows: events was not built in this run)',
    );
  });

  it('when the batch ran a hook that names its table (one that does not keeps the scope)', async () => {
    const p = shop();
    await build(p, HISTORY);
    // A hook on another table (as the webshop's marks its load staged) leaves events' rows alone.
    p.write({
      'models/events.sql': `{{ config(materialized='incremental', unique_key='id', post_hook="update {{ ref('parents') }} set pid = pid where pid < 0") }}\nselect * from (values {{ var('batch') }}) as t(id, code, parent_id)\n`,
    });
    const other = await build(p, "(4, 'd', 10)", { select: ['events'] });
    expect(result(other.results, 'unique_events_code').message).toBe(
      'pass (changed rows: 1 row written by this batch of events)',
    );
    p.write({
      'models/events.sql': `{{ config(materialized='incremental', unique_key='id', post_hook="update {{ this }} set code = 'b' where id = 1") }}\nselect * from (values {{ var('batch') }}) as t(id, code, parent_id)\n`,
    });
    // The hook gives old row 1 the code of old row 2, which only a full check sees.
    const batch = await build(p, "(5, 'e', 10)", { select: ['events'] });
    const r = result(batch.results, 'unique_events_code');
    expect(r.message).toBe(
      "1 failing row (all rows: events's batch ran a hook that names the table, which may change any row)",
    );
    expect(r.sample!.rows).toEqual([{ unique_field: 'b', n_records: '2' }]);
  });
  it("when the batch changed the table's columns", async () => {
    const p = shop();
    await build(p, HISTORY);
    p.write({
      'models/events.sql': `{{ config(materialized='incremental', unique_key='id', on_schema_change='append_new_columns') }}\nselect *, 1 as extra from (values {{ var('batch') }}) as t(id, code, parent_id)\n`,
    });
    const batch = await build(p, "(4, 'd', 10)", { select: ['events'] });
    expect(result(batch.results, 'not_null_events_code').message).toBe(
      "pass (all rows: events's batch changed the table's columns)",
    );
  });
});

describe('a unique test on the key a delete+insert batch writes by', () => {
  /** `events`' unique test on `id`; `config` is the model's unique_key and more. */
  const keyed = (config = "unique_key='id'") =>
    shop('delete+insert', {
      'models/events.sql': `{{ config(materialized='incremental', ${config}) }}\nselect * from (values {{ var('batch') }}) as t(id, code, parent_id)\n`,
      'models/schema.yml': `models:\n  - name: events\n    columns:\n      - name: id\n        data_tests:\n          - unique: ${SCOPED}\n`,
    });
  const scopedSql = (p: Shop) => {
    const { graph } = openSession({ projectDir: p.dir, vars: { batch: HISTORY } });
    return (graph.get('test.shop.unique_events_id') as TestNode).scope!.sql;
  };

  it('reads the batch alone: the delete took every row holding its keys', async () => {
    const p = keyed();
    expect(scopedSql(p)).not.toMatch(/"events"/);
    await build(p, HISTORY);
    // Key 1 again, replacing its row: no duplicate, as the old row 1 was deleted.
    const replaced = await build(p, "(1, 'd', 10), (4, 'e', 20)", { select: ['events'] });
    expect(result(replaced.results, 'unique_events_id').message).toBe(
      'pass (changed rows: 2 rows written by this batch of events)',
    );
    // The batch repeats key 5: both rows are inserted, and that is the duplicate.
    const repeated = await build(p, "(5, 'e', 10), (5, 'f', 20)", { select: ['events'] });
    const unique = result(repeated.results, 'unique_events_id');
    expect(unique.message).toBe(
      '1 failing row (changed rows: 2 rows written by this batch of events)',
    );
    expect(unique.sample!.rows).toEqual([{ unique_field: 5, n_records: '2' }]);
  });

  it('reads the table where the delete may leave rows with the keys, or the key is wider', async () => {
    // incremental_predicates narrow the delete; a two-column key deletes by both columns.
    const narrowed = keyed(
      `unique_key='id', incremental_predicates=["DBT_INTERNAL_DEST.code <> 'z'"]`,
    );
    expect(scopedSql(narrowed)).toMatch(/"events"/);
    expect(scopedSql(keyed("unique_key=['id', 'code']"))).toMatch(/"events"/);
  });
});

describe('scope: changed_rows with merge and append', () => {
  it('merge: the rows whose keys the batch wrote are read back from the table', async () => {
    const p = shop('merge');
    await build(p, HISTORY);
    // Key 1 updated to a null code, key 4 inserted repeating code 'b' of old row 2.
    const batch = await build(p, "(1, null, 10), (4, 'b', 20)", { select: ['events'] });
    const note = '(changed rows: 2 keys written by this batch of events)';
    const notNull = result(batch.results, 'not_null_events_code');
    expect(notNull.message).toBe(`1 failing row ${note}`);
    expect(notNull.sample!.rows).toEqual([{ id: 1, code: null, parent_id: 10 }]);
    const unique = result(batch.results, 'unique_events_code');
    expect(unique.sample!.rows).toEqual([{ unique_field: 'b', n_records: '2' }]);
  });

  it('append: a batch row repeating an old code is caught', async () => {
    const p = shop('append', {
      'models/events.sql': `{{ config(materialized='incremental', incremental_strategy='append') }}\nselect * from (values {{ var('batch') }}) as t(id, code, parent_id)\n`,
    });
    await build(p, HISTORY);
    const batch = await build(p, "(4, 'c', 10), (5, 'e', 20)", { select: ['events'] });
    const unique = result(batch.results, 'unique_events_code');
    expect(unique.message).toBe(
      '1 failing row (changed rows: 2 rows written by this batch of events)',
    );
    expect(unique.sample!.rows).toEqual([{ unique_field: 'c', n_records: '2' }]);
  });
});

describe('scope: changed_rows is refused where it cannot narrow a test', () => {
  const loadError = async (files: FileMap) =>
    (await errorOf(() => shop('delete+insert', files).build({ vars: { batch: HISTORY } }))).message;

  it('on a test kind it does not support, naming the file, the test and what is supported', async () => {
    const message = await loadError({
      'models/more.yml': `models:\n  - name: parents\n    data_tests:\n      - not_empty: ${SCOPED}\n`,
    });
    expect(message).toContain('models/more.yml');
    expect(message).toContain(
      "test 'not_empty' on parents: scope: changed_rows supports the built-in not_null, accepted_values, expression_is_true, unique, relationships tests on incremental models (delete+insert, merge or append); 'not_empty' is not one of them",
    );
  });

  it('on a table model, a singular test, and an unknown scope value', async () => {
    expect(
      await loadError({
        'models/more.yml': `models:\n  - name: parents\n    columns:\n      - name: pid\n        data_tests:\n          - unique: ${SCOPED}\n`,
      }),
    ).toContain(
      'parents is materialized table, rebuilt whole, so every row is checked: remove scope',
    );
    expect(
      await loadError({
        'tests/no_zero.sql':
          "{{ config(scope='changed_rows') }}\nselect * from {{ ref('events') }} where id = 0\n",
      }),
    ).toContain('a singular test may read anything, so it checks every row: remove scope');
    expect(
      await loadError({
        'models/more.yml':
          'models:\n  - name: parents\n    columns:\n      - name: pid\n        data_tests:\n          - unique: {config: {scope: batch}}\n',
      }),
    ).toContain("scope must be all or changed_rows (got 'batch')");
  });
});
