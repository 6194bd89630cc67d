/**
 * DNS rebinding (issue 9, low): `docs serve` answered any Host header, so a page on another
 * name resolved to 127.0.0.1 could read it. Both servers now answer only their bound
 * address (and localhost on loopback) with their port, through one shared check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, serveDocs } from '../../src/api.ts';
import { PLAIN_PROJECT } from '../docs/shopProject.ts';
import { project, removeFixtures, type Fixture } from '../helpers/fixture.ts';
import { get } from '../serve/http.ts';

describe('servers refuse a Host header that is not theirs', () => {
  let p: Fixture;
  beforeAll(async () => {
    p = project({
      ...PLAIN_PROJECT,
      'models/api.yml': `version: 2
queries:
  - name: everything
    sql: select 1 as one
`,
    });
    expect((await p.build()).success).toBe(true);
    expect((await p.cli(['docs', 'generate'])).code).toBe(0);
  });
  afterAll(removeFixtures);

  const refusesOtherHosts = async (url: string, path: string) => {
    const port = new URL(url).port;
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1.evil.example:${port}`,
      `127.0.0.1:${Number(port) + 1}`,
    ]) {
      const r = await get(url, path, host);
      expect({ host, status: r.status }).toEqual({ host, status: 421 });
      expect(r.body).toContain('DNS rebinding');
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`])
      expect({ host, status: (await get(url, path, host)).status }).toEqual({ host, status: 200 });
  };

  it('[docs-serve-host-header] docs serve answers 421 to any Host but 127.0.0.1:<port> and localhost:<port>', async () => {
    const server = await serveDocs({ projectDir: p.dir, port: 0 });
    try {
      await refusesOtherHosts(server.url, '/index.html');
    } finally {
      await server.close();
    }
  });

  it('[api-serve-host-header] serve answers 421 to any Host but 127.0.0.1:<port> and localhost:<port>', async () => {
    const server = await serve({ projectDir: p.dir, port: 0 });
    try {
      await refusesOtherHosts(server.url, '/api/queries/everything');
      await refusesOtherHosts(server.url, '/index.html');
    } finally {
      await server.close();
    }
  });
});
