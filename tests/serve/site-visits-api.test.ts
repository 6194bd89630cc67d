/**
 * `duckflow serve` over the site-visits example built on its committed data: the published
 * figures through the API, the OpenAPI document, the docs site on the same port, errors as
 * JSON with what was expected, and injection attempts in every parameter refused with 400
 * while the data stays as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, generateDocs, serve, type ApiServer } from '../../src/api.ts';
import { copySiteVisits, type ExampleCopy } from '../examples/site-visits-copy.ts';
import { get } from './http.ts';

describe('duckflow serve on examples/site-visits', () => {
  let example: ExampleCopy;
  let server: ApiServer;
  const api = (path: string) => get(server.url, path);

  beforeAll(async () => {
    example = copySiteVisits();
    const report = await build({ projectDir: example.dir });
    expect(report.success).toBe(true);
    await generateDocs({ projectDir: example.dir });
    server = await serve({ projectDir: example.dir, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    example?.remove();
  });

  it('answers the three published questions through models and named queries', async () => {
    const s5 = await api('/api/models/num_sessions?site_url=www.s_5.com');
    expect(s5.status).toBe(200);
    expect(s5.json.rows).toEqual([{ site_url: 'www.s_5.com', num_sessions: 3623 }]);
    const s3 = await api('/api/models/median_session_length?site_url=www.s_3.com');
    expect(s3.json.rows).toEqual([{ site_url: 'www.s_3.com', median_session_length: 1392.5 }]);
    const v1 = await api('/api/queries/visitor_sites?visitor=visitor_1');
    expect(v1.json.rows).toEqual([{ visitor_id: 'visitor_1', num_unique_visited_sites: 3 }]);

    const site = await api('/api/queries/site_sessions?site=www.s_5.com');
    expect(site.status).toBe(200);
    expect(site.json.params).toEqual({ site: 'www.s_5.com' });
    expect(site.json.rows).toEqual([
      expect.objectContaining({ site_url: 'www.s_5.com', num_sessions: 3623 }),
    ]);
    const s3q = await api('/api/queries/site_sessions?site=www.s_3.com');
    expect(s3q.json.rows).toEqual([
      expect.objectContaining({ site_url: 'www.s_3.com', median_session_length: 1392.5 }),
    ]);
  });

  it('pages with limit and offset, and filters only on declared columns', async () => {
    const first = await api('/api/models/num_sessions?limit=4');
    expect(first.json.rows).toHaveLength(4);
    expect(first.json.next_offset).toBe(4);
    const rest = await api('/api/models/num_sessions?limit=100&offset=4');
    expect(rest.json.rows).toHaveLength(6);
    expect(rest.json.next_offset).toBeNull();
    const sites = [...first.json.rows!, ...rest.json.rows!].map((r) => r.site_url);
    expect(new Set(sites).size).toBe(10);
    // Typed filter: an integer column takes an integer.
    const exact = await api('/api/models/num_sessions?num_sessions=3623');
    expect(exact.json.rows).toEqual([{ site_url: 'www.s_5.com', num_sessions: 3623 }]);
    // A named query's optional parameter with a default, and a bigint one.
    const long = await api('/api/queries/long_sessions?site=www.s_3.com&min_seconds=2900&limit=3');
    expect(long.status).toBe(200);
    expect(long.json.rows).toHaveLength(3);
    // Longest first: www.s_3.com's longest session is 2,994 s.
    expect(long.json.rows![0].session_length_seconds).toBe(2994);
    for (const r of long.json.rows!)
      expect(Number(r.session_length_seconds)).toBeGreaterThanOrEqual(2900);
  });

  it('errors are JSON with a status: 404 with "did you mean", 400 with what was expected', async () => {
    const model = await api('/api/models/num_sesions');
    expect(model.status).toBe(404);
    expect(model.json.message).toContain(
      "no model named 'num_sesions' (did you mean 'num_sessions'?)",
    );
    const query = await api('/api/queries/site_sesions?site=www.s_5.com');
    expect(query.status).toBe(404);
    expect(query.json.message).toContain("(did you mean 'site_sessions'?)");
    const column = await api('/api/models/num_sessions?sit_url=www.s_5.com');
    expect(column.status).toBe(400);
    expect(column.json).toMatchObject({ error: 'unknown_parameter', parameter: 'sit_url' });
    expect(column.json.message).toContain("(did you mean 'site_url'?)");
    const missing = await api('/api/queries/site_sessions');
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ error: 'missing_parameter', parameter: 'site' });
    const limit = await api('/api/models/num_sessions?limit=0');
    expect(limit.json).toMatchObject({
      status: 400,
      parameter: 'limit',
      expected: 'a whole number from 1 to 10000',
    });
    expect((await api('/api/nothing')).status).toBe(404);
  });

  it('serves an OpenAPI document of every model and query with its parameters', async () => {
    const doc = (await api('/api/openapi.json')).json as {
      openapi: string;
      paths: Record<
        string,
        { get: { parameters: { name: string; required: boolean; schema: { pattern?: string } }[] } }
      >;
    };
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/models/num_sessions',
        '/api/models/median_session_length',
        '/api/models/num_unique_visited_sites',
        '/api/queries/site_sessions',
        '/api/queries/visitor_sites',
      ]),
    );
    const site = doc.paths['/api/queries/site_sessions'].get.parameters.find(
      (p) => p.name === 'site',
    );
    expect(site).toMatchObject({ required: true, schema: { pattern: '^[a-z0-9][a-z0-9._-]*$' } });
    const filters = doc.paths['/api/models/num_sessions'].get.parameters.map((p) => p.name);
    expect(filters.sort()).toEqual(['limit', 'num_sessions', 'offset', 'site_url']);
  });

  it('serves the docs site from the same port', async () => {
    const index = await api('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('site_visits');
  });

  it.each([
    ["' or 1=1 --", "'%20or%201%3D1%20--"],
    [';drop table', '%3Bdrop%20table%20num_sessions'],
    ['unicode lookalike quote', '%CA%BC%20or%201%3D1'],
    ['NUL byte', 'www.s_5.com%00'],
    ['malformed escape', '%E0%A4%A'],
    ['huge value', 'w'.repeat(5000)],
  ])('refuses %s in every parameter with 400, and changes nothing', async (_, payload) => {
    const attempts = [
      `/api/queries/site_sessions?site=${payload}`,
      `/api/queries/visitor_sites?visitor=${payload}`,
      `/api/queries/long_sessions?site=www.s_3.com&min_seconds=${payload}`,
      `/api/queries/site_sessions?site=www.s_5.com&limit=${payload}`,
      `/api/queries/site_sessions?site=www.s_5.com&offset=${payload}`,
      `/api/models/num_sessions?num_sessions=${payload}`,
      `/api/models/num_sessions?limit=${payload}`,
      `/api/models/num_sessions?offset=${payload}`,
      `/api/models/num_sessions?${payload}=1`,
      `/api/queries/site_sessions?site=www.s_5.com&${payload}=1`,
    ];
    for (const path of attempts) {
      const r = await api(path);
      expect({ path, status: r.status }).toEqual({ path, status: 400 });
      expect(r.json.message).toEqual(expect.any(String));
    }
    const after = await api('/api/models/num_sessions?limit=100');
    expect(after.json.rows).toHaveLength(10);
    expect((await api('/api/models/num_sessions?site_url=www.s_5.com')).json.rows).toEqual([
      { site_url: 'www.s_5.com', num_sessions: 3623 },
    ]);
  });

  it('binds free text as a value: a varchar filter with SQL in it matches nothing', async () => {
    // A model's varchar column has no declared pattern, so the text is a legitimate value; it
    // is bound, never spliced into the SQL, and no site is called that.
    for (const text of ["' or 1=1 --", "x'; drop table num_sessions; --", 'ʼ or 1=1'])
      expect(
        (await api(`/api/models/num_sessions?site_url=${encodeURIComponent(text)}`)).json.rows,
      ).toEqual([]);
    expect((await api('/api/models/num_sessions')).json.rows).toHaveLength(10);
  });
});
