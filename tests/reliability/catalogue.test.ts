/**
 * docs/reliability.md is the catalogue of what was tried against duckflow; this suite is the
 * proof. Every test in tests/reliability names its case as `[case-id] …`, every case has one
 * row in the document's tables, and the document's count matches, so neither can drift.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SUITE = join(ROOT, 'tests/reliability');
const DOC = readFileSync(join(ROOT, 'docs/reliability.md'), 'utf8');

function suiteCases(): string[] {
  const ids: string[] = [];
  for (const file of readdirSync(SUITE).filter((f) => f.endsWith('.test.ts'))) {
    const source = readFileSync(join(SUITE, file), 'utf8');
    for (const m of source.matchAll(/\bit(?:\.each\([^)]*\))?\(\s*['"`]\[([a-z0-9-]+)\]/g)) {
      ids.push(m[1]!);
    }
  }
  return ids;
}

function documentedCases(): string[] {
  return [...DOC.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]!);
}

describe('docs/reliability.md matches the reliability suite', () => {
  it('every case id is unique in the suite and in the document', () => {
    const suite = suiteCases();
    const doc = documentedCases();
    expect(suite.filter((id, i) => suite.indexOf(id) !== i)).toEqual([]);
    expect(doc.filter((id, i) => doc.indexOf(id) !== i)).toEqual([]);
  });

  it('every tested case is documented, and every documented case is tested', () => {
    expect([...documentedCases()].sort()).toEqual([...suiteCases()].sort());
  });

  it('the stated count is the number of cases', () => {
    const stated = /\*\*(\d+) cases tried, (\d+) held\.\*\*/.exec(DOC);
    expect(stated, 'docs/reliability.md states "**N cases tried, N held.**"').not.toBeNull();
    const n = documentedCases().length;
    expect([Number(stated![1]), Number(stated![2])]).toEqual([n, n]);
  });
});
