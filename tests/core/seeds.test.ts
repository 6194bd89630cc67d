import { DuckDBInstance } from '@duckdb/node-api';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/api.ts';
import { project, removeFixtures, type Fixture } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const ndjson = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

async function writeParquet(path: string, select: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`copy (${select}) to '${path.replace(/'/g, "''")}' (format parquet)`);
  conn.closeSync();
  db.closeSync();
}

/** Column names and DuckDB types of a relation, in order. */
const columnsOf = (p: Fixture, table: string) =>
  p.query(
    `select column_name as name, data_type as type from information_schema.columns where table_name = '${table}' order by ordinal_position`,
  );

describe('seeds of every format, in one project', () => {
  let p: Fixture;
  let report: RunReport;

  beforeAll(async () => {
    p = project({
      'project.yml': [
        'name: x',
        'seeds:',
        '  x:',
        '    raw:',
        '      schema: raw',
        'vars:',
        '  fresh_export: exports/2024-01.ndjson',
        '',
      ].join('\n'),
      // CSV with a header; declared types win: `code` keeps its leading zeros.
      'seeds/items.csv': 'id,code,price\n1,007,1.50\n2,010,20\n3,100,3.25\n',
      // CSV without a header, ';'-delimited: columns named by the declared types, or column0..n.
      'seeds/raw/no_header_named.csv': '1;alpha\n2;beta\n',
      'seeds/raw/no_header.csv': '1;alpha\n2;beta\n',
      'seeds/events.ndjson': ndjson([
        { id: 1, kind: 'view', zip: '01234' },
        { id: 2, kind: 'buy', zip: '99999' },
      ]),
      'seeds/array.json': JSON.stringify([
        { id: 10, name: 'ten' },
        { id: 20, name: 'twenty' },
        { id: 30, name: 'thirty' },
      ]),
      'seeds/zipped.ndjson.gz': gzipSync(ndjson([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }])),
      'seeds/zipped_array.json.gz': gzipSync(JSON.stringify([{ n: 5 }, { n: 6 }])),
      'seeds/records.ndjson': '{"id": 1, "ok": true}\nthis is {not json\n\n{"id": 3}\n',
      'seeds/records_array.json': '[{"a": 1}, {"b": [1, 2]}]',
      'exports/2024-01.ndjson': ndjson([{ day: '2024-01-01' }]),
      'exports/2024-02.ndjson': ndjson([{ day: '2024-02-01' }, { day: '2024-02-02' }]),
      'seeds/properties.yml': [
        'seeds:',
        '  - name: items',
        '    config:',
        '      column_types: {id: integer, code: varchar, price: "decimal(10,2)"}',
        '  - name: no_header_named',
        '    config: {header: false, delimiter: ";", column_types: {id: integer, label: varchar}}',
        '  - name: no_header',
        '    config: {header: false, delimiter: ";"}',
        '  - name: events',
        '    config: {column_types: {zip: varchar, id: bigint}}',
        '  - name: records',
        '    config: {format: json_records}',
        '  - name: records_array',
        '    config: {format: json_records}',
        '  - name: parquet_data',
        '    config: {column_types: {amount: "decimal(8,2)"}}',
        '  - name: monthly',
        '    description: points at whichever export the var names',
        '    config: {path: "{{ var(\'fresh_export\') }}"}',
        '',
      ].join('\n'),
    });
    await writeParquet(
      p.path('seeds/parquet_data.parquet'),
      "select range::int as id, (range * 1.25)::double as amount, 'p' || range as label from range(3)",
    );
    report = await p.seed();
  });

  it('loads every seed', () => {
    expect(report.success).toBe(true);
    expect(
      Object.fromEntries(report.results.map((r) => [r.name, [r.status, r.detail, r.rows]])),
    ).toEqual({
      items: ['success', 'csv', 3],
      no_header_named: ['success', 'csv', 2],
      no_header: ['success', 'csv', 2],
      events: ['success', 'ndjson', 2],
      array: ['success', 'json', 3],
      zipped: ['success', 'ndjson', 4],
      zipped_array: ['success', 'json', 2],
      records: ['success', 'json_records', 4],
      records_array: ['success', 'json_records', 2],
      parquet_data: ['success', 'parquet', 3],
      monthly: ['success', 'ndjson', 1],
    });
  });

  it('CSV with a header: declared types win, strings keep leading zeros', async () => {
    expect(await columnsOf(p, 'items')).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'code', type: 'VARCHAR' },
      { name: 'price', type: 'DECIMAL(10,2)' },
    ]);
    expect(
      await p.query('select id, code, price::varchar as price from items order by id'),
    ).toEqual([
      { id: 1, code: '007', price: '1.50' },
      { id: 2, code: '010', price: '20.00' },
      { id: 3, code: '100', price: '3.25' },
    ]);
  });

  it('CSV without a header, with a declared delimiter, into the folder-configured schema', async () => {
    expect(await p.query('select * from raw.no_header_named order by id')).toEqual([
      { id: 1, label: 'alpha' },
      { id: 2, label: 'beta' },
    ]);
    expect(
      await p.query('select column0::int as a, column1 as b from raw.no_header order by 1'),
    ).toEqual([
      { a: 1, b: 'alpha' },
      { a: 2, b: 'beta' },
    ]);
  });

  it('NDJSON with declared types, a JSON array, and both gzip-compressed', async () => {
    expect(await columnsOf(p, 'events')).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'kind', type: 'VARCHAR' },
      { name: 'zip', type: 'VARCHAR' },
    ]);
    expect(await p.query('select id::int as id, kind, zip from events order by id')).toEqual([
      { id: 1, kind: 'view', zip: '01234' },
      { id: 2, kind: 'buy', zip: '99999' },
    ]);
    expect(await p.query('select id::int as id, name from "array" order by id')).toEqual([
      { id: 10, name: 'ten' },
      { id: 20, name: 'twenty' },
      { id: 30, name: 'thirty' },
    ]);
    expect(await p.query('select sum(id)::int as s from zipped')).toEqual([{ s: 10 }]);
    expect(await p.query('select sum(n)::int as s from zipped_array')).toEqual([{ s: 11 }]);
  });

  it('Parquet, with a declared type cast', async () => {
    expect(await columnsOf(p, 'parquet_data')).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'amount', type: 'DECIMAL(8,2)' },
      { name: 'label', type: 'VARCHAR' },
    ]);
    expect(
      await p.query('select id, amount::varchar as amount, label from parquet_data order by id'),
    ).toEqual([
      { id: 0, amount: '0.00', label: 'p0' },
      { id: 1, amount: '1.25', label: 'p1' },
      { id: 2, amount: '2.50', label: 'p2' },
    ]);
  });

  it('json_records: one raw row per line, an invalid JSON line kept as text, a blank line as an empty one', async () => {
    expect(
      await p.query('select record_number::int as n, raw, read_error from records order by n'),
    ).toEqual([
      { n: 1, raw: '{"id": 1, "ok": true}', read_error: null },
      { n: 2, raw: 'this is {not json', read_error: null },
      { n: 3, raw: '', read_error: null },
      { n: 4, raw: '{"id": 3}', read_error: null },
    ]);
    expect(
      await p.query('select record_number::int as n, raw from records_array order by n'),
    ).toEqual([
      { n: 1, raw: '{"a": 1}' },
      { n: 2, raw: '{"b": [1, 2]}' },
    ]);
  });

  it("a seed's file path comes from a var, overridable with --vars", async () => {
    expect(await p.query('select day::varchar as day from monthly')).toEqual([
      { day: '2024-01-01' },
    ]);
    const again = await p.seed({
      select: ['monthly'],
      vars: { fresh_export: 'exports/2024-02.ndjson' },
    });
    expect(again.results.map((r) => [r.name, r.rows])).toEqual([['monthly', 2]]);
    expect(await p.query('select day::varchar as day from monthly order by day')).toEqual([
      { day: '2024-02-01' },
      { day: '2024-02-02' },
    ]);
    const missing = await p.cli(['seed', '--vars', '{fresh_export: exports/nope.ndjson}']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /seeds\/properties\.yml:17: seed 'monthly': data file not found: .*exports\/nope\.ndjson/,
    );
  });
});

