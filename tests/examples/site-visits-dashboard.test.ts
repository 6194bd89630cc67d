/**
 * The site-visits example's declared dashboard on its committed data: the three published
 * figures on the page, and every chart's totals equal to the models it reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, generateDocs, query } from '../../src/api.ts';
import { launchBrowser, screenshot, type Browser } from '../docs/browser.ts';
import { copySiteVisits, type ExampleCopy } from './site-visits-copy.ts';

interface Chart {
  categories: unknown[] | null;
  values: number[];
}

describe('examples/site-visits dashboard', () => {
  let example: ExampleCopy;
  let browser: Browser;
  const one = async (sql: string) => (await query(sql, { projectDir: example.dir })).rows[0];

  beforeAll(async () => {
    example = copySiteVisits();
    browser = await launchBrowser();
    expect((await build({ projectDir: example.dir })).success).toBe(true);
    expect((await generateDocs({ projectDir: example.dir })).notes).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    example?.remove();
  });

  it('draws sessions and median length per site, session lengths and sites per visitor from the answer models', async () => {
    const { page, errors, requests } = await browser.open(
      `${example.dir}/target/docs/dashboard-site_visits.html`,
    );
    await page.locator('[data-chart] svg').first().waitFor();
    const charts = await page.evaluate(() => {
      const w = window as unknown as {
        echarts: {
          getInstanceByDom(el: Element): {
            getOption(): { series: { data: number[] }[]; xAxis: { data?: unknown[] }[] };
          };
        };
      };
      return Object.fromEntries(
        [...document.querySelectorAll<HTMLElement>('[data-chart]')].map((el) => {
          const option = w.echarts.getInstanceByDom(el).getOption();
          return [
            el.dataset.chart!,
            { categories: option.xAxis[0].data ?? null, values: option.series[0].data },
          ];
        }),
      );
    });
    const at = (chart: Chart, category: string) =>
      chart.values[chart.categories!.indexOf(category)];
    const sum = (chart: Chart) => chart.values.reduce((a, b) => a + b, 0);

    // The published figures.
    expect(at(charts.sessions_per_site, 'www.s_5.com')).toBe(3623);
    expect(at(charts.median_length_per_site, 'www.s_3.com')).toBe(1392.5);
    expect(charts.sessions_per_site.categories).toHaveLength(10);
    // Every session in one bin, every visitor in one bin of distinct sites.
    const { sessions, visitors, three } = await one(`
      select (select count(*) from main.sessions)::integer as sessions,
             (select count(*) from main.num_unique_visited_sites)::integer as visitors,
             (select count(*) from main.num_unique_visited_sites where num_unique_visited_sites = 3)::integer as three`);
    expect(sum(charts.session_length_histogram)).toBe(sessions);
    expect(sum(charts.distinct_sites_per_visitor)).toBe(visitors);
    expect(visitors).toBe(10_000);
    expect(at(charts.distinct_sites_per_visitor, '3')).toBe(three);
    await expect(page.locator('[data-kpi="Sessions"] .kpi-value').innerText()).resolves.toBe(
      new Intl.NumberFormat('en-US').format(sessions as number),
    );
    await expect(page.locator('[data-kpi="Sessions"] .kpi-detail').innerText()).resolves.toBe(
      'of 10,000 visitors',
    );

    // The median's tooltip prints it as a duration: 1,392.5 s.
    await page.evaluate(() => {
      const el = document.querySelector('[data-chart="median_length_per_site"]')!;
      const w = window as unknown as {
        echarts: { getInstanceByDom(e: Element): { dispatchAction(a: object): void } };
      };
      w.echarts
        .getInstanceByDom(el)
        .dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: 3 });
    });
    await expect(
      page
        .locator('[data-chart="median_length_per_site"] div[style*="white-space: nowrap"]')
        .innerText(),
    ).resolves.toBe('www.s_3.com\nmedian session length: 23 min 13 s');

    await screenshot(page, 'site-visits-dashboard.png');
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
  });
});
