/**
 * The typed json_records load and per-node settings (issue 13): every line of an export is
 * loaded typed or quarantined with its line number, reason and raw text, numbered in file
 * order whichever way the loader numbers it. One test per case of docs/reliability.md's
 * "Typed json_records loads and node settings" table.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBAdapter } from '../../src/adapters/duckdb/adapter.ts';
import { GzipChecks } from '../../src/adapters/duckdb/seeds/gzipChecks.ts';
import { readSeed } from '../../src/adapters/duckdb/seeds/load.ts';
import { keepsScanOrder } from '../../src/adapters/duckdb/seeds/orderedLoad.ts';
import type { Numbering } from '../../src/adapters/duckdb/seeds/orderedLoad.ts';
import { loadProject } from '../../src/project/loader.ts';
import { errorOf, project, removeFixtures } from '../helpers/fixture.ts';
import { jsonRecordsProject } from '../helpers/jsonRecords.ts';

afterAll(removeFixtures);

/** A seed `events` reading data/events.ndjson with the given `fields:` YAML lines. */
const typedProject = (fields: string[], data: string | Buffer, extra: string[] = []) =>
  jsonRecordsProject('data/events.ndjson', [...extra, 'fields:', ...fields.map((l) => `  ${l}`)], {
    'data/events.ndjson': data,
  });

const ID_AND_KIND = [
  '- { name: id, data_type: bigint, required: true }',
  "- { name: kind, required: true, check: \"kind in ('a', 'b')\" }",
];

