/** `duckflow serve` as an API function: the project's API and docs site on one port. */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import type { LoadOptions } from '../project/loader.ts';
import { openSession } from '../runner/session.ts';
import { DUCKFLOW_VERSION } from '../version.ts';
import { buildApp } from './app.ts';
import { SnapshotStore } from './database.ts';
import { modelEndpoints, queryEndpoints } from './endpoints.ts';
import { allowedHosts } from './host.ts';
import { snapshotsDir } from './snapshot.ts';

export interface ServeOptions extends LoadOptions {
  /** 0 picks a free port (see `url`). */
  port?: number;
  /** Address to bind; loopback unless said otherwise. */
  host?: string;
  /** More Host header names to answer, e.g. the machine's name when binding 0.0.0.0. */
  allowedHosts?: string[];
}

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

export async function serve(options: ServeOptions = {}): Promise<ApiServer> {
  const session = openSession(options);
  const { project } = session;
  const store = await SnapshotStore.open(project.targetPath);
  if (!store)
    throw new UsageError(
      `no published snapshot in ${snapshotsDir(project.targetPath)}: run 'duckflow build' first` +
        (project.target.snapshots === 0
          ? ` (target '${project.target.name}' has snapshots: 0, which publishes none)`
          : ''),
    );
  const allowed = new Set<string>();
  try {
    const app = await buildApp({
      title: `${project.name} (duckflow serve)`,
      version: DUCKFLOW_VERSION,
      store,
      models: await modelEndpoints(session, store),
      queries: await queryEndpoints(session, store),
      docsDir: join(project.targetPath, 'docs'),
      allowedHosts: allowed,
    });
    const host = options.host ?? '127.0.0.1';
    await app.listen({ port: options.port ?? 8080, host });
    const { port, address } = app.server.address() as AddressInfo;
    for (const h of allowedHosts(address, port, options.allowedHosts)) allowed.add(h);
    return {
      url: `http://${address.includes(':') ? `[${address}]` : address}:${port}/`,
      close: async () => {
        await app.close();
        store.close();
      },
    };
  } catch (e) {
    store.close();
    throw e;
  }
}
