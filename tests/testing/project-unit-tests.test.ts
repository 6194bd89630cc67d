/**
 * The webshop project's own unit tests (`unit_tests:` in models/**\/*.yml), run by `npm test`
 * so the models' logic is covered by the repository's test suite. Each one is a vitest test
 * named after it; a failure shows the unit test's row-level diff.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runUnitTests } from '../../src/api.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// The project is written alongside the engine: until its project.yml exists there is nothing to run.
const hasProject = existsSync(join(ROOT, 'project.yml'));
const { results } = hasProject ? await runUnitTests({ projectDir: ROOT }) : { results: [] };

describe.skipIf(!hasProject)('webshop project unit tests', () => {
  if (results.length === 0) it.todo('declare unit tests for the webshop models');
  it.each(results)('$name (model $attachedTo)', (result) => {
    expect(result.status, `${result.file}:${result.line}\n${result.message}`).toBe('pass');
  });
});
