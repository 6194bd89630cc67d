import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DBT_PROJECT_KEYS } from '../../src/project/dbt/project.ts';

const REPO = resolve(import.meta.dirname, '../..');
const STATUSES = ['supported', 'warned', 'not supported'];

interface Row {
  section: string;
  feature: string;
  status: string;
  checkedBy: string[];
}

/** The feature tables of docs/dbt-compatibility.md: rows of `| Feature | Status | Notes | Checked by |`. */
function rows(): Row[] {
  let section = '';
  const out: Row[] = [];
  for (const line of readFileSync(join(REPO, 'docs/dbt-compatibility.md'), 'utf8').split('\n')) {
    if (line.startsWith('### ')) section = line.slice(4).trim();
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (!section || cells.length !== 4 || cells[0] === 'Feature' || /^-+$/.test(cells[0])) continue;
    const checkedBy = cells[3] === '—' ? [] : cells[3].split(',').map((s) => s.trim());
    out.push({ section, feature: cells[0], status: cells[1], checkedBy });
  }
  return out;
}

/** Ids of tests titled `[id] …` anywhere under tests/. */
function testIds(dir = join(REPO, 'tests')): Set<string> {
  const ids = new Set<string>();
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) testIds(path).forEach((id) => ids.add(id));
    else if (e.name.endsWith('.test.ts'))
      for (const m of readFileSync(path, 'utf8').matchAll(/\bit\(\s*['"`]\[([a-z0-9-]+)\]/g))
        ids.add(m[1]);
  }
  return ids;
}

describe('docs/dbt-compatibility.md', () => {
  const table = rows();

  it('[compat-table] has a status and existing test ids on every row', () => {
    expect(table.length).toBeGreaterThan(50);
    const ids = testIds();
    for (const row of table) {
      expect(STATUSES, `${row.section}: ${row.feature}`).toContain(row.status);
      for (const id of row.checkedBy)
        expect(ids.has(id), `${row.feature}: test [${id}]`).toBe(true);
    }
  });

  it('[compat-project-keys] lists every dbt_project.yml key with the status the loader gives it', () => {
    const keys = table.filter((r) => r.section.startsWith('Project file keys'));
    expect(keys.map((r) => r.feature.replace(/`/g, '')).sort()).toEqual(
      Object.keys(DBT_PROJECT_KEYS).sort(),
    );
    for (const row of keys) {
      const handler = DBT_PROJECT_KEYS[row.feature.replace(/`/g, '')];
      const warns =
        (typeof handler === 'object' && 'warn' in handler) ||
        ['analysis-paths'].includes(row.feature.replace(/`/g, ''));
      expect(row.status, row.feature).toBe(warns ? 'warned' : 'supported');
      expect(row.checkedBy, row.feature).toContain('project-keys');
    }
  });
});
