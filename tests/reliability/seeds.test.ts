/**
 * Seeds and raw data (issue 9): what a seed reads is exactly the file named, read whole or not
 * at all, and every line of a json_records export is either loaded or kept with a reason. One
 * test per case of docs/reliability.md's "Seeds and raw data" table.
 */
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../src/core/results.ts';
import { build, query, type RunReport } from '../../src/api.ts';
import { project, removeFixtures, type Fixture } from '../helpers/fixture.ts';
import { copyProject, type ProjectCopy } from '../webshop/project-copy.ts';
import { jsonRecordsProject } from '../helpers/jsonRecords.ts';

afterAll(removeFixtures);

const lines = (n: number, make: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => make(i + 1)).join('\n') + '\n';

/** A json_records seed `events` whose file comes from the events_path var, as in the webshop. */
const eventsProject = (files: Record<string, string | Buffer>) =>
  jsonRecordsProject(`"{{ var('events_path', 'data/default.ndjson') }}"`, [], {
    'data/default.ndjson': '{"id": 0}\n',
    ...files,
  });

const seedError = (r: RunReport, name: string) => {
  const result = r.results.find((x) => x.name === name);
  expect(result?.status).toBe('error');
  return result!.message ?? '';
};

describe('gzip files are read whole or not at all', () => {
  // Records of ~60 bytes, gzipped to a few hundred kB so that a cut lands mid-stream.
  const records = lines(20_000, (i) => JSON.stringify({ id: i, pad: `${i * 7919}`.repeat(6) }));
  const whole = gzipSync(records);

  it('[gzip-truncated-export] a json_records export cut in the middle fails with the file, the offset and "truncated or corrupt gzip"', async () => {
    const cut = whole.subarray(0, Math.floor(whole.length / 2));
    const p = eventsProject({ 'exports/cut.ndjson.gz': cut });
    const r = await p.seed({ vars: { events_path: 'exports/cut.ndjson.gz' } });
    expect(r.success).toBe(false);
    expect(seedError(r, 'events')).toContain(
      `${p.path('exports/cut.ndjson.gz')}: truncated or corrupt gzip at byte ${cut.length.toLocaleString('en-US')}`,
    );
    expect(
      await p.query(
        "select count(*)::int as n from information_schema.tables where table_name = 'events'",
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('[gzip-truncated-csv-seed] a truncated .csv.gz seed fails instead of loading the rows before the cut', async () => {
    const csv = gzipSync('id,label\n' + lines(30_000, (i) => `${i},label-${i * 31}`));
    const cut = csv.subarray(0, csv.length - 1000);
    const p = project({ 'project.yml': 'name: x\n', 'seeds/big.csv.gz': cut });
    const r = await p.seed();
    expect(seedError(r, 'big')).toMatch(/big\.csv\.gz: truncated or corrupt gzip at byte [\d,]+/);
  });

  it('[gzip-corrupt-member] a flipped byte inside the compressed data fails the load', async () => {
    const corrupt = Buffer.from(whole);
    corrupt[Math.floor(corrupt.length / 2)] ^= 0xff;
    const p = eventsProject({ 'exports/bad.ndjson.gz': corrupt });
    const r = await p.seed({ vars: { events_path: 'exports/bad.ndjson.gz' } });
    expect(seedError(r, 'events')).toMatch(
      /bad\.ndjson\.gz: truncated or corrupt gzip at byte [\d,]+/,
    );
  });

  it('[gzip-multi-member] an export written as several gzip members (parallel writers) loads every record', async () => {
    const half = records.indexOf('\n', records.length / 2) + 1;
    const members = Buffer.concat([
      gzipSync(records.slice(0, half)),
      gzipSync(records.slice(half)),
    ]);
    const p = eventsProject({ 'exports/multi.ndjson.gz': members });
    const r = await p.seed({ vars: { events_path: 'exports/multi.ndjson.gz' } });
    expect(r.results.map((x) => [x.name, x.status, x.rows])).toEqual([
      ['events', 'success', 20_000],
    ]);
    // The check is remembered by fingerprint: a second load does not decompress the file again.
    expect(p.read('target/gzip_checks.json')).toContain(p.path('exports/multi.ndjson.gz'));
  });
});

describe('a seed path names exactly one file', () => {
  it('[seed-file-glob-characters] seeds/x[1].csv loads its own rows, not those of x1.csv', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'seeds/x[1].csv': 'id\n2\n',
      'seeds/x1.csv': 'id\n1\n',
    });
    expect((await p.seed()).success).toBe(true);
    expect(await p.query('select id::int as id from "x[1]"')).toEqual([{ id: 2 }]);
    expect(await p.query('select id::int as id from x1')).toEqual([{ id: 1 }]);
  });

  it('[events-path-glob-characters] events_path exp[2].ndjson reads exp[2].ndjson, not exp2.ndjson', async () => {
    const p = eventsProject({
      'exports/exp[2].ndjson': '{"from": "exp[2]"}\n',
      'exports/exp2.ndjson': '{"from": "exp2"}\n',
    });
    const r = await p.seed({ vars: { events_path: 'exports/exp[2].ndjson' } });
    expect(r.success).toBe(true);
    expect(await p.query('select raw from events')).toEqual([{ raw: '{"from": "exp[2]"}' }]);
  });

  it('[seed-path-glob-not-expanded] a seed path with * is not a glob: exit 2, and the error says where globs are read', async () => {
    const p = eventsProject({
      'exports/a.ndjson': '{"id": 1}\n',
      'exports/b.ndjson': '{"id": 2}\n',
    });
    const r = await p.cli(['seed', '--vars', '{events_path: "exports/*.ndjson"}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`seed 'events': data file not found: ${p.path('exports/*.ndjson')}`);
    expect(r.stderr).toContain(
      "glob characters are not expanded; read many files with a source's external_location",
    );
  });
});

describe('CSV seeds', () => {
  it('[csv-ragged-row-in-sniff-sample] a row with an extra field fails with file:line instead of loading one column "id,name"', async () => {
    const csv = 'id,name\n' + lines(1000, (i) => (i === 10 ? `${i},n${i},extra` : `${i},n${i}`));
    const p = project({ 'project.yml': 'name: x\n', 'seeds/people.csv': csv });
    const r = await p.cli(['seed']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(
      `${p.path('seeds/people.csv')}:11: Expected Number of Columns: 2 Found: 3: 10,n10,extra`,
    );
  });

  it('[csv-semicolon-ragged-row] a ;-delimited CSV with a ragged row, no delimiter declared: the row fails with file:line, the sniffer still finds ;', async () => {
    const csv = 'id;name\n' + lines(50, (i) => (i === 10 ? `${i};n${i};extra` : `${i};n${i}`));
    const p = project({ 'project.yml': 'name: x\n', 'seeds/people.csv': csv });
    expect(seedError(await p.seed(), 'people')).toContain(
      `${p.path('seeds/people.csv')}:11: Expected Number of Columns: 2 Found: 3: 10;n10;extra`,
    );
    p.write({ 'seeds/people.csv': csv.replace(';extra', '') });
    expect((await p.seed()).success).toBe(true);
    expect(await p.query('select id::int as id, name from people where id = 10')).toEqual([
      { id: 10, name: 'n10' },
    ]);
  });
});

describe('json_records keeps every line', () => {
  let p: Fixture;
  let report: RunReport;
  const longLine = `{"id": 5, "pad": "${'a'.repeat(2_100_000)}"}`;

  beforeAll(async () => {
    const file = Buffer.concat([
      Buffer.from('{"id": 1}\n'),
      Buffer.from('{"id": 2, "name": "Ren'),
      Buffer.from([0xe9]), // Latin-1 'é'
      Buffer.from('e"}\n{"id": 3}\n{"id": 4, "nul": "a\u0000b"}\n'),
      Buffer.from(longLine + '\n'),
      Buffer.from('\n   \n{"id": 8}\n'),
    ]);
    p = eventsProject({ 'exports/messy.ndjson': file });
    report = await p.seed({ vars: { events_path: 'exports/messy.ndjson' } });
  });

  const row = async (n: number) =>
    (
      await p.query(
        `select record_number::int as n, left(raw, 30) as raw, read_error from events where record_number = ${n}`,
      )
    )[0];

  it('[json-records-latin1-line] a Latin-1 byte: the line is kept with its number and read_error invalid_utf8', async () => {
    expect(report.results.map((r) => [r.status, r.rows])).toEqual([['success', 8]]);
    expect(await row(2)).toMatchObject({ n: 2, read_error: 'invalid_utf8' });
    expect((await row(2))!.raw).toMatch(/^\{"id": 2, "name": "Ren/);
    expect(await row(3)).toEqual({ n: 3, raw: '{"id": 3}', read_error: null });
  });

  it('[json-records-nul-line] a NUL byte: the line is kept with read_error nul_byte', async () => {
    expect(await row(4)).toEqual({
      n: 4,
      raw: '{"id": 4, "nul": "a\u0000b"}',
      read_error: 'nul_byte',
    });
  });

  it('[json-records-long-line] a line over 2 MB: kept with read_error line_too_long, and the lines after it keep their numbers', async () => {
    expect(await row(5)).toEqual({
      n: 5,
      raw: '{"id": 5, "pad": "aaaaaaaaaaaa',
      read_error: 'line_too_long',
    });
    expect(await row(8)).toEqual({ n: 8, raw: '{"id": 8}', read_error: null });
  });

  it('[json-records-blank-lines] blank lines are rows of their own (raw empty or spaces), so line numbers and counts add up', async () => {
    expect(
      await p.query(
        "select record_number::int as n, raw from events where trim(raw) = '' order by n",
      ),
    ).toEqual([
      { n: 6, raw: '' },
      { n: 7, raw: '   ' },
    ]);
    expect(
      await p.query(
        'select count(*)::int as n, count(distinct record_number)::int as d, max(record_number)::int as m from events',
      ),
    ).toEqual([{ n: 8, d: 8, m: 8 }]);
  });

  it('[json-records-bare-cr] a bare CR inside a line: the line is kept with its number and read_error bare_carriage_return', async () => {
    const q = eventsProject({
      'exports/cr.ndjson': '{"id": 1}\n{"id": 2}\r{"id": 3}\n{"id": 4}\n',
    });
    const r = await q.seed({ vars: { events_path: 'exports/cr.ndjson' } });
    expect(r.results.map((x) => [x.status, x.rows, x.message])).toEqual([
      ['success', 3, expect.any(String)],
    ]);
    expect(
      await q.query('select record_number::int as n, raw, read_error from events order by n'),
    ).toEqual([
      { n: 1, raw: '{"id": 1}', read_error: null },
      { n: 2, raw: '{"id": 2}\r{"id": 3}', read_error: 'bare_carriage_return' },
      { n: 3, raw: '{"id": 4}', read_error: null },
    ]);
  });
});

describe('a seed file set by a var', () => {
  it('[events-path-directory] a directory: exit 2 with the path and the var that set it, not EISDIR', async () => {
    const p = eventsProject({ 'exports/2024/README': 'not an export\n' });
    const r = await p.cli(['seed', '--vars', '{events_path: exports/2024}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `seed 'events': ${p.path('exports/2024')} (set by var 'events_path') is a directory, not a data file`,
    );
    expect(r.stderr).not.toContain('EISDIR');
  });

  it('[events-path-dev-zero] /dev/zero is refused at once as not a regular file', async () => {
    const p = eventsProject({});
    const r = await p.cli(['seed', '--vars', '{events_path: /dev/zero}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "seed 'events': /dev/zero (set by var 'events_path') is not a regular file",
    );
  });

  it('[seed-error-names-file-read] a load error names the file actually read and the var that chose it, not the default file', async () => {
    const p = eventsProject({ 'exports/broken.ndjson.gz': Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]) });
    const r = await p.seed({ vars: { events_path: 'exports/broken.ndjson.gz' } });
    const message = seedError(r, 'events');
    expect(message).toContain(p.path('exports/broken.ndjson.gz'));
    expect(message).not.toContain('default.ndjson');
    const q = project({
      'project.yml': 'name: x\nvars: {people: data/people.csv}\n',
      'seeds/people.yml': `seeds:\n  - name: people\n    config: {path: "{{ var('people') }}"}\n`,
      'data/people.csv': 'id,name\n1,a\n2,b,c\n',
    });
    const m = seedError(await q.seed(), 'people');
    expect(m).toContain(`${q.path('data/people.csv')}:3: Expected Number of Columns: 2 Found: 3`);
  });
});

describe('one relation, one node', () => {
  it('[model-and-seed-same-name] a model and a seed named alike: exit 2 naming both files', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/products.sql': 'select 1 as id',
      'seeds/products.csv': 'id\n2\n',
    });
    const r = await p.cli(['build', '--threads', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "duplicate name 'products': model models/products.sql and seed seeds/products.csv",
    );
  });

  it("[model-alias-onto-seed] a model whose alias is a seed's relation: exit 2 naming both files", async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/catalog.sql': "{{ config(alias='Products', materialized='table') }}\nselect 1 as id",
      'seeds/products.csv': 'id\n2\n',
    });
    const r = await p.cli(['ls']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'duplicate relation main.products: both model models/catalog.sql and seed seeds/products.csv would build it',
    );
  });
});

describe('the webshop project on messy, empty and fully rejected exports', () => {
  let shop: ProjectCopy;
  let events = '';
  const sql = async (text: string): Promise<Record<string, Json>[]> =>
    (await query(text, { projectDir: shop.dir, vars: { events_path: events } })).rows;
  const record = (id: number, extra = '') =>
    `{"id": ${id}, "type": "page_view", "event": {"customer-id": 7, "timestamp": "2022-05-25T05:4${id % 10}:03", "page": "/p${id}"${extra}}}`;

  beforeAll(() => {
    shop = copyProject({ withCommittedEvents: false });
  });
  afterAll(() => shop.remove());

  const buildOn = async (name: string, content: Buffer | string) => {
    events = name;
    writeFileSync(join(shop.dir, name), content);
    return build({ projectDir: shop.dir, vars: { events_path: name }, fullRefresh: true });
  };
  const failedTests = (r: RunReport) =>
    r.results.filter((x) => x.status === 'fail' || x.status === 'error').map((x) => x.name);

  it('[webshop-unreadable-lines-rejected] Latin-1, NUL and bare-CR lines land in stg_events_rejected with line and reason; blank lines are reconciled', async () => {
    const valid = Array.from({ length: 300 }, (_, i) => record(i + 1));
    const file = Buffer.concat([
      Buffer.from(valid.slice(0, 100).join('\n') + '\n'),
      Buffer.from('{"id": 9001, "page": "caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}\n{"id": 9002, "x": "\u0000"}\n\n'),
      Buffer.from(valid.slice(100, 200).join('\n') + '\n{"id": 9003}\r{"id": 9004}\n'),
      Buffer.from(valid.slice(200).join('\n') + '\n'),
    ]);
    const r = await buildOn('messy.ndjson', file);
    expect(failedTests(r)).toEqual([]);
    expect(
      await sql(
        'select record_number::int as line, rejection_reason from stg_events_rejected order by 1',
      ),
    ).toEqual([
      { line: 101, rejection_reason: 'invalid_utf8' },
      { line: 102, rejection_reason: 'nul_byte' },
      { line: 204, rejection_reason: 'bare_carriage_return' },
    ]);
    // 300 valid lines + 3 unreadable ones + 1 blank line = 304 lines.
    expect(
      await sql(
        'select line_count::int as lines, raw_record_count::int as records, staged_record_count::int as staged, rejected_record_count::int as rejected, blank_line_count::int as blank from stg_events_reconciliation',
      ),
    ).toEqual([{ lines: 304, records: 303, staged: 300, rejected: 3, blank: 1 }]);
  });

  it('[webshop-empty-export] an empty export fails a full build (stg_event_loads) instead of exiting 0 with NULL metrics', async () => {
    const r = await buildOn('empty.ndjson', '');
    expect(r.success).toBe(false);
    expect(failedTests(r)).toEqual(['stg_event_loads']);
    expect(r.results.find((x) => x.name === 'metric_daily_sessions')?.status).toBe('skipped');
  });

  it('[webshop-all-rejected-export] an export whose records are all rejected fails the build (not_empty on stg_events)', async () => {
    const r = await buildOn(
      'junk.ndjson',
      lines(50, (i) => `{"id": ${i}, "type": "nope"}`),
    );
    expect(r.success).toBe(false);
    expect(failedTests(r)).toEqual(['not_empty_stg_events']);
    expect(r.results.find((x) => x.name === 'sessions')?.status).toBe('skipped');
  });

  it('[webshop-mostly-rejected-export] 10 rejected records in 50 (20%, over the 1% default) fail the rejection threshold', async () => {
    const r = await buildOn(
      'half.ndjson',
      lines(50, (i) => (i % 5 === 0 ? `{"id": ${i}, "type": "nope"}` : record(i))),
    );
    expect(r.success).toBe(false);
    expect(failedTests(r)).toEqual(['rejected_share_stg_events_reconciliation']);
  });

  it('[webshop-rejections-under-threshold] 1 rejected record in 300 (0.3%) warns but does not fail; the share is a var', async () => {
    const valid = lines(299, (i) => record(i));
    const r = await buildOn('few.ndjson', valid + '{"id": 300, "type": "nope"}\n');
    expect(r.success).toBe(true);
    expect(r.results.find((x) => x.name === 'expression_is_true_stg_events_rejected')?.status).toBe(
      'warn',
    );
    const strict = await build({
      projectDir: shop.dir,
      vars: { events_path: 'few.ndjson', max_rejected_share: 0.001 },
      select: ['stg_events_reconciliation'],
    });
    expect(failedTests(strict)).toEqual(['rejected_share_stg_events_reconciliation']);
  });
});
