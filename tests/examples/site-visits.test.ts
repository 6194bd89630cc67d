/**
 * The site-visits example on its committed data (145,967 page views): it builds with every
 * data and unit test passing, and answers the three published questions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../src/adapters/types.ts';
import { build, query, type RunReport } from '../../src/api.ts';
import { copySiteVisits, type ExampleCopy } from './site-visits-copy.ts';

describe('examples/site-visits', () => {
  let example: ExampleCopy;
  let report: RunReport;
  const one = async (sql: string): Promise<Record<string, Json>> =>
    (await query(sql, { projectDir: example.dir })).rows[0];

  beforeAll(async () => {
    example = copySiteVisits();
    report = await build({ projectDir: example.dir });
  });
  afterAll(() => example?.remove());

  it('builds, and every data test and unit test passes', () => {
    expect(report.results.filter((r) => r.status !== 'success' && r.status !== 'pass')).toEqual([]);
    const kinds = new Set(report.results.map((r) => r.kind));
    expect([...kinds].sort()).toEqual(['model', 'test', 'unit_test']);
    expect(report.results.filter((r) => r.kind === 'unit_test').length).toBe(3);
  });

  it('reads every row of the three overlapping files', async () => {
    const r = await one(
      'select count(*)::integer as n, count(distinct visitor_id)::integer as visitors, count(distinct site_url)::integer as sites from main.stg_page_views',
    );
    expect(r).toEqual({ n: 145_967, visitors: 10_000, sites: 10 });
  });

  it('answers the three published questions', async () => {
    expect(
      await one(
        `select num_sessions::integer as n from main.num_sessions where site_url = 'www.s_5.com'`,
      ),
    ).toEqual({ n: 3623 });
    expect(
      await one(
        `select median_session_length as m from main.median_session_length where site_url = 'www.s_3.com'`,
      ),
    ).toEqual({ m: 1392.5 });
    expect(
      await one(
        `select num_unique_visited_sites::integer as n from main.num_unique_visited_sites where visitor_id = 'visitor_1'`,
      ),
    ).toEqual({ n: 3 });
  });
});
