import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { project, removeFixtures, runCli, type Fixture } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const files = {
  'project.yml': [
    'name: shop',
    'models:',
    '  shop:',
    '    marts:',
    '      materialized: table',
    '      schema: marts',
    '',
  ].join('\n'),
  'seeds/customers.csv': 'id,name,zip\n1,ann,01234\n2,bob,\n3,cy,99999\n',
  'seeds/customers.yml':
    'seeds:\n  - name: customers\n    config: {column_types: {id: integer, name: varchar, zip: varchar}}\n',
  'models/staging/stg_customers.sql':
    "select id, upper(name) as name, zip from {{ ref('customers') }}\n",
  'models/marts/customer_count.sql':
    "select count(*)::int as customers, count(zip)::int as with_zip from {{ ref('stg_customers') }}\n",
  'models/staging/schema.yml':
    'models:\n  - name: stg_customers\n    columns:\n      - name: id\n        data_tests: [not_null, unique]\n',
};

describe('the CLI end to end', () => {
  let p: Fixture;
  beforeAll(() => {
    p = project(files);
  });

  it('seed, run, test, build: exit 0, a line per node', async () => {
    const seeded = await p.cli(['seed']);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/\[1\/1\] OK {4}seed {2}customers \(csv\) 3 rows/);

    const ran = await p.cli(['run']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain("duckflow run on target 'dev': 2 nodes");
    expect(ran.stdout).toMatch(/OK {4}model customer_count \(table\) 1 rows/);

    const tested = await p.cli(['test']);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(/PASS {2}test {2}not_null_stg_customers_id/);
    expect(tested.stdout).toMatch(/PASS {2}test {2}unique_stg_customers_id/);

    const built = await p.cli(['build']);
    expect(built.code).toBe(0);
    expect(built.stdout).toContain("duckflow build on target 'dev': 5 nodes");
    expect(built.stdout).toMatch(/Done in [\d.]+s: 5 ok\n$/);
    expect(built.stderr).toBe('');
  });

  it('show --limit prints an aligned table', async () => {
    const r = await p.cli(['show', 'stg_customers', '--limit', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      ['id | name | zip  ', '---+------+------', ' 1 | ANN  | 01234', ' 2 | BOB  | NULL ', ''].join(
        '\n',
      ),
    );
    // A model in a schema set by folder config.
    const marts = await p.cli(['show', 'customer_count', '--format', 'json']);
    expect(JSON.parse(marts.stdout)).toEqual([{ customers: 3, with_zip: 2 }]);
  });

  it('query prints rows as a table, JSON or CSV', async () => {
    const sql =
      'select id, name, zip from marts.customer_count, stg_customers where id <= 2 order by id';
    expect((await p.cli(['query', sql])).stdout).toBe(
      ['id | name | zip  ', '---+------+------', ' 1 | ANN  | 01234', ' 2 | BOB  | NULL ', ''].join(
        '\n',
      ),
    );
    const json = await p.cli(['query', sql, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual([
      { id: 1, name: 'ANN', zip: '01234' },
      { id: 2, name: 'BOB', zip: null },
    ]);
    const csv = await p.cli([
      'query',
      `select 1 as a, 'x,y' as b, null as c, 'say "hi"' as d`,
      '--format',
      'csv',
    ]);
    expect(csv.stdout).toBe('a,b,c,d\n1,"x,y",,"say ""hi"""\n');
    const bad = await p.cli(['query', 'select * from nowhere']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Table with name nowhere does not exist');
  });

  it('compile writes target/compiled without touching the database; ls --output json', async () => {
    const q = project(files);
    const r = await q.cli(['compile', '--select', 'customer_count']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      q.path('target/compiled/models/marts/customer_count.sql'),
    ]);
    expect(q.read('target/compiled/models/marts/customer_count.sql')).toBe(
      'select count(*)::int as customers, count(zip)::int as with_zip from "main"."stg_customers"\n',
    );
    expect(q.exists('target/shop.duckdb')).toBe(false);
    const ls = await q.cli(['ls', '--output', 'json', '--resource-type', 'model']);
    expect(
      ls.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        unique_id: 'model.shop.stg_customers',
        name: 'stg_customers',
        resource_type: 'model',
        path: 'models/staging/stg_customers.sql',
        tags: [],
        depends_on: ['seed.shop.customers'],
        materialized: 'view',
      },
      {
        unique_id: 'model.shop.customer_count',
        name: 'customer_count',
        resource_type: 'model',
        path: 'models/marts/customer_count.sql',
        tags: [],
        depends_on: ['model.shop.stg_customers'],
        materialized: 'table',
      },
    ]);
  });

  it('exit 1 when an error-severity test fails; build skips what is downstream of the tested model', async () => {
    const q = project({
      ...files,
      'models/staging/schema.yml':
        'models:\n  - name: stg_customers\n    columns:\n      - name: zip\n        data_tests: [not_null]\n',
    });
    const r = await q.cli(['build']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /FAIL {2}test {2}not_null_stg_customers_zip \(not_null\) 1 failing row/,
    );
    expect(r.stdout).toMatch(
      /SKIP {2}model customer_count \(table\) skipped: upstream not_null_stg_customers_zip failed/,
    );
    expect(r.stdout).toMatch(/Failed in [\d.]+s: 2 ok, 1 failed, 1 skipped/);
  });

  it('exit 2 on invalid invocations', async () => {
    const cases: [string[], RegExp][] = [
      [['bogus'], /unknown command 'bogus'/],
      [
        ['show', 'stg_customer'],
        /no model or seed named 'stg_customer' \(did you mean 'stg_customers'\?\)/,
      ],
      [['build', '--threads', 'zero'], /--threads must be a whole number, 1 or more/],
      [['ls', '--output', 'xml'], /argument 'xml' is invalid/],
      [['build', '--log-format', 'yaml'], /argument 'yaml' is invalid/],
    ];
    const results = await Promise.all(cases.map(([args]) => p.cli(args)));
    cases.forEach(([args, message], i) => {
      expect(results[i].code, args.join(' ')).toBe(2);
      expect(results[i].stderr).toMatch(message);
    });
    expect((await runCli([])).code).toBe(2);
  });

  it('clean removes target/, after which query has no database', async () => {
    const q = project(files);
    expect((await q.cli(['build'])).code).toBe(0);
    const r = await q.cli(['clean']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`removed ${q.path('target')}\n`);
    expect(q.exists('target')).toBe(false);
    const after = await q.cli(['query', 'select 1']);
    expect(after.code).toBe(2);
    expect(after.stderr).toContain("run 'duckflow build' first");
  });
});
