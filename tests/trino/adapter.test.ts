/**
 * What is Trino's own beside the conformance suite (tests/adapters): json_records seeds staged
 * as Parquet keep every line as DuckDB reads them, a Hive table takes delete+insert by being
 * rewritten, the old table is never left missing, and errors point at the source line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { TrinoClient } from '../../src/adapters/trino/client.ts';
import { query } from '../../src/api.ts';
import type { RunReport } from '../../src/runner/execute.ts';
import { project, removeFixtures, type Fixture } from '../helpers/fixture.ts';
import { dropTrinoSchemas, TRINO_URL, trinoTarget } from './server.ts';

const SCHEMA = `trino_adapter_${process.pid}`;

describe.skipIf(!TRINO_URL)('the Trino adapter', () => {
  let p: Fixture;
  let seeded: RunReport;
  const client = () => new TrinoClient({ url: TRINO_URL!, user: 'duckflow', catalog: 'hive' });

  beforeAll(async () => {
    p = project({
      'project.yml': stringify({
        name: 'trino_adapter',
        target: 'trino',
        targets: {
          trino: trinoTarget(SCHEMA),
          duck: { type: 'duckdb', path: 'target/db.duckdb', schema: SCHEMA },
        },
      }),
      'seeds/events.yml': stringify({
        seeds: [{ name: 'events', config: { format: 'json_records' } }],
      }),
      'seeds/events.ndjson': Buffer.concat([
        Buffer.from('{"id": 1}\n{"id": 2, "name": "Ren'),
        Buffer.from([0xe9]), // Latin-1 'é': not UTF-8
        Buffer.from('e"}\n{"id": 3, "nul": "a\u0000b"}\n\n   \n{not json\n{"id": 8}\n'),
      ]),
    });
    seeded = await p.seed();
    await p.seed({ target: 'duck' });
  }, 120_000);

  afterAll(async () => {
    await dropTrinoSchemas([SCHEMA]);
    removeFixtures();
  });

  const rows = async (sql: string, target = 'trino') =>
    (await query(sql, { projectDir: p.dir, target })).rows;
  const rowsOf = (target: string) =>
    rows(
      `select cast(record_number as integer) as n, raw, read_error from "${SCHEMA}"."events" order by n`,
      target,
    );

  it('loads a json_records seed through Parquet with every line DuckDB keeps, unreadable ones with their reason', async () => {
    expect(seeded.results.map((r) => [r.status, r.rows])).toEqual([['success', 7]]);
    const trino = await rowsOf('trino');
    expect(trino).toEqual(await rowsOf('duck'));
    expect(trino.map((r) => [r.n, r.read_error])).toEqual([
      [1, null],
      [2, 'invalid_utf8'],
      [3, 'nul_byte'],
      [4, null],
      [5, null],
      [6, null],
      [7, null],
    ]);
    expect(trino.slice(3).map((r) => r.raw)).toEqual(['', '   ', '{not json', '{"id": 8}']);
  });

  it('delete+insert on Hive rewrites the table: replaced keys once, other rows kept, no table left aside', async () => {
    const model = (rows: string) =>
      `{{ config(materialized='incremental', unique_key='id') }}\nselect * from (values ${rows}) as t(id, label)\n`;
    p.write({ 'models/changes.sql': model("(1, 'a'), (2, 'a')") });
    expect((await p.run({ select: ['changes'] })).success).toBe(true);
    p.write({ 'models/changes.sql': model("(2, 'b'), (3, 'b')") });
    const second = await p.run({ select: ['changes'] });
    // id 2 replaced (one deleted, two inserted), id 1 kept: three rows.
    expect(second.results.map((r) => [r.status, r.rows, r.changes])).toEqual([
      ['success', 3, { inserted: 2, updated: 0, deleted: 1 }],
    ]);
    expect(await rows(`select id, label from "${SCHEMA}"."changes" order by id`)).toEqual([
      { id: 1, label: 'a' },
      { id: 2, label: 'b' },
      { id: 3, label: 'b' },
    ]);
    const left = await client().query(
      `select table_name from hive.information_schema.tables where table_schema = '${SCHEMA}' and table_name like 'changes%'`,
    );
    expect(left.rows).toEqual([['changes']]);
  });

  it("maps Trino's line:column to the model's source line, past the Jinja above it", async () => {
    p.write({
      'models/broken.sql': [
        "{{ config(materialized='table') }}",
        '{% set n = 2 %}',
        '-- two lines of comment',
        '-- before the select',
        'select',
        '    {{ n }} as ok,',
        '    no_such_column + 1 as bad',
        'from (values 1) as t(x)',
        '',
      ].join('\n'),
    });
    const report = await p.run({ select: ['broken'] });
    const failed = report.results.find((r) => r.name === 'broken')!;
    expect(failed).toMatchObject({ status: 'error', file: 'models/broken.sql', line: 7 });
    expect(failed.message).toMatch(
      /^models\/broken\.sql:7: Column 'no_such_column' cannot be resolved\n {2}7 \| .*no_such_column \+ 1 as bad/,
    );
  });
});
