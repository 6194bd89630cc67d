import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { project, removeFixtures } from '../helpers/fixture.ts';
import { PLAIN_PROJECT } from './shopProject.ts';

const BIN = resolve(import.meta.dirname, '../../bin/duckflow.js');

afterAll(removeFixtures);

test('docs generate before any build still writes the site, and says what is missing', async () => {
  const p = project({
    ...PLAIN_PROJECT,
    'models/dashboards.yml': `dashboards:
  - name: items
    title: Items
    tiles:
      - {name: count, type: kpi, title: Items, caption: Rows of items., sql: "select count(*) as n from {{ ref('item_names') }}", y: n}
`,
  });
  const result = await p.cli(['docs', 'generate']);
  expect(result.code).toBe(0);
  expect(result.stderr).toContain("column types and the dashboard need 'duckflow build' first");
  expect(p.exists('target/docs/index.html')).toBe(true);
  const dashboard = JSON.parse(p.read('target/docs/data/dashboard-items.json')) as {
    tiles: { unavailable?: string }[];
  };
  expect(dashboard.tiles.map((t) => t.unavailable)).toEqual([
    "no database yet: run 'duckflow build' first",
  ]);
});

test('docs serve serves target/docs on 127.0.0.1 on the given port until Ctrl-C', async () => {
  const p = project(PLAIN_PROJECT);
  expect((await p.cli(['docs', 'serve', '--port', '0'])).stderr).toContain(
    "run 'duckflow docs generate' first",
  );
  await p.build();
  expect((await p.cli(['docs', 'generate'])).code).toBe(0);

  const child = spawn(
    process.execPath,
    [BIN, 'docs', 'serve', '--port', '0', '--project-dir', p.dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const url = await new Promise<string>((found, fail) => {
    child.stdout.on('data', () => {
      const m = /serving docs at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (m) found(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`docs serve exited with ${code}: ${stdout}`)));
  });
  try {
    const index = await fetch(url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(await index.text()).toContain('<title>Overview · plain · duckflow docs</title>');
    const data = await fetch(new URL('data/docs.js', url));
    expect(data.headers.get('content-type')).toContain('text/javascript');
    expect(await data.text()).toMatch(/^window\.DUCKFLOW_DOCS = /);
    expect((await fetch(new URL('no-such-page.html', url))).status).toBe(404);
    // Escaping the docs folder: an encoded slash survives URL normalisation and decodes to '../'.
    expect((await fetch(`${url}..%2F..%2Fproject.yml`)).status).toBe(403);
  } finally {
    child.kill('SIGINT');
  }
  const [code] = await once(child, 'exit');
  expect(code).toBe(0);
});
