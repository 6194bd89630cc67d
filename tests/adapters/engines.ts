import { inject } from 'vitest';
import { stringify } from 'yaml';
import { ADAPTERS } from '../../src/adapters/registry.ts';
import { project, removeFixtures, type FileMap } from '../helpers/fixture.ts';
import { dropTrinoSchemas, TRINO_CATALOGS, TRINO_URL, trinoTarget } from '../trino/server.ts';

/**
 * How the conformance suite reaches each registered adapter: the `targets:` entry of a fixture
 * project. `schema` is unique per fixture, so fixtures sharing one server never meet.
 */
export interface Engine {
  type: string;
  /** The adapter type, and the catalog where one adapter builds in several kinds. */
  name: string;
  target(schema: string): Record<string, unknown>;
  /** Remove the fixtures' schemas from a server that outlives the suite. */
  dropSchemas?(schemas: string[]): Promise<void>;
  /** The target's tables are Hive's: no `merge`, no row-level delete, no column retyping. */
  hive?: boolean;
  /**
   * A suite's cases on this engine run at once: a Trino build waits on the coordinator's
   * per-statement latency far more than on this machine's cores, and each case has its schema.
   */
  concurrent?: boolean;
}

const ENGINES: Record<string, Engine[]> = {
  duckdb: [
    {
      type: 'duckdb',
      name: 'duckdb',
      target: (schema) => ({ type: 'duckdb', path: 'target/db.duckdb', schema, threads: 2 }),
    },
  ],
  postgres: [
    {
      type: 'postgres',
      name: 'postgres',
      target: (schema) => {
        const server = inject('postgres');
        // The password reaches project.yml the way a user's should: through env_var().
        process.env.DUCKFLOW_TEST_PG_PASSWORD = server.password;
        return {
          type: 'postgres',
          host: server.host,
          port: server.port,
          user: server.user,
          password: "{{ env_var('DUCKFLOW_TEST_PG_PASSWORD') }}",
          database: server.database,
          schema,
          threads: 2,
        };
      },
    },
  ],
  // Only with a server (tests/trino/server.ts says loudly when there is none), once per catalog
  // kind: the connector decides what the materializations do.
  trino: TRINO_CATALOGS.map((catalog) => ({
    type: 'trino',
    name: `trino-${catalog}`,
    target: (schema) => trinoTarget(schema, catalog),
    dropSchemas: (schemas) => dropTrinoSchemas(schemas, catalog),
    hive: catalog === 'hive',
    concurrent: true,
  })),
};

/**
 * How a suite runs its cases on `engine`: at once where it is `concurrent`, each given longer,
 * as a case then also waits for the others' statements.
 */
export const suiteOptions = (engine: Engine) =>
  engine.concurrent ? { concurrent: true, timeout: 180_000 } : {};

/** Every registered adapter, each with its ways in: an adapter without one fails the suite. */
export function engines(): Engine[] {
  return Object.keys(ADAPTERS)
    .filter((type) => type !== 'trino' || TRINO_URL)
    .flatMap((type) => {
      const engines = ENGINES[type];
      if (!engines)
        throw new Error(`no conformance target for adapter '${type}' in tests/adapters/engines.ts`);
      return engines;
    });
}

let fixtures = 0;
/** A schema name no other fixture of this process uses. */
export const freshSchema = () => `conf_${process.pid}_${++fixtures}`;

const made = new Map<Engine, string[]>();

/** Remove the fixture folders, and the schemas they made on servers that outlive the suite. */
export async function removeEngineFixtures(): Promise<void> {
  removeFixtures();
  for (const [engine, schemas] of made) await engine.dropSchemas?.(schemas);
  made.clear();
}

/**
 * A fixture project building in a fresh schema of `engine` (removed by `removeEngineFixtures`);
 * `rel` quotes one of its relations.
 */
export function engineFixture(engine: Engine, files: FileMap, extra: Record<string, unknown> = {}) {
  const schema = freshSchema();
  made.set(engine, [...(made.get(engine) ?? []), schema]);
  const p = project({
    'project.yml': stringify({
      name: 'conf',
      target: 'dev',
      targets: { dev: engine.target(schema) },
      ...extra,
    }),
    ...files,
  });
  return { ...p, schema, rel: (name: string) => `"${schema}"."${name}"` };
}
