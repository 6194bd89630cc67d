/**
 * The same cases on every registered adapter (Kysely's per-dialect loop): materializations,
 * swaps that fail, incremental strategies, hooks, data tests, the catalog, odd names, and errors
 * pointing at source lines. Values are cast in SQL so every engine returns the same JSON.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { adapterPlugin } from '../../src/adapters/registry.ts';
import { ProjectErrors } from '../../src/core/errors.ts';
import { readCatalog } from '../../src/docs/catalog.ts';
import { loadProject } from '../../src/project/loader.ts';
import { errorOf } from '../helpers/fixture.ts';
import {
  engineFixture as fixture,
  engines,
  removeEngineFixtures,
  suiteOptions,
  type Engine,
} from './engines.ts';

afterAll(removeEngineFixtures);

for (const engine of engines())
  describe(`adapter conformance: ${engine.name}`, suiteOptions(engine), () => conformance(engine));

/** The cases, once per engine. */
function conformance(engine: Engine): void {
  it('builds views and tables (atomic swap) with the rows of their SELECT', async () => {
    const p = fixture(engine, {
      'models/base.sql': 'select 1 as id, 10 as amount union all select 2, 32\n',
      'models/total.sql':
        "{{ config(materialized='table') }}\nselect cast(sum(amount) as integer) as total, cast(count(*) as integer) as n from {{ ref('base') }}\n",
    });
    const report = await p.build();
    expect(report.success).toBe(true);
    expect(await p.query(`select * from ${p.rel('total')}`)).toEqual([{ total: 42, n: 2 }]);
    expect(report.results.find((r) => r.name === 'total')).toMatchObject({ rows: 1 });
    // A rebuild swaps the new table in.
    p.write({ 'models/base.sql': 'select 5 as id, 1 as amount\n' });
    expect((await p.build()).success).toBe(true);
    expect(await p.query(`select * from ${p.rel('total')}`)).toEqual([{ total: 1, n: 1 }]);
  });

  it('rebuilding a table alone keeps the views over it, and a view over those, reading the new rows', async () => {
    const p = fixture(engine, {
      'models/t.sql': "{{ config(materialized='table') }}\nselect {{ var('v') }} as v\n",
      'models/over_t.sql': "select v + 1 as w from {{ ref('t') }}\n",
      'models/over_view.sql': "select w * 10 as x from {{ ref('over_t') }}\n",
    });
    expect((await p.build({ vars: { v: 1 } })).success).toBe(true);
    // Only the table is rebuilt: PostgreSQL would refuse to drop it under its views.
    expect((await p.build({ vars: { v: 4 }, select: ['t'] })).success).toBe(true);
    expect(await p.query(`select x from ${p.rel('over_view')}`)).toEqual([{ x: 50 }]);
  });

  it('keeps the previous table when a rebuild fails, and points at the failing source line', async () => {
    const p = fixture(engine, {
      'models/t.sql': "{{ config(materialized='table') }}\nselect 7 as v\n",
    });
    expect((await p.build()).success).toBe(true);
    p.write({
      'models/t.sql':
        "{{ config(materialized='table') }}\nselect 8 as v\nfrom no_such_table_anywhere\n",
    });
    const report = await p.build();
    expect(report.success).toBe(false);
    const failed = report.results.find((r) => r.name === 't')!;
    expect(failed).toMatchObject({ status: 'error', file: 'models/t.sql', line: 3 });
    expect(failed.message).toMatch(/^models\/t\.sql:3: .*no_such_table_anywhere/);
    expect(await p.query(`select v from ${p.rel('t')}`)).toEqual([{ v: 7 }]);
  });

  it('incremental: delete+insert replaces rows by unique_key, append adds them even with one', async () => {
    const model = (strategy: string) =>
      `{{ config(materialized='incremental', unique_key='id', incremental_strategy='${strategy}') }}\n` +
      `select id, label from (select 1 as id, {{ var('label') }} as label union all select 2, {{ var('label') }}) as r\n`;
    const p = fixture(engine, {
      'models/replaced.sql': model('delete+insert'),
      'models/appended.sql': model('append'),
    });
    await p.build({ vars: { label: "'a'" } });
    const second = await p.build({ vars: { label: "'b'" } });
    expect(second.success).toBe(true);
    const rows = (name: string) =>
      p.query(`select id, label from ${p.rel(name)} order by id, label`);
    // delete+insert: ids 1 and 2 replaced by the second batch.
    expect(await rows('replaced')).toEqual([
      { id: 1, label: 'b' },
      { id: 2, label: 'b' },
    ]);
    // append: both batches kept, 2 + 2 rows.
    expect(await rows('appended')).toEqual([
      { id: 1, label: 'a' },
      { id: 1, label: 'b' },
      { id: 2, label: 'a' },
      { id: 2, label: 'b' },
    ]);
  });

  it('rejects misspelled and unknown config in {{ config() }} at the line of the call', async () => {
    const p = fixture(engine, {
      'models/m.sql':
        "-- a model\n{{ config(materialized='incremental', uniqe_key='id', incremental_strategy='bogus') }}\nselect 1 as id\n",
    });
    const error = await errorOf(() => p.build());
    expect(error).toBeInstanceOf(ProjectErrors);
    expect((error as ProjectErrors).errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^models\/m\.sql:2: uniqe_key: unknown key 'uniqe_key' \(did you mean 'unique_key'\?\)/,
      ),
      'models/m.sql:2: incremental_strategy must be one of: append, delete+insert, merge, microbatch',
    ]);
  });

  const { transactionalDdl } = adapterPlugin(engine.type).dialect.capabilities;
  it(`runs pre_hook and post_hook around the model: a failing post_hook ${transactionalDdl ? 'rolls the build back' : 'fails it after the swap'}`, async () => {
    const hooks = (post: string) =>
      `{{ config(materialized='table', pre_hook="insert into {{ target.schema }}.audit values ('pre')", post_hook="${post}") }}\nselect {{ var('v') }} as v\n`;
    const p = fixture(
      engine,
      { 'models/m.sql': hooks('insert into {{ this }} values (100)') },
      {
        'on-run-start': [
          'create table if not exists {{ target.schema }}.audit (event varchar(20))',
        ],
        'on-run-end': ["insert into {{ target.schema }}.audit values ('end')"],
      },
    );
    expect((await p.build({ vars: { v: 1 } })).success).toBe(true);
    expect(await p.query(`select v from ${p.rel('m')} order by v`)).toEqual([{ v: 1 }, { v: 100 }]);
    p.write({ 'models/m.sql': hooks('insert into no_such_table values (1)') });
    const failed = await p.build({ vars: { v: 2 } });
    expect(failed.results.find((r) => r.name === 'm')?.status).toBe('error');
    const audit = await p.query(`select event from ${p.rel('audit')} order by event`);
    if (transactionalDdl) {
      // The failed build left the table as it was, and its pre_hook's row went with it.
      expect(await p.query(`select v from ${p.rel('m')} order by v`)).toEqual([
        { v: 1 },
        { v: 100 },
      ]);
      expect(audit).toEqual([{ event: 'end' }, { event: 'end' }, { event: 'pre' }]);
    } else {
      // Nothing to roll back (dbt-trino alike): the new table is in, the pre_hook's row stays.
      expect(await p.query(`select v from ${p.rel('m')} order by v`)).toEqual([{ v: 2 }]);
      expect(audit).toEqual([
        { event: 'end' },
        { event: 'end' },
        { event: 'pre' },
        { event: 'pre' },
      ]);
    }
    expect(failed.results.filter((r) => r.kind === 'operation').map((r) => r.name)).toEqual([
      'conf-on-run-start-0',
      'conf-on-run-end-0',
    ]);
  });

  it('skips every node when on-run-start fails', async () => {
    const p = fixture(
      engine,
      { 'models/m.sql': 'select 1 as v\n' },
      { 'on-run-start': ['select * from no_such_table'] },
    );
    const report = await p.build();
    expect(report.success).toBe(false);
    expect(report.results.map((r) => [r.name, r.status])).toEqual([
      ['conf-on-run-start-0', 'error'],
      ['m', 'skipped'],
    ]);
  });

  it('runs data tests, storing failing rows where asked', async () => {
    const p = fixture(engine, {
      'models/m.sql':
        "select 1 as id, 'x' as kind union all select 1, 'y' union all select 2, null\n",
      'models/m.yml': stringify({
        models: [
          {
            name: 'm',
            columns: [
              { name: 'id', data_tests: [{ unique: { config: { store_failures: true } } }] },
              {
                name: 'kind',
                data_tests: ['not_null', { accepted_values: { values: ['x', 'y'] } }],
              },
            ],
          },
        ],
      }),
    });
    const report = await p.build();
    const statuses = Object.fromEntries(
      report.results.filter((r) => r.kind === 'test').map((r) => [r.name, [r.status, r.failures]]),
    );
    expect(statuses).toEqual({
      unique_m_id: ['fail', 1],
      not_null_m_kind: ['fail', 1],
      accepted_values_m_kind: ['pass', 0],
    });
    expect(
      await p.query(
        `select cast(unique_field as integer) as id, cast(n_records as integer) as n from "audit"."unique_m_id"`,
      ),
    ).toEqual([{ id: 1, n: 2 }]);
  });

  it('runs unit tests on one connection, and skips them while unchanged since they passed', async () => {
    const p = fixture(engine, {
      'models/m.sql': 'select cast(1 as integer) as id, cast(10 as integer) as amount\n',
      'models/doubled.sql': "select id, amount * 2 as doubled from {{ ref('m') }}\n",
      'models/unit_tests.yml': stringify({
        unit_tests: [
          {
            name: 'doubles_amounts',
            model: 'doubled',
            given: [{ input: "ref('m')", rows: [{ id: 1, amount: 4 }] }],
            expect: { rows: [{ id: 1, doubled: 8 }] },
          },
        ],
      }),
    });
    // One thread: a connection pool of one (PostgreSQL's), which a second connection asked for
    // while the unit test holds the first would wait on forever.
    p.write({ 'project.yml': p.read('project.yml').replace(/threads: \d+/, 'threads: 1') });
    const unit = async () => {
      const report = await p.test({ select: ['test_type:unit'] });
      expect(report.results.map((r) => r.status)).toEqual(['pass']);
      return report.results[0].message ?? '';
    };
    expect(await unit()).not.toMatch(/not run again/);
    expect(await unit()).toMatch(/unchanged since it passed at .*: not run again/);
  });

  it('quotes odd names: an alias with a space, a quote and capitals', async () => {
    // Hive's file metastore lists a name holding `"` escaped (%22), so it cannot be found again.
    const alias = engine.type === 'trino' ? 'My Odd Table' : 'My "Odd" Table';
    const p = fixture(engine, {
      'models/odd.sql': `{{ config(materialized='table', alias='${alias}') }}\nselect 1 as "Mixed Case"\n`,
      'models/reader.sql': "select * from {{ ref('odd') }}\n",
    });
    expect((await p.build()).success).toBe(true);
    // Trino folds every name to lower case, quoted or not.
    const column = engine.type === 'trino' ? 'mixed case' : 'Mixed Case';
    expect(await p.query(`select * from ${p.rel('reader')}`)).toEqual([{ [column]: 1 }]);
  });

  it('reads its catalog: relation types and columns in order', async () => {
    const p = fixture(engine, {
      'models/v.sql': "select 1 as a, 'x' as b\n",
      'models/t.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('v') }}\n",
    });
    await p.build();
    const project = loadProject({ projectDir: p.dir });
    const adapter = await adapterPlugin(engine.type).open(project.target);
    try {
      const catalog = await adapter.withConnection((conn) => readCatalog(adapter, conn));
      const mine = [...catalog.values()]
        .filter((r) => r.schema === p.schema)
        .map((r) => ({ name: r.name, type: r.type, columns: r.columns.map((c) => c.name) }));
      expect(mine).toEqual([
        { name: 't', type: 'table', columns: ['a', 'b'] },
        { name: 'v', type: 'view', columns: ['a', 'b'] },
      ]);
    } finally {
      await adapter.close();
    }
  });

  // The CLI always passes an abort signal (Ctrl-C, SIGTERM), which wraps every connection.
  it.each([
    ['without', undefined],
    ['with', new AbortController().signal],
  ])('loads seeds with declared column types (%s an abort signal)', async (_, signal) => {
    const p = fixture(engine, {
      'seeds/codes.csv': 'code,amount\n007,1.50\n010,2.25\n',
      'seeds/codes.yml': stringify({
        seeds: [
          { name: 'codes', config: { column_types: { code: 'varchar', amount: 'decimal(10,2)' } } },
        ],
      }),
    });
    const report = await p.build({ signal });
    expect(report.results.find((r) => r.name === 'codes')).toMatchObject({
      status: 'success',
      rows: 2,
    });
    expect(
      await p.query(
        `select code, cast(amount * 100 as integer) as cents from ${p.rel('codes')} order by code`,
      ),
    ).toEqual([
      { code: '007', cents: 150 },
      { code: '010', cents: 225 },
    ]);
  });

  it('loads a typed json_records seed with the same columns, verdicts and raw text', async () => {
    const lines = [
      '{"id": 1, "kind": "a", "at": "2024-01-01T10:00:00+02:00"}',
      '',
      '{"id": "2", "kind": "a"}',
      '{"id": 3, "kind": "z"}',
      '{"id": 1, "kind": "b"}',
      '{"id": 1, "kind": "a", "at": "2024-01-01T10:00:00+02:00"}',
    ];
    const p = fixture(engine, {
      'seeds/events.ndjson': lines.join('\n') + '\n',
      'seeds/events.yml': stringify({
        seeds: [
          {
            name: 'events',
            config: {
              format: 'json_records',
              keep_raw_for_duplicates_of: 'id',
              line_hash: true,
              fields: [
                { name: 'id', data_type: 'bigint', required: true },
                { name: 'kind', required: true, check: "kind in ('a', 'b')" },
                { name: 'at', data_type: 'timestamp' },
              ],
            },
          },
        ],
      }),
    });
    const report = await p.build();
    expect(report.results.find((r) => r.name === 'events')).toMatchObject({
      status: 'success',
      rows: 6,
    });
    const rows = await p.query(
      `select cast(record_number as integer) as n, cast(id as integer) as id, kind, substr(cast("at" as varchar), 1, 19) as "at", load_error, raw, cast(line_hash as varchar) as line_hash from ${p.rel('events')} order by n`,
    );
    expect(rows.map(({ line_hash: _, ...row }) => row)).toEqual([
      { n: 1, id: 1, kind: 'a', at: '2024-01-01 08:00:00', load_error: null, raw: lines[0] },
      { n: 2, id: null, kind: null, at: null, load_error: 'blank_line', raw: '' },
      { n: 3, id: null, kind: 'a', at: null, load_error: 'invalid_id', raw: lines[2] },
      { n: 4, id: 3, kind: 'z', at: null, load_error: 'invalid_kind', raw: lines[3] },
      { n: 5, id: 1, kind: 'b', at: null, load_error: null, raw: lines[4] },
      { n: 6, id: 1, kind: 'a', at: '2024-01-01 08:00:00', load_error: null, raw: lines[5] },
    ]);
    // line_hash arrives as a BIGINT on every engine: the same line twice hashes equal, and
    // every other line differently.
    const hashes = rows.map((r) => String(r.line_hash));
    expect(hashes.every((h) => /^-?\d{1,19}$/.test(h))).toBe(true);
    expect(hashes[5]).toBe(hashes[0]);
    expect(new Set(hashes).size).toBe(5);
  });

  it("applies a node's settings to that node only, and refuses one the engine cannot set per node", async () => {
    if (engine.type === 'trino') {
      // Session properties travel with each request: one Trino lets a query recurse 10 deep by
      // default, so counting to 15 needs max_recursion_depth. One thread: b runs after a, on
      // the connection a used.
      const count = `with recursive r(n) as (select 1 union all select n + 1 from r where n < 15)\nselect cast(count(*) as integer) as v from r`;
      const p = fixture(engine, {
        'models/a.sql': `{{ config(materialized='table', settings={'max_recursion_depth': 20}) }}\n${count}\n`,
        'models/b.sql': `{{ config(materialized='table') }}\n-- {{ ref('a') }}\n${count}\n`,
      });
      const first = await p.build({ threads: 1 });
      const result = (name: string) => first.results.find((r) => r.name === name)!;
      expect(result('a').status).toBe('success');
      expect(await p.query(`select v from ${p.rel('a')}`)).toEqual([{ v: 15 }]);
      expect(result('b')).toMatchObject({
        status: 'error',
        message: expect.stringMatching(/^models\/b\.sql: Recursion depth limit exceeded \(10\)/),
      });
      p.write({
        'models/a.sql': `{{ config(materialized='table', settings={'max_recursion_dept': 20}) }}\n${count}\n`,
      });
      const refused = (await p.build({ select: ['a'] })).results.find((r) => r.name === 'a')!;
      expect(refused.status).toBe('error');
      expect(refused.message).toContain(
        "settings: Session property 'max_recursion_dept' does not exist",
      );
      return;
    }
    const [name, value, fixed] =
      engine.type === 'postgres'
        ? ['work_mem', '5MB', 'shared_buffers']
        : ['perfect_ht_threshold', '20', 'threads'];
    const read = `select cast(current_setting('${name}') as varchar) as v`;
    const p = fixture(engine, {
      'models/a.sql': `{{ config(materialized='table', settings={'${name}': '${value}'}) }}\n${read}\n`,
      'models/b.sql': `{{ config(materialized='table') }}\n-- {{ ref('a') }}\n${read}\n`,
    });
    expect((await p.build()).success).toBe(true);
    const [[a], [b]] = [
      await p.query(`select v from ${p.rel('a')}`),
      await p.query(`select v from ${p.rel('b')}`),
    ];
    expect(a.v).toBe(value);
    expect(b.v).not.toBe(value);
    p.write({
      'models/a.sql': `{{ config(materialized='table', settings={'${fixed}': '1'}) }}\n${read}\n`,
    });
    const refused = (await p.build()).results.find((r) => r.name === 'a')!;
    expect(refused.status).toBe('error');
    expect(refused.message).toContain(`settings: '${fixed}'`);
  });
}
