/**
 * The webshop's incremental models are exact: random exports (tests/incremental/
 * webshop-batches.ts) arrive batch by batch, and after every batch each model the build keeps
 * (stg_events, stg_events_rejected, session_events, sessions, and the tables rebuilt from them:
 * customer_journeys, the metrics, the reconciliation) equals, by EXCEPT ALL both ways, a full
 * refresh of the batches so far put end to end. The real project (models, macros) is built
 * through duckflow's API on DuckDB and on PostgreSQL; each engine's two schemas live in one
 * database, shared by every case.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, openSession, query, type RunOptions } from '../../src/api.ts';
import { engines } from '../adapters/engines.ts';
import { copyProject, type ProjectCopy } from '../webshop/project-copy.ts';
import { exceptAll, writeTwoTargets, type TwoTargets } from './two-targets.ts';
import { batchesArbitrary } from './webshop-batches.ts';

const RUNS = 3;
const MAX_BATCHES = 3;
/** Tables of the latest export only (raw_events and what is parsed from it) or of each load. */
const PER_LOAD = new Set([
  'raw_events',
  'stg_events_parsed',
  'stg_events_duplicate_ids',
  'stg_event_loads',
]);
/** Models only: the data and unit tests are checked elsewhere, and would cost most of the time. */
const MODELS_ONLY: Pick<RunOptions, 'exclude'> = {
  exclude: ['resource_type:test', 'resource_type:unit_test'],
};

// Not on Trino: a build there costs about a minute of statement latency, and this property
// builds the project up to 18 times per engine (tests/webshop/engines.test.ts covers Trino).
const propertyEngines = engines().filter((e) => e.type !== 'trino');

describe.each(propertyEngines)(
  'webshop incremental builds equal full refreshes: $type',
  (engine) => {
    let project: ProjectCopy;
    let compared: string[];
    let schemas: TwoTargets;
    let batchFile: string;
    let allFile: string;

    beforeAll(() => {
      project = copyProject({ withCommittedEvents: false });
      batchFile = join(project.dir, 'batch.ndjson');
      allFile = join(project.dir, 'all.ndjson');
      writeFileSync(batchFile, '');
      schemas = writeTwoTargets(project.dir, engine, {
        name: 'webshop',
        vars: {
          session_gap_minutes: 30,
          purchase_event_types: ['PLACED_ORDER'],
          events_path: batchFile,
        },
        'test-paths': ['tests/data'],
      });
      const { project: loaded } = openSession({ projectDir: project.dir });
      compared = [...loaded.models.keys()]
        .map((id) => loaded.models.get(id)!.name)
        .filter((name) => !PER_LOAD.has(name))
        .sort();
    });
    afterAll(() => {
      project?.remove();
      schemas?.remove();
    });

    const run = async (sql: string) =>
      (await query(sql, { projectDir: project.dir, target: 'inc' })).rows;
    /** Rows of each relation found in one schema and not the other, counted in one query. */
    const differences = async (): Promise<string[]> => {
      const counts = await run(
        compared
          .map(
            (r) =>
              `select '${r}' as relation, (select count(*) from (${exceptAll(r, schemas.full, schemas.inc)}) as d)::integer as full_only, (select count(*) from (${exceptAll(r, schemas.inc, schemas.full)}) as d)::integer as incremental_only`,
          )
          .join(' union all '),
      );
      const differing = counts.filter((c) => c.full_only !== 0 || c.incremental_only !== 0);
      // The rows themselves, for the report, only when something differs.
      return (
        await Promise.all(
          differing.map(async (c) => {
            const r = String(c.relation);
            const rows = await run(
              `select 'full only' as side, d.* from (${exceptAll(r, schemas.full, schemas.inc)}) as d union all select 'incremental only', d.* from (${exceptAll(r, schemas.inc, schemas.full)}) as d`,
            );
            return rows.map((row) => `${r}: ${JSON.stringify(row)}`);
          }),
        )
      ).flat();
    };

    const buildOk = async (options: RunOptions) => {
      const report = await build({ projectDir: project.dir, ...MODELS_ONLY, ...options });
      const failed = report.results.filter((r) => r.status !== 'success');
      expect(failed.map((r) => `${r.name}: ${r.message}`)).toEqual([]);
    };

    it('after every batch, every kept model equals a full refresh of the batches so far', async () => {
      await fc.assert(
        fc.asyncProperty(batchesArbitrary(30, MAX_BATCHES), async (batches) => {
          const sofar: string[] = [];
          for (const [i, batch] of batches.entries()) {
            // A batch that repeats the one before line for line is that load again (how a build
            // that failed part-way is rerun, docs/incremental.md): it adds nothing.
            const rerun = i > 0 && batch.join('\n') === batches[i - 1].join('\n');
            if (!rerun) sofar.push(...batch);
            writeFileSync(batchFile, `${batch.join('\n')}\n`);
            writeFileSync(allFile, `${sofar.join('\n')}\n`);
            await buildOk({
              target: 'inc',
              fullRefresh: i === 0,
              vars: { events_path: batchFile },
            });
            await buildOk({ target: 'full', fullRefresh: true, vars: { events_path: allFile } });
            const diffs = await differences();
            expect(diffs, `after batch ${i + 1} of ${batches.length}`).toEqual([]);
          }
        }),
        { numRuns: RUNS },
      );
    }, 240_000);
  },
);
