/**
 * Snapshots (dbt's type-2 history tables) on every adapter: the timestamp and check strategies,
 * hard deletes ignored, invalidated or recorded, dbt 1.9 YAML snapshots and legacy blocks,
 * refs to a snapshot, selection and the `snapshot` command. Rows computed by hand.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as api from '../../src/api.ts';
import type { Json } from '../../src/core/results.ts';
import { engines, freshSchema, suiteOptions, type Engine } from '../adapters/engines.ts';
import { project, removeFixtures, errorOf, type Fixture } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const DAY1 =
  'id,status,updated_at\n1,new,2024-01-01 00:00:00\n2,new,2024-01-01 00:00:00\n3,new,2024-01-01 00:00:00\n';
// 1 changed on day 2, 2 unchanged, 3 deleted, 4 new.
const DAY2 =
  'id,status,updated_at\n1,shipped,2024-01-02 00:00:00\n2,new,2024-01-01 00:00:00\n4,new,2024-01-02 00:00:00\n';
// 3 is back.
const DAY3 = `${DAY2}3,back,2024-01-03 00:00:00\n`;

const block = (name: string, config: string) =>
  `{% snapshot ${name} %}\n{{ config(unique_key='id', ${config}) }}\nselect * from {{ ref('raw_orders') }}\n{% endsnapshot %}\n`;

function shop(target: Record<string, unknown>): Fixture {
  return project({
    'project.yml': `name: snaps\ntargets:\n  dev: ${JSON.stringify(target)}\n`,
    'seeds/raw_orders.csv': DAY1,
    'snapshots/orders.sql': [
      block('ts_ignore', "strategy='timestamp', updated_at='updated_at'"),
      block(
        'ts_invalidate',
        "strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate'",
      ),
    ].join('\n'),
    'snapshots/more.sql': block('check_status', "strategy='check', check_cols=['status']"),
    'snapshots/orders.yml': [
      'snapshots:',
      '  - name: ts_new_record',
      "    relation: ref('raw_orders')",
      '    config: {unique_key: id, strategy: timestamp, updated_at: updated_at, hard_deletes: new_record}',
      '',
    ].join('\n'),
    'models/open_orders.sql':
      "select id, status from {{ ref('ts_ignore') }} where dbt_valid_to is null\n",
  });
}

type Row = Record<string, unknown>;
/** Timestamps as text; Trino writes a timestamp(6)'s fraction even when it is zero. */
const whole = (t: Json) => (typeof t === 'string' ? t.replace(/\.0+$/, '') : t);
const history = async (p: Fixture, schema: string, name: string, deleted = false) =>
  (
    await p.query(
      `select cast(id as integer) as id, status, cast(dbt_valid_from as varchar) as valid_from, cast(dbt_valid_to as varchar) as valid_to${deleted ? ', dbt_is_deleted' : ''} from ${schema}.${name} order by id, dbt_valid_from`,
    )
  ).map((r): Record<string, Json> => ({
    ...r,
    valid_from: whole(r.valid_from),
    valid_to: whole(r.valid_to),
  }));
const v = (id: number, status: string, from: string, to: string | null, extra: Row = {}) => ({
  id,
  status,
  valid_from: `2024-01-0${from} 00:00:00`,
  valid_to: to && `2024-01-0${to} 00:00:00`,
  ...extra,
});

for (const engine of engines())
  describe(`snapshots: ${engine.name}`, suiteOptions(engine), () => snapshotCases(engine));

