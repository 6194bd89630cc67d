/**
 * The webshop project's own unit tests (`unit_tests:` in models/**\/*.yml), run by `npm test`
 * so the models' logic is covered by the repository's test suite. Each one is a vitest test
 * named after it; a failure shows the unit test's row-level diff. A missing project.yml makes
 * runUnitTests throw, so this file fails loudly instead of skipping.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runUnitTests } from '../../src/api.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { results } = await runUnitTests({ projectDir: ROOT });

describe('webshop project unit tests', () => {
  it('declares unit tests for the webshop models', () => {
    expect(results.length).toBeGreaterThan(0);
  });
  it.each(results)('$name (model $attachedTo)', (result) => {
    expect(result.status, `${result.file}:${result.line}\n${result.message}`).toBe('pass');
  });
});
