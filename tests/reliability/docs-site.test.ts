/**
 * Reliability cases of the docs site and its dashboards (docs/reliability.md, section "Docs
 * site, dashboard and server"): hostile data in a real browser, and a server reading the site
 * while it is generated again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../../src/api.ts';
import { launchBrowser, type Browser } from '../docs/browser.ts';
import { copyProject, type ProjectCopy } from '../webshop/project-copy.ts';
import { project, removeFixtures } from '../helpers/fixture.ts';

const BIN = resolve(import.meta.dirname, '../../bin/duckflow.js');

/** Each payload sets a different value, so a run shows which one got through. */
const PAYLOAD = {
  page: '<img src=x onerror=window.__xss=1>',
  pageScript: '<script>window.__xss=2</script>',
  referrer: '<img src=x onerror=window.__xss=3>',
  referrer2: '<svg onload=window.__xss=4>',
  channel: '<script>window.__xss=5</script>',
  column: '<img src=x onerror=window.__xss=6>',
  description: '<img src=x onerror=window.__xss=7> and <script>window.__xss=8</script>',
};

/** Two customers' sessions, every page and referrer a payload; both sessions buy. */
function hostileEvents(): string {
  let id = 1;
  const event = (type: string, customer: number, time: string, extra: object) =>
    JSON.stringify({
      id: id++,
      type,
      event: {
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36',
        ip: '10.0.0.1',
        'customer-id': customer,
        timestamp: `2022-05-01T${time}`,
        ...extra,
      },
    });
  return `${[
    event('page_view', 1, '10:00:00', {
      page: `https://shop.example/${PAYLOAD.page}`,
      referrer: `https://${PAYLOAD.referrer}/`,
    }),
    event('add_product_to_cart', 1, '10:01:00', { product: 'a' }),
    event('placed_order', 1, '10:02:00', {}),
    event('page_view', 2, '11:00:00', {
      page: `https://shop.example/${PAYLOAD.pageScript}`,
      referrer: `https://${PAYLOAD.referrer2}/path`,
    }),
    event('add_product_to_cart', 2, '11:05:00', { product: 'a' }),
    event('placed_order', 2, '11:09:00', {}),
  ].join('\n')}\n`;
}

/** Hover every data point of every chart, collecting the tooltips' text. */
async function hoverEveryPoint(page: Page): Promise<string[]> {
  const charts = await page.locator('[data-chart]').evaluateAll((els) =>
    els.map((el) => ({
      id: (el as HTMLElement).dataset.chart!,
      rows: Number((el as HTMLElement).dataset.rows),
    })),
  );
  const seen: string[] = [];
  for (const { id, rows } of charts) {
    const box = (await page.locator(`[data-chart="${id}"]`).boundingBox())!;
    // Real mouse movement across the chart, then every point by ECharts' own hover action.
    for (let x = box.x + 10; x < box.x + box.width; x += 25)
      await page.mouse.move(x, box.y + box.height / 2);
    for (let i = 0; i < rows; i++) {
      await page.evaluate(
        ({ id, i }) => {
          const el = document.querySelector(`[data-chart="${id}"]`)!;
          const w = window as unknown as {
            echarts: {
              getInstanceByDom(e: Element): { dispatchAction(a: object): void };
            };
          };
          w.echarts.getInstanceByDom(el).dispatchAction({
            type: 'showTip',
            seriesIndex: 0,
            dataIndex: i,
          });
        },
        { id, i },
      );
      // Item tooltips are drawn on the next tick.
      const text = await page.waitForFunction((id) => {
        // ECharts' tooltip box (not the arrow beside it, which is empty).
        const tip = document.querySelector<HTMLElement>(
          `[data-chart="${id}"] div[style*="white-space: nowrap"]`,
        );
        return (tip?.style.display !== 'none' && tip?.innerText) || false;
      }, id);
      seen.push(String(await text.jsonValue()));
    }
  }
  return seen;
}

describe('docs site, dashboard and server', () => {
  let browser: Browser;
  let shop: ProjectCopy;

  beforeAll(async () => {
    browser = await launchBrowser();
    shop = copyProject({ withCommittedEvents: false });
    writeFileSync(join(shop.dir, 'seeds/raw_events.ndjson'), hostileEvents());
    appendFileSync(
      join(shop.dir, 'seeds/referrer_channels.csv'),
      `"${PAYLOAD.referrer}","${PAYLOAD.channel}"\n`,
    );
    writeFileSync(
      join(shop.dir, 'models/hostile_names.sql'),
      `select 1 as "${PAYLOAD.column}", '${PAYLOAD.page}' as label\n`,
    );
    writeFileSync(
      join(shop.dir, 'models/hostile_names.yml'),
      `models:\n  - name: hostile_names\n    description: "${PAYLOAD.description}"\n`,
    );
    const options = {
      projectDir: shop.dir,
      vars: '{events_path: seeds/raw_events.ndjson}',
    };
    // run, not build: data tests (accepted channel names, say) must not skip the models.
    expect((await api.seed(options)).success).toBe(true);
    expect((await api.run(options)).success).toBe(true);
    await api.generateDocs(options);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    shop?.remove();
    removeFixtures();
  });

  it('[dashboard-xss] script and markup in event pages, referrers, channel and column names stay text in tooltips, labels, tables, search, model pages and lineage', async () => {
    const dialogs: string[] = [];
    const site = (file: string) => join(shop.dir, 'target/docs', file);
    const { page, errors } = await browser.open(site('dashboard-webshop.html'));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.locator('[data-chart] svg').first().waitFor();
    const tooltips = await hoverEveryPoint(page);
    // The text arrives whole and literal: landing pages (paths), referrer hosts, channels.
    const all = tooltips.join('\n');
    expect(all).toContain(`landing page: /${PAYLOAD.page}\n`);
    expect(all).toContain(`landing page: /${PAYLOAD.pageScript}\n`);
    expect(all).toContain(`${PAYLOAD.channel} · ${PAYLOAD.referrer}\n`);
    expect(all).toContain(`other · ${PAYLOAD.referrer2}\n`);
    expect(all).toContain(`${PAYLOAD.channel} (1 rows)\n`);
    const svgText = await page.locator('[data-chart] svg text').allTextContents();
    expect(svgText).toContain(`/${PAYLOAD.page}`);
    // Long axis labels are cut to their column's width, still as text.
    expect(svgText.filter((t) => t.startsWith(PAYLOAD.channel))).not.toEqual([]);

    await page.goto(new URL('index.html#/node/model.webshop.hostile_names', page.url()).href);
    await expect(page.locator('.node-hero .description').innerText()).resolves.toBe(
      PAYLOAD.description,
    );
    await expect(page.locator('.columns-table tbody tr').first().innerText()).resolves.toContain(
      PAYLOAD.column,
    );
    await page.fill('#search', 'onerror');
    await expect(page.locator('#search-results a').first().innerText()).resolves.toContain(
      PAYLOAD.column,
    );
    await page.goto(new URL('lineage.html', page.url()).href);
    await expect(
      page.locator('svg.graph [data-node-id="model.webshop.hostile_names"]').textContent(),
    ).resolves.toContain('hostile_names');

    // Nothing ran and no element was made from the data, on any of the pages.
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(errors.filter((e) => /xss|img|script/i.test(e))).toEqual([]);
    // One per point: a day, 3 funnel steps, a bin, 2 channels, 2 landing pages, 4 referrer rows.
    expect(tooltips).toHaveLength(13);
  });

  it('[docs-regenerate-atomic] requests to docs serve while docs generate runs again and again all get 200 and whole files', async () => {
    const p = project({
      'project.yml': 'name: web\n',
      'seeds/visits.csv': 'site,seconds\na.com,30\nb.com,90\n',
      'models/dashboards.yml': `dashboards:
  - name: traffic
    title: Traffic
    tiles:
      - {name: n, type: kpi, title: Visits, caption: Page views., sql: "select count(*) as n from {{ ref('visits') }}", y: n}
