/**
 * examples/pageviews on DuckDB and PostgreSQL: page views land over time (some late), and each
 * landing is followed by incremental builds of the hour windows its views fall in, run out of
 * order and sometimes again. After every landing the sessions table equals a full refresh of
 * the views landed so far (EXCEPT ALL both ways); a few outcomes are also checked by hand.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, query, type RunOptions } from '../../src/api.ts';
import { engines } from '../adapters/engines.ts';
import { copyExample, type ExampleCopy } from '../examples/site-visits-copy.ts';
import { exceptAll, writeTwoTargets, type TwoTargets } from './two-targets.ts';

/** Views landing together, and the hour windows (of 2020-02-02) a scheduler then runs. */
const LANDINGS: { views: string[]; windows: number[] }[] = [
  {
    // the brief's five rows and a later session of 123: the first build is a full one
    views: [
      '123,2020-02-02 12:55:16,/contact',
      '123,2020-02-02 12:55:18,/home',
      '456,2020-02-02 12:55:18,/product/1',
      '456,2020-02-02 12:55:18,/product/2',
      '789,2020-02-02 12:55:18,/product/4',
      '123,2020-02-02 14:00:00,/cart',
    ],
    windows: [],
  },
  {
    views: [
      // exactly 30 minutes after 12:55:18, and 20 minutes before 14:00: bridges 123's sessions
      '123,2020-02-02 13:25:18,/p',
      '123,2020-02-02 13:40:00,/q',
      // 55 minutes before 456's first session: a session of its own before it
      '456,2020-02-02 12:00:00,/',
      // one microsecond more than 30 minutes after 789's view: a new session
      '789,2020-02-02 13:25:18.000001,/product/5',
    ],
    windows: [13, 12],
  },
  {
    views: ['123,2020-02-02 14:20:00,/checkout', '999,2020-02-02 15:00:00,/'],
    // 13 again: a window run twice changes nothing
    windows: [15, 13, 14],
  },
];

// examples/pageviews is written for DuckDB and PostgreSQL (its SQL and these queries use `::`).
const pageviewEngines = engines().filter((e) => e.type !== 'trino');

describe.each(pageviewEngines)('examples/pageviews, batch by batch: $type', (engine) => {
  let example: ExampleCopy;
  let schemas: TwoTargets;
  const landed: string[] = [];

  beforeAll(() => {
    example = copyExample('pageviews');
    schemas = writeTwoTargets(example.dir, engine, {
      name: 'pageviews',
      'macro-paths': ['../../macros'],
      vars: { session_gap_minutes: 30 },
    });
  });
  afterAll(() => {
    example?.remove();
    schemas?.remove();
  });

  const rows = async (sql: string) =>
    (await query(sql, { projectDir: example.dir, target: 'inc' })).rows;
  const buildOk = async (options: RunOptions) => {
    const report = await build({ projectDir: example.dir, ...options });
    expect(report.results.filter((r) => !['success', 'pass'].includes(r.status))).toEqual([]);
  };
  const onlyIn = (a: string, b: string) =>
    `select '${a}' as only_in, d.* from (${exceptAll('sessions', a, b)}) as d`;

  it('keeps the sessions table equal to a full refresh after every landing', async () => {
    for (const [i, landing] of LANDINGS.entries()) {
      landed.push(...landing.views);
      writeFileSync(
        join(example.dir, 'seeds', 'page_views.csv'),
        `user_id,page_view_at,page\n${landed.join('\n')}\n`,
      );
      if (i === 0) await buildOk({ fullRefresh: true });
      for (const hour of landing.windows)
        await buildOk({
          vars: {
            start_time: `2020-02-02 ${hour}:00:00`,
            end_time: `2020-02-02 ${hour + 1}:00:00`,
          },
        });
      await buildOk({ target: 'full', fullRefresh: true });
      const differing = await rows(
        `${onlyIn(schemas.full, schemas.inc)} union all ${onlyIn(schemas.inc, schemas.full)}`,
      );
      expect(differing, `after landing ${i + 1}`).toEqual([]);
    }
    const sessions = await rows(
      `select user_id::integer as user_id, count(distinct session_id)::integer as sessions, count(*)::integer as views, count(distinct page_view_id)::integer as ids from "${schemas.inc}".sessions group by user_id order by user_id`,
    );
    expect(sessions).toEqual([
      // 12:55:16 to 14:20 bridged into one session
      { user_id: 123, sessions: 1, views: 6, ids: 6 },
      { user_id: 456, sessions: 2, views: 3, ids: 3 },
      { user_id: 789, sessions: 2, views: 2, ids: 2 },
      { user_id: 999, sessions: 1, views: 1, ids: 1 },
    ]);
  });

  it('refuses an incremental build without its window, naming the vars', async () => {
    const report = await build({ projectDir: example.dir });
    const failed = report.results.find((r) => r.name === 'sessions');
    expect(failed?.status).toBe('error');
    expect(failed?.message).toMatch(/needs the batch window.*start_time.*end_time/);
  });
});
