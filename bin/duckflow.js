#!/usr/bin/env node
// The engine is TypeScript. Loading it through a TS loader costs ~1 s per start, so the CLI runs
// an esbuild bundle of src/ cached in node_modules/.cache and rebuilt whenever a source file is
// newer: `npm ci` stays the whole install, and analysts get fast feedback.
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const bundle = join(root, 'node_modules', '.cache', 'duckflow', 'cli.mjs');

function newestSource() {
  let newest = Math.max(
    statSync(join(root, 'package.json')).mtimeMs,
    statSync(fileURLToPath(import.meta.url)).mtimeMs,
  );
  for (const entry of readdirSync(src, { recursive: true })) {
    newest = Math.max(newest, statSync(join(src, entry)).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    return statSync(bundle).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}

if (!bundleIsFresh()) {
  const { buildSync } = await import('esbuild');
  mkdirSync(dirname(bundle), { recursive: true });
  const fresh = `${bundle}.${process.pid}.tmp`;
  buildSync({
    entryPoints: [join(src, 'cli', 'main.ts')],
    outfile: fresh,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Pure-JS dependencies are bundled too: parsing one file beats resolving and lexing dozens of
    // CommonJS modules at every start. Native and optional ones stay outside.
    external: ['@duckdb/*', 'esbuild', 'playwright-core', 'chokidar', 'fsevents'],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  // Renamed into place, so CLIs started meanwhile (parallel test workers) never load half a file.
  renameSync(fresh, bundle);
}
// `duckflow ls | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(process.argv.slice(2));
