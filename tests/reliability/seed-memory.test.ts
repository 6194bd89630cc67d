/**
 * Memory of the typed json_records load (issue 13): the raw-text recovery of duplicates joins
 * a scan of the whole file against the few wanted hashes. One test per case of
 * docs/reliability.md's "Seed load memory" table.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBAdapter } from '../../src/adapters/duckdb/adapter.ts';

const dir = mkdtempSync(join(tmpdir(), 'duckflow-seed-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface PlanNode {
  name: string;
  extra_info?: { 'Join Type'?: string; Table?: string; Function?: string };
  children: PlanNode[];
}

const find = (node: PlanNode, name: string): PlanNode | undefined =>
  node.name === name ? node : node.children.map((c) => find(c, name)).find(Boolean);

describe('seed load memory', () => {
  it('[raw-recovery-builds-on-hashes] the recovery join builds its hash table on the wanted hashes, not on the file scan', async () => {
    const file = join(dir, 'lines.ndjson');
    writeFileSync(file, Array.from({ length: 2000 }, (_, i) => `{"id": ${i}}`).join('\n') + '\n');
    const db = await DuckDBAdapter.open({
      name: 'dev',
      type: 'duckdb',
      path: join(dir, 't.duckdb'),
      schema: 'main',
      threads: 2,
      settings: {},
      snapshots: 0,
      dir,
    });
    try {
      await db.withConnection(async (conn) => {
        // The wanted table is bigger than DuckDB's estimate of a read_csv scan (a few dozen rows),
        // as it is in any real export with duplicates.
        await conn.run(
          `create temp table wanted as select hash(i) as raw_hash from range(5000) t(i)`,
        );
        const join = async (): Promise<PlanNode> => {
          const r = await conn.query(
            `explain (format json) select hash(raw) as h, min(raw) from read_csv('${file}', columns = {'raw': 'VARCHAR'}, header = false, delim = chr(0), quote = '', escape = '', auto_detect = false) where hash(raw) in (select raw_hash from wanted) group by all`,
          );
          const plan = JSON.parse(String(r.rows[0]!.explain_value)) as PlanNode[];
          return find(plan[0]!, 'HASH_JOIN')!;
        };
        // DuckDB's own choice: the file is the build side (its right child) of a RIGHT_SEMI join.
        const unguarded = await join();
        expect(unguarded.extra_info?.['Join Type']).toBe('RIGHT_SEMI');
        expect(find(unguarded.children[1]!, 'READ_CSV')).toBeDefined();
        const guarded = await db.orderedScans.around(conn, join);
        expect(guarded.extra_info?.['Join Type']).toBe('SEMI');
        expect(find(guarded.children[0]!, 'READ_CSV')).toBeDefined();
        expect(find(guarded.children[1]!, 'SEQ_SCAN')?.extra_info?.Table).toContain('wanted');
        // and the settings are back afterwards
        const after = await conn.query(`select current_setting('disabled_optimizers') as d`);
        expect(after.rows).toEqual([{ d: '' }]);
      });
    } finally {
      await db.close();
    }
  });
});