describe('typed json_records loads', () => {
  it('[typed-load-reasons] each line is typed or quarantined with the first failing check, raw text kept only then', async () => {
    const lines = [
      '{"id": 1, "kind": "a", "score": 1.5, "ok": true, "at": "2024-01-01T10:00:00+02:00", "rank": 3, "tag": {"x": 1}}',
      '',
      '{"id": 2, "kind": "a"',
      '{"kind": "a"}',
      '{"id": "5", "kind": "a"}',
      '{"id": 6.0, "kind": "a"}',
      '{"id": 7}',
      '{"id": 8, "kind": "z"}',
      '{"id": 9, "kind": "b", "score": "high"}',
      '{"id": 10, "kind": "b", "ok": 1}',
      '{"id": 11, "kind": "b", "at": "2024-01-01"}',
      '{"id": 12, "kind": "b", "rank": 2.5}',
      '   ',
      '{"id": "x", "kind": "z"}',
    ];
    const p = typedProject(
      [
        ...ID_AND_KIND,
        '- { name: score, data_type: double }',
        '- { name: ok, data_type: boolean }',
        '- { name: at, data_type: timestamp }',
        "- { name: rank, data_type: bigint, on_invalid: 'null' }",
        '- { name: tag, data_type: json }',
      ],
      lines.join('\n') + '\n',
    );
    const r = await p.seed();
    expect(r.success).toBe(true);
    expect(r.results[0].rows).toBe(14);
    const rows = await p.query(
      `select record_number::int as n, id::int as id, kind, load_error, raw from events order by n`,
    );
    const quarantined = (n: number, reason: string, id: number | null, kind: string | null) => ({
      n,
      id,
      kind,
      load_error: reason,
      raw: lines[n - 1],
    });
    expect(rows).toEqual([
      { n: 1, id: 1, kind: 'a', load_error: null, raw: null },
      quarantined(2, 'blank_line', null, null),
      quarantined(3, 'invalid_json', null, null),
      quarantined(4, 'missing_id', null, 'a'),
      quarantined(5, 'invalid_id', null, 'a'),
      quarantined(6, 'invalid_id', null, 'a'),
      quarantined(7, 'missing_kind', 7, null),
      // a value failing its check is kept as read: the line is quarantined anyway
      quarantined(8, 'invalid_kind', 8, 'z'),
      quarantined(9, 'invalid_score', 9, 'b'),
      quarantined(10, 'invalid_ok', 10, 'b'),
      quarantined(11, 'invalid_at', 11, 'b'),
      // on_invalid: null drops the value, not the line
      { n: 12, id: 12, kind: 'b', load_error: null, raw: null },
      quarantined(13, 'blank_line', null, null),
      // id before kind: the first failing check in declared order wins
      quarantined(14, 'invalid_id', null, 'z'),
    ]);
    // 10:00 at +02:00 is 08:00 UTC; 2.5 is no integer rank
    expect(
      await p.query(
        `select score, ok, strftime("at", '%Y-%m-%d %H:%M:%S') as at, rank::int as rank, tag::varchar as tag, typeof(tag) as tag_type
         from events where record_number in (1, 12) order by record_number`,
      ),
    ).toEqual([
      {
        score: 1.5,
        ok: true,
        at: '2024-01-01 08:00:00',
        rank: 3,
        tag: '{"x":1}',
        tag_type: 'JSON',
      },
      { score: null, ok: null, at: null, rank: null, tag: null, tag_type: 'JSON' },
    ]);
  });

  it('[typed-load-unreadable-lines] invalid UTF-8, NUL and bare-CR lines keep their line number and a read reason; later lines are numbered right', async () => {
    const data = Buffer.concat([
      Buffer.from('{"id": 1, "kind": "a"}\n{"id": 2, "kind": "caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}\n{"id": 3, "x": "\u0000"}\n{"id": 4, "kind": "b"}\n'),
      Buffer.from('{"id": 5}\r{"id": 6}\n{"id": 7, "kind": "a"}\n'),
    ]);
    const p = typedProject(ID_AND_KIND, data);
    expect((await p.seed()).success).toBe(true);
    expect(
      await p.query(
        `select record_number::int as n, id::int as id, load_error, raw is not null as has_raw from events order by n`,
      ),
    ).toEqual([
      { n: 1, id: 1, load_error: null, has_raw: false },
      { n: 2, id: null, load_error: 'invalid_utf8', has_raw: true },
      { n: 3, id: null, load_error: 'nul_byte', has_raw: true },
      { n: 4, id: 4, load_error: null, has_raw: false },
      { n: 5, id: null, load_error: 'bare_carriage_return', has_raw: true },
      { n: 6, id: 7, load_error: null, has_raw: false },
    ]);
    expect(await p.query(`select raw from events where record_number = 5`)).toEqual([
      { raw: '{"id": 5}\r{"id": 6}' },
    ]);
  });

  it('[typed-load-duplicate-raw] keep_raw_for_duplicates_of keeps the text of every loaded line whose value repeats, recovered by a second scan', async () => {
    const lines = [
      '{"id": 1, "kind": "a"}',
      '{"id": 2, "kind": "a"}',
      '{"id": 1,  "kind": "b"}',
      '{"id": 3, "kind": "a"}',
      '{"id": 3, "kind": "a"}',
      '{"id": 1, "kind": "q"}',
      // ids 17 bits apart: the loader groups them with a raised perfect-hash threshold
      '{"id": 100000, "kind": "b"}',
      '{"id": 100000,"kind": "b"}',
    ];
    const p = typedProject(ID_AND_KIND, lines.join('\n') + '\n', [
      'keep_raw_for_duplicates_of: id',
    ]);
    expect((await p.seed()).success).toBe(true);
    expect(
      await p.query(`select record_number::int as n, load_error, raw from events order by n`),
    ).toEqual([
      { n: 1, load_error: null, raw: lines[0] },
      { n: 2, load_error: null, raw: null },
      { n: 3, load_error: null, raw: lines[2] },
      { n: 4, load_error: null, raw: lines[3] },
      { n: 5, load_error: null, raw: lines[4] },
      // quarantined: kept for its own reason, and not counted as a duplicate
      { n: 6, load_error: 'invalid_kind', raw: lines[5] },
      { n: 7, load_error: null, raw: lines[6] },
      { n: 8, load_error: null, raw: lines[7] },
    ]);
    expect(
      await p.query(`select column_name from duckdb_columns() where table_name = 'events'`),
    ).toEqual(
      ['record_number', 'id', 'kind', 'load_error', 'raw'].map((c) => ({ column_name: c })),
    );
  });

  it('[typed-load-config-errors] an unknown key in a field, a bad json_path or fields on a CSV seed fail with the file and what was expected', async () => {
    const unknown = await errorOf(() =>
      typedProject(['- { name: id, data_typ: bigint }'], '{"id": 1}\n').list(),
    );
    expect(unknown.message).toMatch(/seeds\/events\.yml:\d+/);
    expect(unknown.message).toContain('data_typ');
    const badPath = await errorOf(() =>
      typedProject(['- { name: id, json_path: "$.a[0]" }'], '{"id": 1}\n').list(),
    );
    expect(badPath.message).toContain('seeds/events.yml');
    expect(badPath.message).toContain("json_path '$.a[0]': expected .key");
    const csv = await errorOf(() =>
      project({
        'project.yml': 'name: x\n',
        'seeds/c.csv': 'a\n1\n',
        'seeds/c.yml': 'seeds:\n  - name: c\n    config:\n      fields: [{ name: a }]\n',
      }).list(),
    );
    expect(csv.message).toContain('config.fields is for format json_records (this seed is csv)');
    const reserved = await errorOf(() =>
      typedProject(['- { name: __valid_json }'], '{"id": 1}\n').list(),
    );
    expect(reserved.message).toContain("'__valid_json' is a name the load uses itself");
  });
});

