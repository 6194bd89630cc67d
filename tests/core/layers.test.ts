import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/, bottom first: a module may import from its own layer or one below it,
 * never from one above (docs/architecture.md). A new top-level folder must be placed here.
 */
const LAYERS = [
  'core',
  'util',
  'adapters',
  'materializations',
  'templating',
  'project',
  'graph',
  'dashboards',
  'compile',
  'testing',
  'artifacts',
  'runner',
  'docs',
  'serve',
  'api.ts',
  'cli',
];

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

const layerOf = (file: string) => relative(SRC, file).split('/')[0];

/** Every relative import in src/, as [importing file, imported file]. */
function imports(): [string, string][] {
  return sourceFiles(SRC).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map(
      (m): [string, string] => [file, resolve(file, '..', m[1])],
    ),
  );
}

/** Imports that point at a layer above the importing module's. */
const upward = (pairs: [string, string][]) =>
  pairs
    .filter(([, to]) => to.startsWith(SRC))
    .filter(([from, to]) => LAYERS.indexOf(layerOf(to)) > LAYERS.indexOf(layerOf(from)))
    .map(([from, to]) => `${relative(SRC, from)} -> ${relative(SRC, to)}`);

describe('layering of src/', () => {
  it('places every top-level folder and file in a layer', () => {
    const unplaced = [...new Set(sourceFiles(SRC).map(layerOf))].filter((l) => !LAYERS.includes(l));
    expect(unplaced).toEqual([]);
  });

  it('has no import from a layer above the importing module', () => {
    expect(upward(imports())).toEqual([]);
  });

  it('keeps core free of imports from anywhere else in src/', () => {
    const outward = imports()
      .filter(([from, to]) => layerOf(from) === 'core' && to.startsWith(SRC))
      .filter(([, to]) => layerOf(to) !== 'core');
    expect(outward).toEqual([]);
  });

  it('catches an upward import (the check itself works)', () => {
    const pair: [string, string] = [join(SRC, 'graph/dag.ts'), join(SRC, 'testing/run.ts')];
    expect(upward([pair])).toEqual(['graph/dag.ts -> testing/run.ts']);
  });
});
