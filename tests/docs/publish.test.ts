/** publishDir: target/docs becomes a link swapped in one rename; old versions do not pile up. */
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { publishDir } from '../../src/docs/publish.ts';

const root = mkdtempSync(join(tmpdir(), 'duckflow-publish-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const site = join(root, 'docs');
const write = (text: string) => (dir: string) => writeFileSync(join(dir, 'index.html'), text);
const entries = () => readdirSync(root).sort();

test('a folder from before is replaced by a link to the new version, and each version replaces the last', () => {
  mkdirSync(site);
  writeFileSync(join(site, 'index.html'), 'old folder');
  publishDir(site, write('one'));
  expect(lstatSync(site).isSymbolicLink()).toBe(true);
  expect(readFileSync(join(site, 'index.html'), 'utf8')).toBe('one');
  expect(entries()).toEqual([expect.stringMatching(/^\.docs-/), 'docs']);

  publishDir(site, write('two'));
  expect(readFileSync(join(site, 'index.html'), 'utf8')).toBe('two');
  expect(entries()).toEqual([expect.stringMatching(/^\.docs-/), 'docs']);
});

test('a version whose writing fails is thrown away and the published one stays', () => {
  const before = entries();
  expect(() =>
    publishDir(site, () => {
      throw new Error('disk full');
    }),
  ).toThrow('disk full');
  expect(readFileSync(join(site, 'index.html'), 'utf8')).toBe('two');
  expect(entries()).toEqual(before);
});