describe('numbering in file order', () => {
  // 30,000 lines over several of DuckDB's scan batches, with quarantined and unreadable lines.
  const lines = Array.from({ length: 30_000 }, (_, i) =>
    i % 997 === 5
      ? '{"id": oops'
      : i % 4999 === 7
        ? `{"id": ${i + 1}, "kind": "x\u0000"}`
        : `{"id": ${i + 1}, "kind": "${i % 3 ? 'a' : 'b'}"}`,
  );

  /** `keepAllRaw`: every line keeps its text, written by INSERT into a table created first. */
  async function loadWith(numbering: Numbering, keepAllRaw = false) {
    const p = typedProject(ID_AND_KIND, lines.join('\n') + '\n');
    const seed = { ...loadProject({ projectDir: p.dir }).seeds.get('events')!, keepAllRaw };
    const db = await DuckDBAdapter.open({
      name: 'dev',
      type: 'duckdb',
      path: p.path('t.duckdb'),
      schema: 'main',
      threads: 2,
      settings: { threads: 2, preserve_insertion_order: false },
      snapshots: 0,
      dir: p.dir,
    });
    const into = { kind: 'table' as const, schema: 'main', identifier: 'events' };
    const gzipChecks = new GzipChecks(p.path('target/gzip.json'));
    try {
      return await db.withConnection(async (conn) => {
        const n = await readSeed(seed, into, {
          conn,
          gzipChecks,
          orderedScans: db.orderedScans,
          numbering,
        });
        const wrong = await conn.query(
          `select count(*)::int as n from events where load_error is null and id <> record_number`,
        );
        const reasons = await conn.query(
          `select load_error, count(*)::int as n, min(record_number)::int as first from events where load_error is not null group by all order by all`,
        );
        const setting = await conn.query(
          `select current_setting('preserve_insertion_order') as o, current_setting('disabled_optimizers') as d`,
        );
        const kept = await conn.query(`select count(raw)::int as n from events`);
        return {
          n,
          wrong: wrong.rows[0].n,
          reasons: reasons.rows,
          setting: setting.rows[0],
          kept: kept.rows[0].n,
        };
      });
    } finally {
      await db.close();
    }
  }

  it('[typed-load-numbering-both-ways] the plan-checked load and the forced row_number() fallback number every line as its line number', async () => {
    const expected = {
      n: 30_000,
      wrong: 0,
      // lines i % 997 === 5 (i 0-based): 31 of them, the first on line 6; NUL at i 7, 5006, ..., 25002
      reasons: [
        { load_error: 'invalid_json', n: 31, first: 6 },
        { load_error: 'nul_byte', n: 6, first: 8 },
      ],
    };
    const planned = await loadWith('plan');
    expect(planned).toMatchObject({ ...expected, kept: 37 });
    // the load's global settings are back as the target set them
    expect(planned.setting).toEqual({ o: false, d: '' });
    expect(await loadWith('row_number')).toMatchObject({ ...expected, kept: 37 });
    expect(await loadWith('plan', true)).toMatchObject({ ...expected, kept: 30_000 });
    expect(await loadWith('row_number', true)).toMatchObject({ ...expected, kept: 30_000 });
  });

  it('[typed-load-plan-check] a plan that would reorder rows (an IN list rewritten into a join) is recognised, so the load falls back', async () => {
    // a file scan: DuckDB writes a table function's rows in scan order only from a file reader
    const p = project({ 'n.csv': Array.from({ length: 1000 }, (_, i) => i).join('\n') + '\n' });
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    // the table written with CREATE TABLE AS, or created first and filled by INSERT
    await conn.run('create table t2 (x integer, y boolean)');
    const plan = async (write = 'create table t as') =>
      JSON.parse(
        String(
          (
            await conn.runAndReadAll(
              `explain (format json) ${write} select x, x in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10) as y from read_csv('${p.path('n.csv')}', columns = {'x': 'INTEGER'}, header = false)`,
            )
          ).getRowObjectsJson()[0].explain_value,
        ),
      );
    await conn.run('set preserve_insertion_order = true');
    expect(keepsScanOrder(await plan())).toBe(false);
    expect(keepsScanOrder(await plan('insert into t2'))).toBe(false);
    await conn.run("set disabled_optimizers = 'in_clause'");
    expect(keepsScanOrder(await plan())).toBe(true);
    expect(keepsScanOrder(await plan('insert into t2'))).toBe(true);
    await conn.run('set preserve_insertion_order = false');
    expect(keepsScanOrder(await plan())).toBe(false);
    expect(keepsScanOrder(await plan('insert into t2'))).toBe(false);
    conn.closeSync();
    db.closeSync();
  });
});

