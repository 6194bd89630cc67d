/**
 * Builds the webshop project on the real 1,152-event sample of the shop's export, committed as
 * tests/fixtures/real-export-sample.json.gz (see tests/fixtures/README.md), into a temp copy of
 * the project: every record is staged, none rejected, the build succeeds.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, query, type RunReport } from '../../src/api.ts';
import { copyProject, ROOT, type ProjectCopy } from './project-copy.ts';

const SAMPLE = resolve(ROOT, 'tests/fixtures/real-export-sample.json.gz');
// The copy has no committed seed file, so every load of the project must point at the sample.
const VARS = { events_path: SAMPLE };

describe('webshop project on the real export sample', () => {
  let project: ProjectCopy;
  let report: RunReport;
  const count = async (sql: string) =>
    Number((await query(sql, { projectDir: project.dir, vars: VARS })).rows[0].n);

  beforeAll(async () => {
    // A missing sample fails here rather than skipping.
    expect(existsSync(SAMPLE), `the real sample is expected at ${SAMPLE}`).toBe(true);
    project = copyProject({ withCommittedEvents: false });
    report = await build({ projectDir: project.dir, vars: VARS, fullRefresh: true });
  });
  afterAll(() => project?.remove());

  it('builds successfully', () => {
    const failed = report.results.filter(
      (r) => r.status === 'error' || r.status === 'fail' || r.status === 'skipped',
    );
    expect(failed.map((r) => `${r.kind} ${r.name}: ${r.message}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('reads all 1,152 records from the sample, not the committed seed', async () => {
    expect(report.results.find((r) => r.kind === 'seed' && r.name === 'raw_events')?.rows).toBe(
      1152,
    );
    expect(await count('select count(*) as n from main.raw_events')).toBe(1152);
  });

  it('stages 1,152 rows and rejects none', async () => {
    expect(await count('select count(*) as n from main.stg_events')).toBe(1152);
    expect(await count('select count(*) as n from main.stg_events_rejected')).toBe(0);
    expect(await count('select count(*) as n from main.stg_events_duplicate_ids')).toBe(0);
  });

  it('sessionizes every logged-in event', async () => {
    const loggedIn = await count(
      'select count(*) as n from main.stg_events where customer_id is not null',
    );
    expect(loggedIn).toBeGreaterThan(0);
    expect(await count('select sum(event_count) as n from main.sessions')).toBe(loggedIn);
  });
});
