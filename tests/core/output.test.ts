import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { textPrinter, useColor } from '../../src/cli/printer.ts';
import type { RunEvent } from '../../src/api.ts';
import { project, removeFixtures, type CliResult } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const ESC = '\x1b[';
const files = {
  'project.yml': 'name: x\n',
  'seeds/people.csv': 'id,name\n1,ann\n2,bob\n3,cy\n',
  'models/people_count.sql':
    "{{ config(materialized='table') }}\nselect count(*)::int as n from {{ ref('people') }}\n",
  'models/broken.sql': 'select nope\n',
  'models/after_broken.sql': "select * from {{ ref('broken') }}\n",
};

describe('--log-format json', () => {
  it('emits one JSON event per line: run_started, node_started and node_finished with [k/n], run_finished', async () => {
    const p = project(files);
    const r = await p.cli(['build', '--log-format', 'json']);
    expect(r.code).toBe(1);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RunEvent & { ts: string });
    // Each node that runs starts before it finishes; a skipped node only finishes.
    const startedNames = events.flatMap((e) => (e.type === 'node_started' ? [e.name] : []));
    expect(startedNames.sort()).toEqual(['broken', 'people', 'people_count']);
    expect(events.find((e) => e.type === 'node_started' && e.name === 'people')).toMatchObject({
      id: 'seed.x.people',
      kind: 'seed',
    });
    const finishedAfterStart = (name: string) =>
      events.findIndex((e) => e.type === 'node_started' && e.name === name) <
      events.findIndex((e) => e.type === 'node_finished' && e.result.name === name);
    for (const name of startedNames) expect(finishedAfterStart(name)).toBe(true);
    const nonStart = events.filter((e) => e.type !== 'node_started');
    expect(nonStart).toHaveLength(1 + 4 + 1);
    for (const e of events) expect(e.ts).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(nonStart[0]).toMatchObject({
      type: 'run_started',
      command: 'build',
      target: 'dev',
      total: 4,
    });
    const finished = nonStart.slice(1, -1) as Extract<RunEvent, { type: 'node_finished' }>[];
    expect(finished.map((e) => [e.type, e.index, e.total])).toEqual(
      [1, 2, 3, 4].map((k) => ['node_finished', k, 4]),
    );
    const byName = Object.fromEntries(finished.map((e) => [e.result.name, e.result]));
    expect(byName.people).toMatchObject({
      kind: 'seed',
      status: 'success',
      rows: 3,
      detail: 'csv',
    });
    expect(byName.people_count).toMatchObject({
      kind: 'model',
      status: 'success',
      rows: 1,
      detail: 'table',
    });
    expect(byName.broken).toMatchObject({
      kind: 'model',
      status: 'error',
      file: 'models/broken.sql',
      line: 1,
    });
    expect(byName.after_broken).toMatchObject({
      status: 'skipped',
      message: 'skipped: upstream broken failed',
    });
    expect(events.at(-1)).toMatchObject({
      type: 'run_finished',
      command: 'build',
      success: false,
      counts: { success: 2, error: 1, skipped: 1 },
    });
    expect(r.stdout).not.toContain(ESC);
  });
});

describe('text output', () => {
  it('a line per node with [k/n], status, kind, name, materialization, rows and seconds; then a summary', async () => {
    const p = project({ ...files, 'models/broken.sql': 'select 1 as ok\n' });
    const r = await p.cli(['build']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe("duckflow build on target 'dev': 4 nodes");
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[\d\/4\] OK {4}seed {2}people \(csv\) 3 rows \d+\.\d\ds$/),
    );
    // The running count goes 1..4, whatever order independent nodes finish in.
    expect(lines.slice(1, 5).map((l) => l.slice(0, 5))).toEqual([
      '[1/4]',
      '[2/4]',
      '[3/4]',
      '[4/4]',
    ]);
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[\d\/4\] OK {4}model people_count \(table\) 1 rows \d+\.\d\ds$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[\d\/4\] OK {4}model after_broken \(view\) \d+\.\d\ds$/),
    );
    expect(lines.at(-1)).toMatch(/^Done in \d+\.\d\ds: 4 ok$/);
  });
});

describe('colour', () => {
  const saved = process.env.NO_COLOR;
  afterEach(() => {
    if (saved === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved;
  });

  it('colours a terminal only, and never when NO_COLOR is set to a non-empty value', () => {
    delete process.env.NO_COLOR;
    expect(useColor({ isTTY: true })).toBe(true);
    expect(useColor({ isTTY: false })).toBe(false);
    process.env.NO_COLOR = '1';
    expect(useColor({ isTTY: true })).toBe(false);
    // no-color.org: an empty NO_COLOR does not count.
    process.env.NO_COLOR = '';
    expect(useColor({ isTTY: true })).toBe(true);
  });

  it('the text printer writes escape codes only when asked to colour', () => {
    const event: RunEvent = {
      type: 'run_finished',
      command: 'build',
      seconds: 1,
      success: true,
      counts: { success: 1, error: 0, skipped: 0, pass: 0, fail: 0, warn: 0 },
    };
    const lines: string[] = [];
    textPrinter((l) => lines.push(l), true)(event);
    textPrinter((l) => lines.push(l), false)(event);
    expect(lines).toEqual([`${ESC}32mDone in 1.00s: 1 ok${ESC}0m`, 'Done in 1.00s: 1 ok']);
  });

  // End to end on a real terminal, where the system has `script` (util-linux) to provide one.
  const hasScript = (() => {
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  const inTerminal = (dir: string, env: Record<string, string | undefined>) =>
    new Promise<CliResult>((done) => {
      const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(import.meta.dirname, '../../bin/duckflow.js'))} run --project-dir ${JSON.stringify(dir)}`;
      execFile(
        'script',
        ['-qec', cmd, '/dev/null'],
        { env: { ...process.env, ...env } },
        (error, stdout, stderr) => done({ code: error ? 1 : 0, stdout, stderr }),
      );
    });

  it.skipIf(!hasScript)(
    'on a terminal, the CLI colours its output unless NO_COLOR is set',
    async () => {
      const p = project({ 'project.yml': 'name: x\n', 'models/m.sql': 'select 1 as n\n' });
      const coloured = await inTerminal(p.dir, { NO_COLOR: undefined });
      expect(coloured.stdout).toContain(`${ESC}32mOK`);
      const plain = await inTerminal(p.dir, { NO_COLOR: '1' });
      expect(plain.stdout).toMatch(/OK {4}model m \(view\)/);
      expect(plain.stdout).not.toContain(ESC);
    },
  );
});
