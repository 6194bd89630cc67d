/**
 * The newcomer's path: a fresh clone that stands alone, `clean` that deletes only duckflow's own
 * target folder, and numeric options that say what they expect. Each test is one row of
 * docs/reliability.md ("The newcomer's path").
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { project, removeFixtures, runCli, writeFiles, type Fixture } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('a fresh clone stands alone', () => {
  it('[repo-reads-no-shared-folder] no file of the repository reads the sibling shared/ folder a user’s clone does not have', () => {
    // Spelled in two pieces so that this file does not match itself.
    const needle = ['..', 'shared'].join('/');
    // The repository's own files: not node_modules or local caches (.bench-cache/, .trino/).
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f && !f.endsWith('.gz'));
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.filter((f) => readFileSync(join(ROOT, f), 'utf8').includes(needle));
    expect(offenders).toEqual([]);
  });

  it('[real-sample-committed] the real 1,152-event export sample is in the repository, with its origin documented', async () => {
    const sample = join(ROOT, 'tests/fixtures/real-export-sample.json.gz');
    const db = await DuckDBInstance.create(':memory:');
    const reader = await (
      await db.connect()
    ).runAndReadAll(
      `select count(*)::int as n, count(distinct type)::int as types from read_json('${sample}')`,
    );
    expect(reader.getRowObjectsJson()).toEqual([{ n: 1152, types: 9 }]);
    db.closeSync();
    expect(readFileSync(join(ROOT, 'tests/fixtures/README.md'), 'utf8')).toContain(
      'real-export-sample.json.gz',
    );
    expect(readFileSync(join(ROOT, 'tests/webshop/real-sample.test.ts'), 'utf8')).toContain(
      'tests/fixtures/real-export-sample.json.gz',
    );
  });
});

describe('clean deletes only a duckflow target', () => {
  const model = { 'models/m.sql': 'select 1 as id\n' };
  /** A project in a folder of its own inside a parent folder that also holds `sentinel.txt`. */
  function nested(projectYml: string) {
    const parent = project({ 'sentinel.txt': 'keep me\n' }).dir;
    const dir = join(parent, 'proj');
    writeFiles(dir, { 'project.yml': projectYml, ...model });
    return { parent, dir, cli: (args: string[]) => runCli([...args, '--project-dir', dir]) };
  }

  it('[clean-target-path-empty] target-path: "" (the project folder) is refused with exit 2 by clean and every other command; nothing is deleted', async () => {
    const p = project({ 'project.yml': 'name: x\ntarget-path: ""\n', ...model });
    for (const command of [['clean'], ['build'], ['ls']]) {
      const r = await p.cli(command);
      expect(r.code, command[0]).toBe(2);
      expect(r.stderr).toContain(
        "error: project.yml:2:14: target-path '' is the project folder itself",
      );
    }
    expect(p.exists('project.yml') && p.exists('models/m.sql')).toBe(true);
  });

  it('[clean-target-path-parent] target-path: ".." (a parent of the project) is refused with exit 2; the parent keeps its files', async () => {
    const { parent, dir, cli } = nested('name: x\ntarget-path: ..\n');
    const r = await cli(['clean']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("target-path '..' is a parent of the project folder");
    expect(existsSync(join(parent, 'sentinel.txt'))).toBe(true);
    expect(existsSync(join(dir, 'project.yml'))).toBe(true);
  });

  it('[clean-target-path-sibling] a relative target-path outside the project (../victim) is refused by clean with exit 2, even once duckflow has built there', async () => {
    const { parent, cli } = nested('name: x\ntarget-path: ../victim\n');
    expect((await cli(['build'])).code).toBe(0);
    expect(existsSync(join(parent, 'victim/manifest.json'))).toBe(true);
    for (const flags of [[], ['--allow-outside-project']]) {
      const r = await cli(['clean', ...flags]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        "error: target-path '../victim' is outside the project folder: clean deletes a target outside the project only when target-path is absolute and --allow-outside-project is given",
      );
    }
    expect(existsSync(join(parent, 'victim/manifest.json'))).toBe(true);
  });

  it('[clean-target-absolute-outside] an absolute target-path outside the project is deleted only with --allow-outside-project', async () => {
    const outside = join(mkdtempSync(join(tmpdir(), 'duckflow-outside-')), 'build');
    const p = project({ 'project.yml': `name: x\ntarget-path: ${outside}\n`, ...model });
    expect((await p.cli(['build'])).code).toBe(0);
    const refused = await p.cli(['clean']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--allow-outside-project');
    expect(existsSync(join(outside, 'manifest.json'))).toBe(true);
    const r = await p.cli(['clean', '--allow-outside-project']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`removed ${outside}\n`);
    expect(existsSync(outside)).toBe(false);
  });

  it('[clean-target-without-marker] a target folder duckflow did not create (no .duckflow-target marker) is not deleted', async () => {
    const p = project({ 'project.yml': 'name: x\n', 'target/notes.txt': 'mine\n', ...model });
    const r = await p.cli(['clean']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `error: ${p.path('target')} does not look like a duckflow target (it has no .duckflow-target file): not deleting it`,
    );
    expect(p.read('target/notes.txt')).toBe('mine\n');
  });

  it('[clean-target-symlink-outside] a target/ that is a symlink to a folder outside the project is refused, and that folder kept', async () => {
    const elsewhere = project({ '.duckflow-target': '', 'data.txt': 'keep\n' });
    const p = project({ 'project.yml': 'name: x\n', ...model });
    symlinkSync(elsewhere.dir, p.path('target'));
    const r = await p.cli(['clean']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is outside the project folder');
    expect(elsewhere.read('data.txt')).toBe('keep\n');
  });

  it('[clean-removes-duckflow-target] clean removes the target folder a build made, and nothing else', async () => {
    const p = project({ 'project.yml': 'name: x\n', ...model });
    expect((await p.cli(['build'])).code).toBe(0);
    expect(p.exists('target/.duckflow-target')).toBe(true);
    const r = await p.cli(['clean']);
    expect(r).toMatchObject({ code: 0, stdout: `removed ${p.path('target')}\n` });
    expect(p.exists('target')).toBe(false);
    expect(p.exists('project.yml') && p.exists('models/m.sql')).toBe(true);
  });
});

describe('numeric options', () => {
  let p: Fixture;
  const fixture = () =>
    (p ??= project({ 'project.yml': 'name: x\n', 'models/m.sql': 'select 1 as id\n' }));

  it('[show-limit-not-a-number] show --limit abc exits 2 saying what --limit expects', async () => {
    for (const bad of ['abc', '-1', '2.5']) {
      const r = await fixture().cli(['show', 'm', '--limit', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain(
        `error: option '--limit <n>' argument '${bad}' is invalid. --limit must be a whole number, 0 or more`,
      );
    }
  });

  it('[threads-not-a-number] --threads two exits 2 saying what --threads expects', async () => {
    for (const bad of ['two', '0']) {
      const r = await fixture().cli(['build', '--threads', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain(
        `error: option '--threads <n>' argument '${bad}' is invalid. --threads must be a whole number, 1 or more`,
      );
    }
  });

  it('[port-not-a-number] docs serve --port http exits 2 before serving anything', async () => {
    const r = await fixture().cli(['docs', 'serve', '--port', 'http']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "error: option '--port <n>' argument 'http' is invalid. --port must be a whole number from 0 to 65535",
    );
  });
});
