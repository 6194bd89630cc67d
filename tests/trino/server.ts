/**
 * The Trino suite runs against a real server: `scripts/trino.sh start` brings one up on
 * 127.0.0.1 and `DUCKFLOW_TRINO_URL` points the tests at it. npm cannot ship Trino, so on a
 * machine without one the suite is skipped, loudly; CI sets DUCKFLOW_REQUIRE_TRINO=1, where a
 * missing server is a failure instead.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrinoClient } from '../../src/adapters/trino/client.ts';

export const TRINO_URL = process.env.DUCKFLOW_TRINO_URL;

/** The local folder of the server's `hive` catalog (`scripts/trino.sh warehouse`). */
const WAREHOUSE =
  process.env.DUCKFLOW_TRINO_WAREHOUSE ??
  resolve(fileURLToPath(import.meta.url), '../../../.trino/warehouse');

if (!TRINO_URL) {
  if (process.env.DUCKFLOW_REQUIRE_TRINO === '1')
    throw new Error(
      'DUCKFLOW_REQUIRE_TRINO=1 but DUCKFLOW_TRINO_URL is not set: start one with scripts/trino.sh start',
    );
  console.warn(
    '\n*** Trino suite SKIPPED: no Trino server. Run `bash scripts/trino.sh start` and set ' +
      'DUCKFLOW_TRINO_URL=http://127.0.0.1:18080 to run it (CI does). ***\n',
  );
}

/**
 * The server's catalogs the suite builds in: `hive`, and `iceberg` when the server has one (a
 * server started by an older scripts/trino.sh has not; CI's always has).
 */
export const TRINO_CATALOGS: string[] = TRINO_URL ? await catalogs(TRINO_URL) : [];

async function catalogs(url: string): Promise<string[]> {
  const { rows } = await new TrinoClient({ url, user: 'duckflow' }).query(
    "select catalog_name from system.metadata.catalogs where catalog_name in ('hive', 'iceberg') order by 1",
  );
  const names = rows.map(([name]) => String(name));
  if (!names.includes('iceberg')) {
    if (process.env.DUCKFLOW_REQUIRE_TRINO === '1')
      throw new Error(
        `the Trino at ${url} has no iceberg catalog: restart it with scripts/trino.sh`,
      );
    console.warn(
      `\n*** Trino Iceberg suite SKIPPED: the Trino at ${url} has no iceberg catalog (restart it with scripts/trino.sh). ***\n`,
    );
  }
  return names;
}

/**
 * A `targets:` entry building in a catalog of the test server, under `schema`. Seeds and unit
 * test rows are staged as Parquet files the `hive` catalog reads, whichever catalog builds.
 */
export function trinoTarget(schema: string, catalog = 'hive'): Record<string, unknown> {
  const url = new URL(TRINO_URL!);
  return {
    type: 'trino',
    host: url.hostname,
    port: Number(url.port),
    user: 'duckflow',
    catalog,
    schema,
    // Trino's statements wait on the coordinator more than on CPU: more of them overlap well.
    threads: 4,
    staging_location: 'local:///duckflow_staging',
    staging_path: join(WAREHOUSE, 'duckflow_staging'),
    staging_catalog: 'hive',
  };
}

/**
 * Drop fixtures' schemas with their tables and views (Hive's `cascade` leaves views behind) from
 * `catalog`, and from `hive` where staged files were registered: the server outlives the tests.
 * A schema that cannot be dropped is reported, not a test failure.
 */
export async function dropTrinoSchemas(schemas: string[], catalog = 'hive'): Promise<void> {
  for (const c of new Set([catalog, 'hive'])) {
    const client = new TrinoClient({ url: TRINO_URL!, user: 'duckflow', catalog: c });
    for (const schema of schemas) {
      try {
        const { rows } = await client.query(
          `select table_name, table_type from information_schema.tables where table_schema = '${schema}'`,
        );
        for (const [name, type] of rows)
          await client.query(
            `drop ${type === 'VIEW' ? 'view' : 'table'} if exists "${schema}"."${String(name)}"`,
          );
        await client.query(`drop schema if exists "${schema}"`);
      } catch (e) {
        console.warn(`could not drop Trino schema ${c}.${schema}: ${(e as Error).message}`);
      }
    }
  }
}
