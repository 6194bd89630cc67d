// The benchmark report's peer table and load flags (scripts/bench/report.ts), on hand-made runs.
import { describe, expect, it } from 'vitest';
import type { PeerRun } from '../../scripts/bench/peer/run.ts';
import {
  loadedSteps,
  peerSection,
  type RunRecord,
  type SizeRecord,
} from '../../scripts/bench/report.ts';

const GIB = 1024 ** 3;

function peerRun(duckflowWall: number, dbtWall: number, extra: Partial<PeerRun> = {}): PeerRun {
  const tool = (wall: number, cpu: number) => ({
    exitCode: 0,
    wallSeconds: wall,
    cpuSeconds: cpu,
    peakRssBytes: GIB,
    otherLoadCores: 0.1,
    models: 16,
    tests: 173,
  });
  return {
    peer: 'dbt',
    versions: { dbtCore: '1.11.16', dbtDuckdb: '1.11.1', duckdb: 'v1.5.5', duckdbSourceId: 'x' },
    duckflow: tool(duckflowWall, 2 * duckflowWall),
    dbt: tool(dbtWall, 2 * dbtWall),
    ratio: dbtWall / duckflowWall,
    relations: [],
    rowsCompared: false,
    rowsIdentical: true,
    testsCompared: 173,
    testDifferences: [],
    testsIdentical: true,
    testsPortedAs: { 'dbt built-in': 124, 'generated generic': 48, singular: 1 },
    unitTestsLeftOut: 15,
    ...extra,
  };
}

function run(n: number, peer: PeerRun, loads: [number, number] = [0.1, 0.1]): RunRecord {
  return {
    run: n,
    build: { otherLoadCores: loads[0] },
    floors: { otherLoadCores: loads[1] },
    peer,
  } as unknown as RunRecord;
}

describe('benchmark report', () => {
  it('shows each size with medians, ranges, the ratio and whether rows and tests agreed', () => {
    const identical = {
      name: 'sessions',
      duckflowRows: 5,
      peerRows: 5,
      onlyInDuckflow: 0,
      onlyInPeer: 0,
      sameColumns: true,
      identical: true,
    };
    const size = {
      label: '1M',
      runs: [
        run(1, peerRun(10, 30, { relations: [identical], rowsCompared: true })),
        run(2, peerRun(12, 24)),
        run(3, peerRun(8, 20)),
      ],
    } as unknown as SizeRecord;
    const text = peerSection([size]);
    // duckflow 8, 10, 12 -> median 10; dbt 20, 24, 30 -> 24; ratios 3, 2, 2.5 -> 2.5.
    expect(text).toContain(
      '| 1M | 3 | 10.00 (8.00 – 12.00) | 24.00 (20.00 – 30.00) | **2.50×** | yes (1 of 3 runs) | yes |',
    );
    expect(text).toContain(
      '| 1M | 20.0 | 48.0 | 1.00 GiB | 1.00 GiB | 16 / 16 | 173 / 173 | 0.10 / 0.10 |',
    );
    expect(text).toContain('124 dbt built-in, 48 generated generic, 1 singular');
  });

  it('lists the tables and tests that differ', () => {
    const differing = {
      name: 'sessions',
      duckflowRows: 5,
      peerRows: 6,
      onlyInDuckflow: 1,
      onlyInPeer: 2,
      sameColumns: true,
      identical: false,
    };
    const size = {
      label: '1M',
      runs: [
        run(
          1,
          peerRun(10, 30, {
            relations: [differing],
            rowsCompared: true,
            rowsIdentical: false,
            testDifferences: ['unique_x: duckflow pass (0), peer fail (2)'],
            testsIdentical: false,
          }),
        ),
      ],
    } as unknown as SizeRecord;
    const text = peerSection([size]);
    expect(text).toContain('| **3.00×** | **no** | **no** |');
    expect(text).toContain(
      "- 1M run 1: `sessions` differs: 1 row only in duckflow's table, 2 only in dbt's (5 / 6 rows)",
    );
    expect(text).toContain('- 1M run 1: test unique_x: duckflow pass (0), peer fail (2)');
  });

  it('flags the measurements of a run taken under more than 0.2 cores of outside load', () => {
    const r = run(1, peerRun(10, 20, {}), [0.21, 0.2]);
    r.peer!.dbt.otherLoadCores = 1.5;
    expect(loadedSteps(r)).toEqual(['build 0.21', 'peer dbt 1.50']);
    expect(loadedSteps(run(2, peerRun(10, 20)))).toEqual([]);
  });
});
