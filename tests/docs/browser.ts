/**
 * Headless Chromium for the docs tests, driven by playwright-core. The browser comes from npm
 * (`@sparticuz/chromium` ships a real Chromium inside the package), so `npm test` needs no system
 * packages; `CHROME_PATH` or a system chromium serve where that binary cannot run (it is built
 * for Linux x64). A missing browser is a failure, not a skip: the docs site is only known to
 * work once a real browser has opened it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sparticuz from '@sparticuz/chromium';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const SYSTEM_CHROMIUM = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];
// The package's defaults suit serverless functions; these would weaken what the tests check
// (same-origin rules for the XSS tests, no stray requests).
const DROPPED_ARGS = new Set(['--disable-web-security', '--allow-running-insecure-content']);
// This machine's network is closed: background fetches would only fail, many at a time.
const QUIET_ARGS = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

async function resolveChromium(): Promise<{ executablePath: string; args: string[] }> {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} does not exist`);
    return { executablePath: fromEnv, args: ['--no-sandbox', ...QUIET_ARGS] };
  }
  if (platform() === 'linux' && arch() === 'x64') {
    const args = sparticuz.args.filter((a) => !DROPPED_ARGS.has(a));
    return { executablePath: await sparticuz.executablePath(), args: [...args, ...QUIET_ARGS] };
  }
  const system = SYSTEM_CHROMIUM.find((p) => existsSync(p));
  if (system) return { executablePath: system, args: ['--no-sandbox', ...QUIET_ARGS] };
  throw new Error(
    `no Chromium for ${platform()}/${arch()}: @sparticuz/chromium ships Linux x64 only; set CHROME_PATH to a Chromium or Chrome binary`,
  );
}

export const ARTIFACTS = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../target/test-artifacts',
);

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Every URL the page requested, file:// included. */
  requests: string[];
}

export interface Browser {
  open(file: string, hash?: string): Promise<OpenedPage>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const { executablePath, args } = await resolveChromium();
  const profile = mkdtempSync(join(tmpdir(), 'duckflow-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args,
    viewport: { width: 1360, height: 900 },
  });
  return {
    async open(file, hash = '') {
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href + hash, { waitUntil: 'load' });
      return { page, errors, requests };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}
