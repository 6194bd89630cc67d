/**
 * Writes the static site into target/docs. It must open from file:// on a machine without
 * internet: libraries are copied from node_modules, and data ships as scripts that assign
 * globals, because browsers refuse fetch() of local files.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DashboardData } from './dashboard.ts';
import type { DocsData } from './nodes.ts';

/**
 * The site's own scripts and styles (src/docs/client). Run from source they sit beside this
 * module; the CLI runs an esbuild bundle from node_modules/.cache, so look upwards from there.
 */
function clientDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'client'), join(dir, 'src', 'docs', 'client')]) {
      if (existsSync(join(candidate, 'docs.css'))) return candidate;
    }
    if (dirname(dir) === dir)
      throw new Error('cannot find the docs site files (src/docs/client) next to duckflow');
  }
}
const require = createRequire(import.meta.url);

/**
 * Browser builds that define a global (`echarts`, `dagre`), found beside each package's CommonJS
 * entry point in dist/; the package's LICENSE sits one folder up.
 */
const VENDOR = [
  { file: 'echarts.min.js', pkg: 'echarts' },
  { file: 'dagre.min.js', pkg: '@dagrejs/dagre' },
];

const CLIENT_FILES = [
  'docs.css',
  'common.js',
  'graph.js',
  'index.js',
  'lineage.js',
  'dashboard.js',
];

interface Page {
  file: string;
  title: string;
  /** The nav link marked as the current page: 'overview', 'lineage' or a dashboard's page. */
  nav: string;
  scripts: string[];
}

const PAGES: Page[] = [
  {
    file: 'index.html',
    title: 'Overview',
    nav: 'overview',
    scripts: [
      'assets/vendor/dagre.min.js',
      'data/docs.js',
      'assets/common.js',
      'assets/graph.js',
      'assets/index.js',
    ],
  },
  {
    file: 'lineage.html',
    title: 'Lineage',
    nav: 'lineage',
    scripts: [
      'assets/vendor/dagre.min.js',
      'data/docs.js',
      'assets/common.js',
      'assets/graph.js',
      'assets/lineage.js',
    ],
  },
];

function dashboardPageOf(d: DashboardData): Page {
  return {
    file: d.page,
    title: d.title,
    nav: d.page,
    scripts: [
      'assets/vendor/echarts.min.js',
      'data/docs.js',
      `data/dashboard-${d.name}.js`,
      'assets/common.js',
      'assets/dashboard.js',
    ],
  };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function renderPage(page: Page, projectName: string, dashboards: DashboardData[]): string {
  const link = (nav: string, href: string, label: string) =>
    `<a href="${href}"${page.nav === nav ? ' class="active" aria-current="page"' : ''}>${escapeHtml(label)}</a>`;
  const dashboardLinks = dashboards.map((d) => link(d.page, d.page, d.title)).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · ${escapeHtml(projectName)} · duckflow docs</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/docs.css">
</head>
<body data-page="${escapeHtml(page.nav)}">
<header class="topbar">
  <a class="brand" href="index.html#/"><span class="brand-mark">◆</span> duckflow <span class="brand-project">${escapeHtml(projectName)}</span></a>
  <nav>${link('overview', 'index.html#/', 'Overview')}${link('lineage', 'lineage.html', 'Lineage')}${dashboardLinks}</nav>
  <div class="search">
    <input id="search" type="search" placeholder="Search models and columns…" autocomplete="off" aria-label="Search models and columns">
    <div id="search-results" class="search-results" role="listbox" hidden></div>
  </div>
</header>
<main id="main"></main>
${page.scripts.map((s) => `<script src="${s}"></script>`).join('\n')}
</body>
</html>
`;
}

const dataScript = (global: string, value: unknown) =>
  `window.${global} = ${JSON.stringify(value)};\n`;

/** Write the site into `outDir`, a fresh folder. */
export function writeSite(outDir: string, docs: DocsData, dashboards: DashboardData[]): string[] {
  for (const dir of ['assets/vendor', 'data']) mkdirSync(join(outDir, dir), { recursive: true });
  const written: string[] = [];
  const write = (relative: string, content: string) => {
    writeFileSync(join(outDir, relative), content);
    written.push(relative);
  };
  for (const v of VENDOR) {
    // The map files are not shipped, so the comment pointing at them would only yield a DevTools error.
    const dist = dirname(require.resolve(v.pkg));
    write(
      `assets/vendor/${v.file}`,
      readFileSync(join(dist, v.file), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'),
    );
    copyFileSync(join(dist, '..', 'LICENSE'), join(outDir, `assets/vendor/${v.file}.LICENSE.txt`));
  }
  const client = clientDir();
  for (const f of CLIENT_FILES) write(`assets/${f}`, readFileSync(join(client, f), 'utf8'));
  write('data/docs.js', dataScript('DUCKFLOW_DOCS', docs));
  // The same data as plain JSON, for tools and notebooks that want the metrics without a browser.
  write('data/docs.json', `${JSON.stringify(docs, null, 2)}\n`);
  for (const d of dashboards) {
    write(`data/dashboard-${d.name}.js`, dataScript('DUCKFLOW_DASHBOARD', d));
    write(`data/dashboard-${d.name}.json`, `${JSON.stringify(d, null, 2)}\n`);
  }
  const pages = [...PAGES, ...dashboards.map(dashboardPageOf)];
  for (const page of pages) write(page.file, renderPage(page, docs.project.name, dashboards));
  return written;
}
