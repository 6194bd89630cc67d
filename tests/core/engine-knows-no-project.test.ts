/**
 * The engine serves any project: nothing under src/ may name a model or seed of the webshop
 * project this repository also holds (its dashboard lives in models/dashboards.yml).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

const filesUnder = (dir: string) =>
  readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));

test('no file under src/ names a model or seed of the webshop project', () => {
  const names = new Set([
    ...filesUnder('models')
      .filter((f) => f.endsWith('.sql'))
      .map((f) => basename(f, '.sql')),
    ...filesUnder('seeds')
      .filter((f) => !/\.ya?ml$/.test(f))
      .map((f) => basename(f).replace(/\..*$/, '')),
  ]);
  // The check itself must see the project: these are names the webshop is known to have.
  expect([...names]).toEqual(
    expect.arrayContaining(['sessions', 'metric_daily_sessions', 'raw_events']),
  );
  const word = new RegExp(`\\b(${[...names].join('|')})\\b`);
  const found = filesUnder('src').flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => {
        const m = word.exec(line);
        return m ? [`${file.slice(ROOT.length + 1)}:${i + 1}: ${m[1]}`] : [];
      }),
  );
  expect(found).toEqual([]);
});
