// The peer benchmark's agreement checks (scripts/bench/peer/compare.ts) on two real database files.
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareDatabases, testDifferences } from '../../scripts/bench/peer/compare.ts';

const dir = mkdtempSync(join(tmpdir(), 'duckflow-peer-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function database(name: string, statements: string[]): Promise<string> {
  const path = join(dir, name);
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  for (const sql of statements) await conn.run(sql);
  conn.closeSync();
  instance.closeSync();
  return path;
}

describe('peer comparison', () => {
  it('counts rows only in one table with multiplicity, both ways, and catches column changes', async () => {
    const a = await database('a.duckdb', [
      'create table same as select * from (values (1, 2.5), (2, null)) t(id, x)',
      "create table dup as select * from (values (1, 'a'), (1, 'a'), (2, 'b')) t(id, v)",
      'create table cols as select 1 as id, 2 as n',
    ]);
    const b = await database('b.duckdb', [
      'create table same as select * from (values (2, null), (1, 2.5)) t(id, x)',
      "create table dup as select * from (values (1, 'a'), (2, 'b'), (3, 'c'), (3, 'c')) t(id, v)",
      'create table cols as select 1 as id, 2::bigint as n',
    ]);
    const relation = (name: string) => ({
      name,
      schema: 'main',
      alias: name,
      from: 'model' as const,
    });
    const result = await compareDatabases(a, b, ['same', 'dup', 'cols'].map(relation), {
      threads: '1',
    });
    expect(result).toEqual([
      {
        name: 'same',
        duckflowRows: 2,
        peerRows: 2,
        onlyInDuckflow: 0,
        onlyInPeer: 0,
        sameColumns: true,
        identical: true,
      },
      {
        name: 'dup',
        duckflowRows: 3,
        peerRows: 4,
        onlyInDuckflow: 1,
        onlyInPeer: 2,
        sameColumns: true,
        identical: false,
      },
      {
        name: 'cols',
        duckflowRows: 1,
        peerRows: 1,
        onlyInDuckflow: NaN,
        onlyInPeer: NaN,
        sameColumns: false,
        identical: false,
      },
    ]);
  });

  it('reports tests whose status or failing-row count differs, or that one tool did not run', () => {
    const outcomes = (entries: [string, string, number | null][]) =>
      new Map(entries.map(([name, status, failures]) => [name, { status, failures }]));
    expect(
      testDifferences(
        outcomes([
          ['a', 'pass', 0],
          ['b', 'warn', 3],
          ['c', 'fail', 1],
          ['d', 'pass', 0],
        ]),
        outcomes([
          ['a', 'pass', null],
          ['b', 'warn', 4],
          ['c', 'pass', 0],
          ['e', 'pass', 0],
        ]),
      ),
    ).toEqual([
      'b: duckflow warn (3), peer warn (4)',
      'c: duckflow fail (1), peer pass (0)',
      'd: duckflow pass (0), peer not run',
      'e: duckflow not run, peer pass (0)',
    ]);
  });
});