describe('node settings', () => {
  const settingsProject = (settings: string) =>
    project({
      'project.yml':
        'name: x\ntarget: dev\ntargets:\n  dev:\n    type: duckdb\n    path: x.duckdb\n    threads: 1\n',
      'models/a.sql': `{{ config(materialized='table', settings=${settings}) }}\nselect current_setting('perfect_ht_threshold')::int as v`,
      'models/b.sql': `{{ config(materialized='table') }}\nselect current_setting('perfect_ht_threshold')::int as v, (select count(*) from {{ ref('a') }}) as n`,
    });

  it('[node-settings-one-node] a setting applies to its node only: the next node on the same connection sees the old value', async () => {
    const p = settingsProject('{"perfect_ht_threshold": 20}');
    const r = await p.run();
    expect(r.results.map((x) => x.message)).toEqual(['table "main"."a"', 'table "main"."b"']);
    // DuckDB's default perfect_ht_threshold is 12
    expect(await p.query('select (select v from a) as a, (select v from b) as b')).toEqual([
      { a: 20, b: 12 },
    ]);
  });

  it('[node-settings-refused] a global or unknown DuckDB setting fails the node with its file and why', async () => {
    const global = await settingsProject('{"threads": 1}').run();
    const a = global.results.find((r) => r.name === 'a')!;
    expect(a.status).toBe('error');
    expect(a.message).toContain('models/a.sql');
    expect(a.message).toContain("'threads' is global in DuckDB");
    const unknown = await settingsProject('{"no_such_setting": 1}').run();
    expect(unknown.results.find((r) => r.name === 'a')!.message).toContain(
      "'no_such_setting' is not a DuckDB setting",
    );
  });
});