describe('seed configuration', () => {
  it('takes column types from project.yml seeds: config, YAML beside the seed winning', async () => {
    const p = project({
      'project.yml': 'name: x\nseeds:\n  column_types: {code: varchar, qty: integer}\n',
      'seeds/a.csv': 'code,qty\n001,5\n',
      'seeds/b.csv': 'code,qty\n002,6\n',
      'seeds/b.yml':
        'seeds:\n  - name: b\n    config: {column_types: {code: integer, qty: varchar}}\n',
    });
    expect((await p.seed()).success).toBe(true);
    expect(await p.query('select code, qty from a')).toEqual([{ code: '001', qty: 5 }]);
    expect(await p.query('select code, qty from b')).toEqual([{ code: 2, qty: '6' }]);
  });

  it('reports a seed whose format cannot be told, and a described seed without data', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'seeds/a.csv': 'x\n1\n',
      'seeds/s.yml':
        'seeds:\n  - name: ghost\n  - name: weird\n    config: {path: data/file.xyz}\n',
      'data/file.xyz': 'x',
    });
    const r = await p.cli(['seed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("seed 'weird': cannot tell the format of");
    expect(r.stderr).toMatch(
      /seeds\/s\.yml:2: seed 'ghost' is described here but has no data file in seeds/,
    );
  });
});