`,
    });
    await p.build();
    expect((await p.cli(['docs', 'generate'])).code).toBe(0);
    const server: ChildProcess = spawn(
      process.execPath,
      [BIN, 'docs', 'serve', '--port', '0', '--project-dir', p.dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((found, fail) => {
        let out = '';
        server.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /serving docs at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) found(m[1]);
        });
        server.once('exit', (code) => fail(new Error(`docs serve exited with ${code}`)));
      });
      let regenerating = true;
      const regenerations = (async () => {
        for (let i = 0; i < 4; i++) expect((await p.cli(['docs', 'generate'])).code).toBe(0);
        regenerating = false;
      })();
      const failures: string[] = [];
      let requests = 0;
      const paths = [
        '',
        'index.html',
        'data/docs.js',
        'dashboard-traffic.html',
        'assets/common.js',
      ];
      while (regenerating) {
        for (const path of paths) {
          const response = await fetch(new URL(path, url));
          const body = await response.text();
          requests++;
          if (response.status !== 200) failures.push(`${response.status} ${path}`);
          else if (path === 'data/docs.js' && !/^window\.DUCKFLOW_DOCS = .*;\n$/s.test(body))
            failures.push(`partial ${path} (${body.length} bytes)`);
        }
      }
      await regenerations;
      expect(failures).toEqual([]);
      // The loop ran all along the four regenerations, not just once.
      expect(requests).toBeGreaterThan(50);
    } finally {
      server.kill('SIGINT');
    }
  }, 120_000);
});
