/**
 * The Trino server `npm run bench -- --engine trino` builds in: the one at DUCKFLOW_TRINO_URL
 * (its Hive catalog's local folder in DUCKFLOW_TRINO_WAREHOUSE), else a single node that
 * scripts/trino.sh installs, starts and, after the run, stops.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TrinoClient } from '../../src/adapters/trino/client.ts';
import type { BenchEngine } from './project.ts';
import { REPO } from './measure.ts';

export interface TrinoServer {
  target: BenchEngine;
  version(): Promise<string>;
  stop(): Promise<void>;
}

const script = (command: string) =>
  execFileSync('bash', [join(REPO, 'scripts', 'trino.sh'), command], { encoding: 'utf8' }).trim();

export async function startTrino(log: (line: string) => void): Promise<TrinoServer> {
  let url = process.env.DUCKFLOW_TRINO_URL;
  let warehouse = process.env.DUCKFLOW_TRINO_WAREHOUSE;
  const started = !url;
  if (started) {
    log('Trino: starting a single node (scripts/trino.sh)');
    script('start');
    url = script('url');
    warehouse = script('warehouse');
  } else if (!warehouse) {
    throw new Error(
      'DUCKFLOW_TRINO_URL is set without DUCKFLOW_TRINO_WAREHOUSE, the local folder of its Hive catalog',
    );
  }
  const { hostname, port } = new URL(url!);
  return {
    target: {
      type: 'trino',
      host: hostname,
      port: Number(port),
      user: 'duckflow',
      catalog: 'hive',
      staging_location: 'local:///duckflow_staging',
      staging_path: join(warehouse!, 'duckflow_staging'),
    },
    version: async () => {
      const client = new TrinoClient({ url: url!, user: 'duckflow' });
      return (await client.info()).version;
    },
    stop: async () => {
      if (started) script('stop');
    },
  };
}
