/**
 * A build running while the API serves is never blocked, and the API never sees a half-built
 * database: it reads the snapshot the last successful build published, and moves to the next
 * one between requests. Here a rebuild with a different session gap runs in another process
 * while requests keep coming; every answer is the old figure or the new one.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, serve, type ApiServer } from '../../src/api.ts';
import { copySiteVisits, type ExampleCopy } from '../examples/site-visits-copy.ts';
import { runCli } from '../helpers/fixture.ts';
import { get } from './http.ts';

describe('requests during a build', () => {
  let example: ExampleCopy;
  let server: ApiServer;
  const sessionsOnS5 = async () => {
    const r = await get(server.url, '/api/queries/site_sessions?site=www.s_5.com');
    expect(r.status).toBe(200);
    return {
      sessions: r.json.rows![0].num_sessions as number,
      snapshot: (r.json.snapshot as { id: string }).id,
    };
  };

  beforeAll(async () => {
    example = copySiteVisits();
    expect((await build({ projectDir: example.dir })).success).toBe(true);
    server = await serve({ projectDir: example.dir, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    example?.remove();
  });

  it('all succeed, with either the old or the new answers, and the new ones follow the build', async () => {
    const before = await sessionsOnS5();
    expect(before.sessions).toBe(3623);
    let done = false;
    const rebuild = runCli([
      'build',
      '--project-dir',
      example.dir,
      '--vars',
      '{session_gap_minutes: 60}',
    ]).finally(() => (done = true));
    const seen: { sessions: number; snapshot: string }[] = [];
    // Two clients at a time, for as long as the build runs.
    await Promise.all(
      [0, 1].map(async () => {
        while (!done) seen.push(await sessionsOnS5());
      }),
    );
    const result = await rebuild;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('published snapshot');
    const after = await sessionsOnS5();
    // A longer gap merges sessions: fewer of them.
    expect(after.sessions).toBeLessThan(3623);
    expect(after.snapshot).not.toBe(before.snapshot);
    expect(seen.length).toBeGreaterThan(5);
    for (const s of seen) expect([before, after]).toContainEqual(s);
  });

  it('a failed build publishes nothing: the API keeps serving the last good one', async () => {
    const before = await sessionsOnS5();
    const sql = join(example.dir, 'models', 'answers', 'num_sessions.sql');
    writeFileSync(sql, 'select site_url, count(*) as num_sessions from no_such_table group by 1');
    const result = await runCli(['build', '--project-dir', example.dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('published snapshot');
    expect(await sessionsOnS5()).toEqual(before);
  });
});
