#!/usr/bin/env node
// The engine is TypeScript. Loading it through a TS loader costs ~1 s per start, so the CLI runs
// an esbuild bundle of src/ cached in node_modules/.cache and rebuilt whenever a source file is
// newer: `npm ci` stays the whole install, and analysts get fast feedback. The bundle is split at
// dynamic imports, so a command parses only what it uses (ls and compile never load the API
// server, the docs site's charts or a database driver).
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const cache = join(root, 'node_modules', '.cache', 'duckflow');

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

// One folder per state of the sources, named by it: a build never changes a folder that a
// running CLI (a parallel test worker) may still load chunks from.
const stamp = `bundle-${Math.floor(newestSource())}`;
const bundle = join(cache, stamp, 'main.js');

if (!existsSync(bundle)) {
  const { buildSync } = await import('esbuild');
  mkdirSync(cache, { recursive: true });
  const fresh = join(cache, `${stamp}.${process.pid}.tmp`);
  buildSync({
    entryPoints: {
      main: join(src, 'cli', 'main.ts'),
      validators: join(src, 'project', 'validatorsModule.ts'),
    },
    outdir: fresh,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Pure-JS dependencies are bundled too: parsing one file beats resolving and lexing dozens of
    // CommonJS modules at every start. Native and optional ones stay outside.
    external: ['@duckdb/node-bindings*', 'esbuild', 'playwright-core', 'chokidar', 'fsevents'],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  // duckflow's JSON Schemas compiled to code here, once, instead of by ajv at every start
  // (src/util/precompiled.ts): the bundle loads validators.cjs from beside itself.
  const { validatorsModule } = await import(pathToFileURL(join(fresh, 'validators.js')).href);
  writeFileSync(join(fresh, 'validators.cjs'), validatorsModule());
  // Renamed into place, so CLIs started meanwhile (parallel test workers) never load half a
  // bundle; another CLI may have got there first with the same bundle.
  try {
    renameSync(fresh, join(cache, stamp));
  } catch {
    rmSync(fresh, { recursive: true, force: true });
  }
  for (const old of readdirSync(cache))
    if (old !== stamp && old.startsWith('bundle-') && !old.endsWith('.tmp'))
      rmSync(join(cache, old), { recursive: true, force: true });
}
// `duckflow ls | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(process.argv.slice(2));