/** The cases, once per engine. */
function snapshotCases(engine: Engine): void {
  if (engine.hive) {
    it('refuses snapshots before the first build: Hive tables cannot update rows', async () => {
      const report = await shop(engine.target(freshSchema())).build();
      const snapshots = report.results.filter((r) => r.kind === 'snapshot');
      expect(snapshots.map((r) => r.status)).toEqual(['error', 'error', 'error', 'error']);
      expect(snapshots[0].message).toMatch(
        /snapshots close versions by updating rows, which this trino target's tables cannot do; .*Iceberg catalog/,
      );
    });
    return;
  }
  it('records changes, new rows and deletes as dbt does', async () => {
    const schema = freshSchema();
    const p = shop(engine.target(schema));
    expect((await p.build()).success).toBe(true);
    expect(await history(p, schema, 'ts_ignore')).toEqual([
      v(1, 'new', '1', null),
      v(2, 'new', '1', null),
      v(3, 'new', '1', null),
    ]);

    p.write({ 'seeds/raw_orders.csv': DAY2 });
    const day2 = await p.build();
    expect(day2.success).toBe(true);
    expect(day2.results.find((r) => r.name === 'ts_ignore')!.message).toContain(
      '2 new versions, 1 closed',
    );
    const changedAndNew = [
      v(1, 'new', '1', '2'),
      v(1, 'shipped', '2', null),
      v(2, 'new', '1', null),
    ];
    expect(await history(p, schema, 'ts_ignore')).toEqual([
      ...changedAndNew,
      v(3, 'new', '1', null),
      v(4, 'new', '2', null),
    ]);
    const invalidated = await history(p, schema, 'ts_invalidate');
    expect(invalidated.map((r) => [r.id, r.status, r.valid_to === null])).toEqual([
      [1, 'new', false],
      [1, 'shipped', true],
      [2, 'new', true],
      [3, 'new', false],
      [4, 'new', true],
    ]);
    // The model reading the snapshot sees its current rows.
    expect(
      await p.query(
        'select cast(id as integer) as id, status from ' + schema + '.open_orders order by id',
      ),
    ).toEqual([
      { id: 1, status: 'shipped' },
      { id: 2, status: 'new' },
      { id: 3, status: 'new' },
      { id: 4, status: 'new' },
    ]);

    // --empty reads no rows: the histories stay as they are, not all invalidated.
    const empty = await p.build({ empty: true, select: ['ts_invalidate'] });
    expect(empty.results[0].message).toContain('left as it was (--empty)');
    expect(await history(p, schema, 'ts_invalidate')).toEqual(invalidated);

    p.write({ 'seeds/raw_orders.csv': DAY3 });
    expect((await p.build()).success).toBe(true);
    const recorded = await history(p, schema, 'ts_new_record', true);
    // 3: its version closed on day 2; a deletion record opened then, at the snapshot's time
    // (today, so it sorts last), and closed when 3 came back on day 3.
    expect(recorded.map((r) => [r.id, r.status, r.valid_to === null, r.dbt_is_deleted])).toEqual(
      [
        [1, 'new', false, 'False'],
        [1, 'shipped', true, 'False'],
        [2, 'new', true, 'False'],
        [3, 'new', false, 'False'],
        [3, 'back', true, 'False'],
        [3, 'new', false, 'True'],
        [4, 'new', true, 'False'],
      ].sort((a, b) => Number(a[0]) - Number(b[0]) || 0),
    );
    expect(recorded.filter((r) => r.id === 3)[1]).toMatchObject({
      status: 'back',
      valid_from: '2024-01-03 00:00:00',
    });
  });

  it('check strategy: a change in a checked column opens a version at snapshot time', async () => {
    const schema = freshSchema();
    const p = shop(engine.target(schema));
    expect((await p.build()).success).toBe(true);
    p.write({ 'seeds/raw_orders.csv': DAY2 });
    expect((await p.build()).success).toBe(true);
    const rows = await history(p, schema, 'check_status');
    expect(rows.map((r) => [r.id, r.status, r.valid_to === null])).toEqual([
      [1, 'new', false],
      [1, 'shipped', true],
      [2, 'new', true],
      [3, 'new', true],
      [4, 'new', true],
    ]);
    // Closed and opened at the same instant: the snapshot's time, not the row's updated_at.
    expect(rows[0].valid_to).toBe(rows[1].valid_from);
    expect(rows[1].valid_from).not.toBe('2024-01-02 00:00:00');
  });
}

describe('snapshots in the graph', () => {
  const target = { type: 'duckdb', path: 'target/db.duckdb' };
  it('are selected by resource_type and name, run by `snapshot` and not by `run`', async () => {
    const p = shop(target);
    expect(p.list({ select: ['resource_type:snapshot'] })).toEqual(
      expect.arrayContaining(['ts_ignore', 'ts_invalidate', 'check_status', 'ts_new_record']),
    );
    expect(p.list({ select: ['resource_type:snapshot'] })).toHaveLength(4);
    expect(p.list({ resourceTypes: ['snapshot'] })).toHaveLength(4);
    expect(p.list({ resourceTypes: ['model'] })).toEqual(['open_orders']);
    expect(p.list({ select: ['+open_orders'] })).toEqual([
      'raw_orders',
      'ts_ignore',
      'open_orders',
    ]);
    await p.seed();
    const one = await api.snapshot({ projectDir: p.dir, select: ['ts_ignore'] });
    expect(one.results.map((r) => [r.kind, r.name, r.status, r.detail])).toEqual([
      ['snapshot', 'ts_ignore', 'success', 'snapshot'],
    ]);
    const run = await p.run();
    expect(run.results.map((r) => [r.name, r.status])).toEqual([['open_orders', 'success']]);
    const manifest = JSON.parse(p.read('target/manifest.json'));
    expect(manifest.nodes['snapshot.snaps.ts_ignore']).toMatchObject({
      kind: 'snapshot',
      materialized: 'snapshot',
      depends_on: ['seed.snaps.raw_orders'],
    });
  });

  it('refuse a snapshot without a strategy, naming the file', async () => {
    const p = project({
      'project.yml': 'name: s\n',
      'models/m.sql': 'select 1 as id\n',
      'snapshots/s.sql':
        "{% snapshot s %}\n{{ config(unique_key='id') }}\nselect * from {{ ref('m') }}\n{% endsnapshot %}\n",
    });
    const e = await errorOf(() => p.list());
    expect(e.message).toContain("snapshots/s.sql: snapshot 's': snapshot config needs 'strategy'");
  });
});
