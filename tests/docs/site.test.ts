import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { project, removeFixtures, type Fixture } from '../helpers/fixture.ts';
import { launchBrowser, screenshot, type Browser } from './browser.ts';
import { EXPECTED, PLAIN_PROJECT, SHOP_PROJECT } from './shopProject.ts';

let browser: Browser;
let shop: Fixture;
let plain: Fixture;
const site = (f: Fixture, page: string) => f.path(`target/docs/${page}`);

beforeAll(async () => {
  browser = await launchBrowser();
  shop = project(SHOP_PROJECT);
  expect((await shop.build()).success).toBe(true);
  const generated = await shop.cli(['docs', 'generate']);
  expect(generated.stderr).toBe('');
  expect(generated.code).toBe(0);
  plain = project(PLAIN_PROJECT);
  await plain.build();
  expect((await plain.cli(['docs', 'generate'])).code).toBe(0);
});

afterAll(async () => {
  await browser?.close();
  removeFixtures();
});

/** Nothing but the site's own files: a CDN link or a fetch would show up here. */
const offline = (requests: string[]) =>
  expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);

describe('docs site from file://', () => {
  test('the index loads with no console errors and no network, lists every node, and searches models and columns', async () => {
    const { page, errors, requests } = await browser.open(site(shop, 'index.html'));
    await page.locator('tr[data-node-id]').first().waitFor();
    expect(await page.locator('tr[data-node-id]').count()).toBe(
      EXPECTED.models + EXPECTED.seeds + EXPECTED.sources + EXPECTED.dashboards,
    );
    for (const vendor of ['assets/vendor/dagre.min.js', 'data/docs.js'])
      expect(requests.some((u) => u.endsWith(vendor))).toBe(true);

    await page.fill('#search', 'customer_id');
    const columnHits = page.locator('#search-results a[data-kind="column"]');
    expect(await columnHits.allInnerTexts()).toEqual(
      expect.arrayContaining([
        expect.stringContaining('in sessions'),
        expect.stringContaining('in customer_journeys'),
      ]),
    );
    await page.fill('#search', 'metric_');
    expect(await page.locator('#search-results a[data-kind="model"]').count()).toBe(4);
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/node\/model\.shop\.metric_/);
    await expect(page.locator('.node-hero h1').innerText()).resolves.toMatch(/^metric_/);
    expect(errors).toEqual([]);
    offline(requests);
  });

  test('the lineage graph has one node per model, seed, source and dashboard and one edge per dependency, coloured by last status', async () => {
    const { page, errors, requests } = await browser.open(site(shop, 'lineage.html'));
    const manifest = JSON.parse(shop.read('target/manifest.json')) as {
      nodes: Record<string, { kind: string; depends_on: string[] }>;
      dashboards: Record<string, { kind: string; depends_on: string[] }>;
    };
    const documented = [
      ...Object.entries(manifest.nodes).filter(([, n]) => n.kind !== 'test'),
      ...Object.entries(manifest.dashboards),
    ];
    const expectedEdges = documented
      .flatMap(([id, n]) => n.depends_on.map((d) => `${d} -> ${id}`))
      .sort();

    const nodeIds = await page
      .locator('svg.graph [data-node-id]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')));
    expect(nodeIds.sort()).toEqual(documented.map(([id]) => id).sort());
    expect(nodeIds).toHaveLength(
      EXPECTED.models + EXPECTED.seeds + EXPECTED.sources + EXPECTED.dashboards,
    );
    const edges = await page
      .locator('svg.graph [data-edge-from]')
      .evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-edge-from')} -> ${e.getAttribute('data-edge-to')}`),
      );
    expect(edges.sort()).toEqual(expectedEdges);
    expect(edges).toHaveLength(EXPECTED.edges);

    // sessions has a warn-severity test failing; the rest passed; the source was never run.
    const health = (id: string) =>
      page.locator(`svg.graph [data-node-id="${id}"]`).getAttribute('data-health');
    await expect(health('model.shop.sessions')).resolves.toBe('warn');
    await expect(health('model.shop.metric_daily_sessions')).resolves.toBe('success');
    await expect(health('source.shop.shop.products')).resolves.toBe('none');
    const fills = await page
      .locator('svg.graph [data-node-id] rect:not(.stripe)')
      .evaluateAll((els) => new Set(els.map((e) => getComputedStyle(e).stroke)).size);
    expect(fills).toBeGreaterThan(1);

    await screenshot(page, 'lineage.png');
    await page.locator('svg.graph [data-node-id="model.shop.metric_daily_sessions"]').click();
    await page.waitForURL(/index\.html#\/node\/model\.shop\.metric_daily_sessions$/);
    await expect(page.locator('.node-hero h1').innerText()).resolves.toContain(
      'metric_daily_sessions',
    );
    expect(errors).toEqual([]);
    offline(requests);
  });

  test('every chart of the declared dashboard renders one data point per row of its model or query', async () => {
    const { page, errors, requests } = await browser.open(site(shop, 'dashboard-webshop.html'));
    await page.locator('[data-chart] svg').first().waitFor();
    const charts = await page.evaluate(() => {
      const w = window as unknown as {
        echarts: {
          getInstanceByDom(
            el: Element,
          ): { getOption(): { series: { data: unknown[] }[] } } | undefined;
        };
        DUCKFLOW_DASHBOARD: { tiles: { name: string; rows: unknown[] }[] };
      };
      return [...document.querySelectorAll<HTMLElement>('[data-chart]')].map((el) => {
        const id = el.dataset.chart!;
        const option = w.echarts.getInstanceByDom(el)?.getOption();
        return {
          id,
          points: option?.series[0].data.length,
          values: option?.series[0].data.map((d) =>
            typeof d === 'object' && d !== null && 'value' in d ? d.value : d,
          ),
          rows: w.DUCKFLOW_DASHBOARD.tiles.find((t) => t.name === id)!.rows.length,
          drawn: el.querySelectorAll('svg path').length,
        };
      });
    });
    expect(Object.fromEntries(charts.map((c) => [c.id, c.points]))).toEqual(EXPECTED.charts);
    for (const c of charts) {
      expect(c.points, c.id).toBe(c.rows);
      expect(c.drawn, `${c.id} draws shapes`).toBeGreaterThan(c.rows);
    }
    expect(charts.find((c) => c.id === 'funnel')?.values).toEqual(EXPECTED.funnel);
    expect(charts.find((c) => c.id === 'sessions_before_purchase_histogram')?.values).toEqual(
      EXPECTED.histogram,
    );

    // Every chart says what it shows; the KPI tiles carry the headline numbers.
    const captions = await page.locator('.chart-card .caption').allInnerTexts();
    expect(captions).toHaveLength(charts.length);
    for (const caption of captions) expect(caption.length).toBeGreaterThan(40);
    await expect(page.locator('[data-kpi="Sessions"] .kpi-value').innerText()).resolves.toBe(
      String(EXPECTED.kpis.sessions),
    );
    await expect(page.locator('[data-kpi="Customers"] .kpi-value').innerText()).resolves.toBe(
      String(EXPECTED.kpis.customers),
    );
    await expect(page.locator('[data-kpi="Conversion rate"] .kpi-value').innerText()).resolves.toBe(
      '38.5%',
    );
    await expect(
      page.locator('[data-kpi="Median sessions before first purchase"] .kpi-value').innerText(),
    ).resolves.toBe('1');
    await expect(
      page
        .locator('[data-kpi="Median session duration before first purchase"] .kpi-value')
        .innerText(),
    ).resolves.toBe('4 min 30 s');
    expect(await page.locator('[data-unavailable]').count()).toBe(0);

    await screenshot(page, 'dashboard.png');
    expect(errors).toEqual([]);
    offline(requests);
    expect(requests.some((u) => u.endsWith('assets/vendor/echarts.min.js'))).toBe(true);
  });

  test('a model page shows its columns with database types and YAML descriptions, and its tests with their last result', async () => {
    const { page, errors } = await browser.open(
      site(shop, 'index.html'),
      '#/node/model.shop.sessions',
    );
    const row = (column: string) => page.locator(`.columns-table tr[data-column="${column}"]`);
    await row('session_id').waitFor();
    await expect(row('session_id').innerText()).resolves.toMatch(
      /session_id\s+VARCHAR\s+Deterministic id of the session\.\s+unique\s*not_null/,
    );
    await expect(row('duration_seconds').innerText()).resolves.toContain('BIGINT');
    await expect(row('has_purchase').innerText()).resolves.toContain('BOOLEAN');
    await expect(row('retired_column').innerText()).resolves.toContain('not in database');
    expect(await page.locator('.columns-table tbody tr').count()).toBe(14);

    const tests = await page
      .locator('.tests-table tbody tr')
      .evaluateAll((rows) =>
        Object.fromEntries(
          rows.map((r) => [r.getAttribute('data-test'), r.getAttribute('data-status')]),
        ),
      );
    expect(tests).toEqual({
      unique_sessions_session_id: 'pass',
      not_null_sessions_session_id: 'pass',
      not_null_sessions_customer_id: 'pass',
      accepted_values_sessions_channel: 'warn',
    });
    await expect(page.locator('pre.sql').innerText()).resolves.toContain('"main"."raw_sessions"');
    await expect(page.locator('.facts').innerText()).resolves.toContain('models/sessions.sql');
    const upstream = await page.locator('.two-col > div').first().locator('a').allInnerTexts();
    expect(upstream.sort()).toEqual(['raw_sessions', 'referrer_channels']);
    // Itself, 2 parents, 4 models and the dashboard reading it.
    expect(await page.locator('svg.graph [data-node-id]').count()).toBe(8);

    // Unit tests are listed with the model they test.
    await page.goto(page.url().replace(/#.*$/, '#/node/model.shop.metric_daily_sessions'));
    await expect(
      page
        .locator('.tests-table tr[data-test="daily_sessions_count_one_day"]')
        .getAttribute('data-status'),
    ).resolves.toBe('pass');

    // A file source gets its column types from DuckDB's reader.
    await page.goto(page.url().replace(/#.*$/, '#/node/source.shop.shop.products'));
    await expect(
      page.locator('.columns-table tr[data-column="product_id"]').innerText(),
    ).resolves.toContain('VARCHAR');
    expect(errors).toEqual([]);
  });

  test('a project that declares no dashboard gets no dashboard page and no link to one', async () => {
    const { page, errors, requests } = await browser.open(site(plain, 'index.html'));
    await page.locator('tr[data-node-id]').first().waitFor();
    expect(await page.locator('header nav a').allInnerTexts()).toEqual(['Overview', 'Lineage']);
    expect(readdirSync(site(plain, '')).filter((f) => f.startsWith('dashboard'))).toEqual([]);
    expect(readdirSync(site(plain, 'data')).sort()).toEqual(['docs.js', 'docs.json']);
    expect(errors).toEqual([]);
    offline(requests);
  });
});

test('docs generate exports each tile of the dashboard as JSON beside the site, with the SQL it ran', () => {
  const dashboard = JSON.parse(readFileSync(site(shop, 'data/dashboard-webshop.json'), 'utf8')) as {
    tiles: { name: string; type: string; rows: unknown[]; caption: string; sql: string | null }[];
  };
  const tile = (name: string) => dashboard.tiles.find((t) => t.name === name)!;
  expect(
    dashboard.tiles
      .filter((t) => t.type !== 'kpi' && t.type !== 'table')
      .map((t) => t.name)
      .sort(),
  ).toEqual(Object.keys(EXPECTED.charts).sort());
  expect(tile('metric_daily_sessions').rows).toHaveLength(3);
  expect(tile('customers').rows).toEqual([{ customers: 6, purchasing_customers: 5 }]);
  expect(tile('conversion_rate').rows).toEqual([
    { conversion_rate: 5 / 13, purchasing_sessions: 5 },
  ]);
  // Bins of width 1 from the fewest to the most sessions before a first purchase (0 to 3).
  expect(tile('sessions_before_purchase_histogram').rows).toEqual([
    { bin_start: 0, bin_end: 1, count: 2 },
    { bin_start: 1, bin_end: 2, count: 1 },
    { bin_start: 2, bin_end: 3, count: 1 },
    { bin_start: 3, bin_end: 4, count: 1 },
  ]);
  for (const t of dashboard.tiles) expect(t.sql).toMatch(/^select|^with/);
  expect(existsSync(join(shop.dir, 'target/docs/assets/vendor/echarts.min.js.LICENSE.txt'))).toBe(
    true,
  );
  expect(readFileSync(site(shop, 'index.html'), 'utf8')).not.toMatch(/https?:\/\//);
});
