/**
 * dbt-core + dbt-duckdb in a Python venv inside the bench cache: installed from PyPI at pinned
 * versions, with the DuckDB wheel pinned to the version duckflow's @duckdb/node-api bundles, and
 * never a dependency of the project. Reused while the pins stay the same.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../measure.ts';

/** dbt 1.12 fails to install offline (a dependency fetches a wheel from a code host). */
export const DBT_CORE_VERSION = '1.11.16';
export const DBT_DUCKDB_VERSION = '1.11.1';

export interface DbtVenv {
  dir: string;
  python: string;
  dbt: string;
  versions: { dbtCore: string; dbtDuckdb: string; duckdb: string; duckdbSourceId: string };
}

/** '1.5.5' from @duckdb/node-api's '1.5.5-r.5': the DuckDB release its bindings carry. */
export function projectDuckdbVersion(repo = REPO): string {
  const pkg = JSON.parse(
    readFileSync(join(repo, 'node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8'),
  ) as { version: string };
  const m = /^(\d+\.\d+\.\d+)/.exec(pkg.version);
  if (!m) throw new Error(`cannot read a DuckDB version from @duckdb/node-api ${pkg.version}`);
  return m[1];
}

export function requirements(duckdbVersion: string): string[] {
  return [
    `dbt-core==${DBT_CORE_VERSION}`,
    `dbt-duckdb==${DBT_DUCKDB_VERSION}`,
    // Without the pin pip picks the newest DuckDB, not the one duckflow runs on.
    `duckdb==${duckdbVersion}`,
  ];
}

function run(command: string, args: string[], log: (line: string) => void): string {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${command}: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  if (r.stderr.trim()) log(r.stderr.trim());
  return r.stdout;
}

export function ensureDbtVenv(cacheDir: string, log: (line: string) => void): DbtVenv {
  const dir = join(cacheDir, 'dbt-venv');
  const python = join(dir, 'bin', 'python');
  const stamp = join(dir, 'duckflow-bench.json');
  const wanted = requirements(projectDuckdbVersion());
  const installed = existsSync(stamp)
    ? (JSON.parse(readFileSync(stamp, 'utf8')) as { requirements: string[] }).requirements
    : [];
  if (installed.join(' ') !== wanted.join(' ')) {
    log(`installing ${wanted.join(' ')} into ${dir}`);
    rmSync(dir, { recursive: true, force: true });
    run(process.env.PYTHON ?? 'python3', ['-m', 'venv', dir], log);
    run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', ...wanted], log);
    writeFileSync(stamp, `${JSON.stringify({ requirements: wanted }, null, 2)}\n`);
  }
  const facts = JSON.parse(
    run(
      python,
      [
        '-c',
        [
          'import json, duckdb',
          'from importlib.metadata import version',
          "v, s = duckdb.sql('select version(), source_id from pragma_version()').fetchone()",
          "print(json.dumps({'dbtCore': version('dbt-core'), 'dbtDuckdb': version('dbt-duckdb'), 'duckdb': v, 'duckdbSourceId': s}))",
        ].join('\n'),
      ],
      log,
    ),
  ) as DbtVenv['versions'];
  if (facts.duckdb !== `v${projectDuckdbVersion()}`)
    throw new Error(
      `the dbt venv runs DuckDB ${facts.duckdb}, duckflow ${projectDuckdbVersion()}: delete ${dir}`,
    );
  return { dir, python, dbt: join(dir, 'bin', 'dbt'), versions: facts };
}
