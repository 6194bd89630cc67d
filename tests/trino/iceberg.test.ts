/**
 * What the catalog's connector changes: an Iceberg catalog is detected when the adapter opens
 * and its tables are replaced, deleted from and merged into in place, where Hive's are rebuilt
 * and renamed. Iceberg keeps every change of a table as a snapshot (`"t$snapshots"`), which
 * tells the native path from a rewrite: a rewritten table starts a new history.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { adapterPlugin } from '../../src/adapters/registry.ts';
import { generateDocs } from '../../src/api.ts';
import type { DocsData } from '../../src/docs/nodes.ts';
import { loadProject } from '../../src/project/loader.ts';
import { project, removeFixtures, type Fixture } from '../helpers/fixture.ts';
import { dropTrinoSchemas, TRINO_CATALOGS, trinoTarget } from './server.ts';

const SCHEMA = `trino_iceberg_${process.pid}`;

describe.skipIf(!TRINO_CATALOGS.includes('iceberg'))('Trino with an Iceberg catalog', () => {
  let p: Fixture;
  let second: Awaited<ReturnType<Fixture['build']>>;
  const rows = (sql: string) => p.query(sql);

  beforeAll(async () => {
    const model = (config: string, select: string) => `{{ config(${config}) }}\n${select}\n`;
    const batch = "select id, '{{ var('v') }}' as v from (values 1, 2) as t(id)";
    p = project({
      'project.yml': stringify({
        name: 'trino_iceberg',
        target: 'lake',
        targets: { lake: trinoTarget(SCHEMA, 'iceberg'), hive: trinoTarget(SCHEMA, 'hive') },
      }),
      'models/t.sql': model("materialized='table'", batch),
      'models/di.sql': model(
        "materialized='incremental', unique_key='id', incremental_strategy='delete+insert'",
        batch,
      ),
      'models/mg.sql': model(
        "materialized='incremental', unique_key='id', incremental_strategy='merge'",
        "select id + {{ var('shift') }} as id, '{{ var('v') }}' as v from (values 1, 2) as t(id)",
      ),
    });
    expect((await p.build({ vars: { v: 'a', shift: 0 } })).success).toBe(true);
    second = await p.build({ vars: { v: 'b', shift: 1 } });
  }, 120_000);

  afterAll(async () => {
    await dropTrinoSchemas([SCHEMA], 'iceberg');
    removeFixtures();
  });

  it("reads the catalog's connector when it opens: Iceberg's tables replace, delete and merge", async () => {
    const capabilities = async (target: string) => {
      const project = loadProject({ projectDir: p.dir, target });
      const adapter = await adapterPlugin('trino').open(project.target);
      const { createOrReplaceTable, rowLevelDelete, merge, retypeColumns, concurrentDeletes } =
        adapter.dialect.capabilities;
      await adapter.close();
      return { createOrReplaceTable, rowLevelDelete, merge, retypeColumns, concurrentDeletes };
    };
    expect(await capabilities('lake')).toEqual({
      createOrReplaceTable: true,
      rowLevelDelete: true,
      merge: true,
      retypeColumns: true,
      concurrentDeletes: false,
    });
    expect(await capabilities('hive')).toEqual({
      createOrReplaceTable: false,
      rowLevelDelete: false,
      merge: false,
      retypeColumns: false,
      concurrentDeletes: true,
    });
  });

  it('replaces a table in place (create or replace): one history, a snapshot per build', async () => {
    expect(await rows(`select id, v from "${SCHEMA}"."t" order by id`)).toEqual([
      { id: 1, v: 'b' },
      { id: 2, v: 'b' },
    ]);
    expect(await rows(snapshots('t'))).toEqual([{ operation: 'append' }, { operation: 'append' }]);
  });

  /** What the second build did to a model: its reported changes, its rows, its history. */
  const after = async (name: string) => ({
    changes: second.results.find((r) => r.name === name)!.changes,
    rows: await rows(`select id, v from "${SCHEMA}"."${name}" order by id`),
    operations: (await rows(snapshots(name))).map((r) => r.operation),
  });

  it('delete+insert deletes the batch keys from the table and inserts the batch into it', async () => {
    expect(await after('di')).toEqual({
      changes: { inserted: 2, updated: 0, deleted: 2 },
      rows: [
        { id: 1, v: 'b' },
        { id: 2, v: 'b' },
      ],
      operations: ['append', 'delete', 'append'],
    });
  });

  it('merge updates the matched key and inserts the new one in one statement', async () => {
    // Second batch: ids 2 and 3; id 2 matched and updated, id 3 inserted, id 1 untouched.
    expect(await after('mg')).toEqual({
      changes: { inserted: 1, updated: 1, deleted: 0 },
      rows: [
        { id: 1, v: 'a' },
        { id: 2, v: 'b' },
        { id: 3, v: 'b' },
      ],
      operations: ['append', 'overwrite'],
    });
  });

  it('generates docs with the column types read from the catalog', async () => {
    const docs = await generateDocs({ projectDir: p.dir, vars: { v: 'b', shift: 1 } });
    expect(docs.notes).toEqual([]);
    const data = JSON.parse(readFileSync(join(docs.dir, 'data/docs.json'), 'utf8')) as DocsData;
    const mg = data.nodes.find((n) => n.name === 'mg')!;
    expect(mg.columns.map((c) => [c.name, c.type, c.in_database])).toEqual([
      ['id', 'integer', true],
      // Iceberg strings have no length: varchar(1) is stored as varchar.
      ['v', 'varchar', true],
    ]);
    expect(data.project.built).toBe(true);
  });

  it('leaves no table beside the models (no renamed copies, no batch tables)', async () => {
    const tables = await rows(
      `select table_name from information_schema.tables where table_schema = '${SCHEMA}' order by 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(['di', 'mg', 't']);
  });
});

const snapshots = (table: string) =>
  `select operation from "${SCHEMA}"."${table}$snapshots" order by committed_at`;
