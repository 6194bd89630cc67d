/**
 * Every tile type of a declared dashboard, on six hand-made visits: what docs generate exports
 * (histogram bins and box plot quantiles computed by DuckDB) and what the page draws from it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { project, removeFixtures, type CliResult, type Fixture } from '../helpers/fixture.ts';
import { launchBrowser, screenshot, type Browser } from './browser.ts';

const VISITS = `site,visitor,day,seconds
a.com,1,2024-01-01,30
a.com,2,2024-01-01,90
a.com,1,2024-01-02,600
b.com,1,2024-01-01,0
b.com,3,2024-01-02,150
b.com,3,2024-01-02,1300
`;

const PER_DAY = `select day, site, count(*)::bigint as visits from {{ ref('visits') }} group by all order by day, site`;

const DASHBOARD = `dashboards:
  - name: traffic
    title: Traffic <b>of</b> our sites
    description: Visits to our two sites.
    owner: { name: Web team }
    tiles:
      - name: total
        type: kpi
        title: Visits
        caption: Page views, all sites.
        sql: select count(*)::bigint as visits, count(distinct site)::bigint as sites from {{ ref('visits') }}
        y: { column: visits, format: integer }
        detail: 'on {sites} sites'
      - name: per_day
        type: line
        title: Visits per day
        caption: Page views per day and site.
        sql: "${PER_DAY}"
        x: { column: day, format: date }
        y: { column: visits, format: integer }
        series: site
      - name: stacked
        type: stacked_bar
        title: Visits per day, stacked
        caption: Page views per day, one stack per site.
        sql: "${PER_DAY}"
        x: { column: day, format: date }
        y: visits
        series: site
      - name: lengths
        type: histogram
        title: Time on page
        caption: Page views by seconds on the page, in bins of 5 minutes; 15 minutes or more in the last.
        model: visits
        x: { column: seconds, label: time on page, format: duration }
        bin: { width: 300, max: 900 }
      - name: spread
        type: boxplot
        title: Time on page per site
        caption: 'Seconds on the page per site: box = p25–p75, whiskers = p10–p90.'
        model: ref('visits')
        x: { column: site, format: text }
        y: { column: seconds, format: duration }
      - name: steps
        type: funnel
        title: Visitors
        caption: Visitors, then those who came back on a second day.
        sql: |
          select 'All' as step, count(distinct visitor)::bigint as visitors from {{ ref('visits') }}
          union all
          select 'Returning', count(*)::bigint from (select visitor from {{ ref('visits') }} group by all having count(distinct day) > 1)
          order by visitors desc
        x: step
        y: visitors
      - name: all_visits
        type: table
        title: Every visit
        caption: Each page view, as exported.
        model: ref('visits')
        columns: [site, { column: visitor, format: integer }, { column: seconds, label: time on page, format: duration }]
      - name: typo
        type: table
        title: A column that is not there
        caption: Names a column the rows lack.
        model: ref('visits')
        columns: [sitee]
`;

let browser: Browser;
let p: Fixture;
let generated: CliResult;
interface Tile {
  name: string;
  rows: Record<string, unknown>[];
  unavailable?: string;
}
let tiles: Record<string, Tile>;

beforeAll(async () => {
  browser = await launchBrowser();
  p = project({
    'project.yml': 'name: web\n',
    'seeds/visits.csv': VISITS,
    'models/dashboards.yml': DASHBOARD,
  });
  expect((await p.build()).success).toBe(true);
  generated = await p.cli(['docs', 'generate']);
  const data = JSON.parse(p.read('target/docs/data/dashboard-traffic.json')) as { tiles: Tile[] };
  tiles = Object.fromEntries(data.tiles.map((t) => [t.name, t]));
});

afterAll(async () => {
  await browser?.close();
  removeFixtures();
});

describe('a declared dashboard with every tile type', () => {
  test('docs generate bins histograms and computes box plot quantiles in DuckDB', () => {
    expect(generated.code).toBe(0);
    // 30, 90, 0, 150 in [0, 300); none in [300, 600); 600 in [600, 900); 1300 capped into 900+.
    expect(tiles.lengths.rows).toEqual([
      { bin_start: 0, bin_end: 300, count: 4 },
      { bin_start: 300, bin_end: 600, count: 0 },
      { bin_start: 600, bin_end: 900, count: 1 },
      { bin_start: 900, bin_end: null, count: 1 },
    ]);
    // Interpolated over a.com [30, 90, 600] and b.com [0, 150, 1300]; higher median first.
    expect(tiles.spread.rows).toEqual([
      { site: 'b.com', count: 3, p10: 30, p25: 75, median: 150, p75: 725, p90: 1070 },
      { site: 'a.com', count: 3, p10: 42, p25: 60, median: 90, p75: 345, p90: 498 },
    ]);
    expect(tiles.steps.rows).toEqual([
      { step: 'All', visitors: 3 },
      { step: 'Returning', visitors: 1 },
    ]);
  });

  test('a tile naming a column its rows lack says which, with the closest name, on the page and on stderr', () => {
    expect(tiles.typo.unavailable).toBe("no column 'sitee' in its rows (did you mean 'site'?)");
    expect(generated.stderr).toContain(
      "note: dashboard traffic, tile typo: no column 'sitee' in its rows (did you mean 'site'?)",
    );
  });

  test('the page draws each tile from its rows: series per value, bins labelled in the x format, tables and KPIs as text', async () => {
    const { page, errors, requests } = await browser.open(
      p.path('target/docs/dashboard-traffic.html'),
    );
    await page.locator('[data-chart] svg').first().waitFor();
    await expect(page.locator('header nav a.active').innerText()).resolves.toBe(
      'Traffic <b>of</b> our sites',
    );
    await expect(page.locator('h1').innerText()).resolves.toBe('Traffic <b>of</b> our sites');
    const charts = await page.evaluate(() => {
      const w = window as unknown as {
        echarts: {
          getInstanceByDom(el: Element): {
            getOption(): {
              series: { name: string; type: string; stack?: string; data: unknown[] }[];
              xAxis?: { data?: unknown[] }[];
            };
          };
        };
      };
      return Object.fromEntries(
        [...document.querySelectorAll<HTMLElement>('[data-chart]')].map((el) => {
          const option = w.echarts.getInstanceByDom(el).getOption();
          return [
            el.dataset.chart!,
            {
              series: option.series.map((s) => ({
                name: s.name,
                type: s.type,
                stack: s.stack ?? null,
                data: s.data,
              })),
              categories: option.xAxis?.[0]?.data ?? null,
            },
          ];
        }),
      );
    });
    expect(Object.keys(charts).sort()).toEqual([
      'lengths',
      'per_day',
      'spread',
      'stacked',
      'steps',
    ]);
    expect(charts.per_day.series).toEqual([
      { name: 'a.com', type: 'line', stack: null, data: [2, 1] },
      { name: 'b.com', type: 'line', stack: null, data: [1, 2] },
    ]);
    expect(charts.per_day.categories).toEqual(['2024-01-01', '2024-01-02']);
    expect(charts.stacked.series.map((s) => [s.type, s.stack])).toEqual([
      ['bar', 'total'],
      ['bar', 'total'],
    ]);
    expect(charts.lengths.categories).toEqual([
      '0 s–5 min',
      '5 min–10 min',
      '10 min–15 min',
      '15 min+',
    ]);
    expect(charts.lengths.series[0].data).toEqual([4, 0, 1, 1]);
    expect(charts.spread.series[0].data).toEqual([
      [30, 75, 150, 725, 1070],
      [42, 60, 90, 345, 498],
    ]);

    await expect(page.locator('[data-kpi="Visits"] .kpi-value').innerText()).resolves.toBe('6');
    await expect(page.locator('[data-kpi="Visits"] .kpi-detail').innerText()).resolves.toBe(
      'on 2 sites',
    );
    const table = page.locator('table[data-table="all_visits"]');
    expect(await table.locator('thead th').allTextContents()).toEqual([
      'site',
      'visitor',
      'time on page',
    ]);
    expect(await table.locator('tbody tr').count()).toBe(6);
    await expect(table.locator('tbody tr').last().innerText()).resolves.toBe(
      'b.com\t3\t21 min 40 s',
    );
    await expect(page.locator('[data-unavailable="typo"]').innerText()).resolves.toContain(
      "no column 'sitee'",
    );
    await screenshot(page, 'dashboard-every-tile.png');
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
  });
});
