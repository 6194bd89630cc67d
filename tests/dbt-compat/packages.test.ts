import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from '../../src/api.ts';
import { copyFixture, removeCopies } from './fixtures.ts';

/**
 * `duckflow deps` with a git package (a repository on disk, reached by a file:// URL taken from
 * env_var as dbt allows), which itself depends on a local package; then dispatch across them.
 */
describe('git and transitive packages', () => {
  let dir: string;
  let repo: string;
  let installed: Map<string, string>;

  beforeAll(async () => {
    dir = copyFixture('uses_git');
    repo = mkdtempSync(join(tmpdir(), 'duckflow-gitpkg-'));
    cpSync(join(dir, '..', 'gitpkg'), repo, { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: repo,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@example.com',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@example.com',
        },
      });
    git('init', '--quiet');
    git('add', '.');
    git('commit', '--quiet', '-m', 'package');
    git('tag', 'v1.0');
    process.env.GITPKG_URL = `file://${repo}`;
    try {
      installed = api.deps({ projectDir: dir });
    } finally {
      delete process.env.GITPKG_URL;
    }
  });
  afterAll(() => {
    removeCopies();
    rmSync(repo, { recursive: true, force: true });
  });

  it('[pkg-git-transitive] clones the git package at its revision and links the local one it depends on', () => {
    expect([...installed.keys()]).toEqual(['gitpkg', 'pkg_utils']);
    expect(lstatSync(join(dir, 'dbt_packages', 'gitpkg')).isDirectory()).toBe(true);
    expect(lstatSync(join(dir, 'dbt_packages', 'gitpkg')).isSymbolicLink()).toBe(false);
    expect(lstatSync(join(dir, 'dbt_packages', 'pkg_utils')).isSymbolicLink()).toBe(true);
  });

  it("[pkg-dispatch-order] dispatch follows the project's search order: its own duckdb__ implementation wins", async () => {
    const report = await api.build({ projectDir: dir });
    expect(report.success).toBe(true);
    const { rows } = await api.query('select greeting, units::varchar as units from greetings', {
      projectDir: dir,
    });
    expect(rows).toEqual([{ greeting: 'hi you', units: '2.50' }]);
  });

  it('[pkg-models-warned] a package whose models and seeds are not built says so once, at its dbt_project.yml', () => {
    const other = copyFixture('uses_git');
    cpSync(join(dir, 'dbt_packages'), join(other, 'dbt_packages'), { recursive: true });
    const pkg = join(other, 'dbt_packages', 'gitpkg');
    mkdirSync(join(pkg, 'models'), { recursive: true });
    writeFileSync(join(pkg, 'models', 'pkg_model.sql'), 'select 1 as x\n');
    const warnings: string[] = [];
    api.list({ projectDir: other, onWarning: (w) => warnings.push(w) });
    expect(warnings.filter((w) => w.includes('not built'))).toEqual([
      "dbt_packages/gitpkg/dbt_project.yml: package 'gitpkg': its 1 model and seed file(s) (models/pkg_model.sql) are not built; duckflow uses a package's macros and generic tests",
    ]);
  });

  it('[pkg-hub-refused] a hub package is refused with what to write instead', () => {
    const other = copyFixture('shop');
    writeFileSync(
      join(other, 'packages.yml'),
      'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n',
    );
    expect(() => api.deps({ projectDir: other })).toThrow(
      /package dbt-labs\/dbt_utils: only local: and git: packages can be installed/,
    );
  });
});
