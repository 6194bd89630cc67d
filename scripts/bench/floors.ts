/**
 * The floors of a benchmark run, measured in a child process on the same export file and with
 * the same DuckDB settings as the build (see scripts/bench.ts):
 *
 * - parse floor: DuckDB's own JSON reader turning the file into a typed table (explicit columns,
 *   nothing inferred) - what any pipeline has to pay to get typed events out of the text;
 * - sort floor: the logged-in events of that table sorted by (customer, time) into a table -
 *   what any sessionizer has to pay to see each customer's events in order.
 *
 * Prints one JSON object on stdout. Usage:
 *   node --import tsx scripts/bench/floors.ts --db x.duckdb --events export.ndjson \
 *     [--memory-limit 8GB] [--threads 2] [--temp-dir dir] [--preserve-insertion-order false]
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';

export const EVENT_COLUMNS =
  `{id: 'BIGINT', type: 'VARCHAR', event: 'STRUCT("user-agent" VARCHAR, ip VARCHAR, "customer-id" BIGINT, ` +
  `"timestamp" TIMESTAMP, page VARCHAR, referrer VARCHAR, query VARCHAR, product VARCHAR, position BIGINT)'}`;

export function parseFloorSql(eventsPath: string): string {
  const path = `'${eventsPath.replaceAll("'", "''")}'`;
  // ignore_errors: a malformed line becomes a row of NULLs instead of failing the read.
  return `create table parse_floor as select * from read_json(${path}, format = 'newline_delimited', ignore_errors = true, columns = ${EVENT_COLUMNS})`;
}

export const SORT_FLOOR_SQL = `create table sort_floor as
select
    id as event_id,
    event."customer-id" as customer_id,
    event."timestamp" as event_ts,
    type as event_type,
    event.page as page_url,
    event.referrer as referrer_url,
    event.product as product_id,
    event."user-agent" as user_agent,
from parse_floor
where event."customer-id" is not null
order by customer_id, event_ts`;

export interface FloorReport {
  parseSeconds: number;
  parseRows: number;
  sortSeconds: number;
  sortRows: number;
  dbFileBytes: number;
  duckdbVersion: string;
  duckdbSourceId: string;
  threads: number;
  memoryLimit: string;
  preserveInsertionOrder: boolean;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      events: { type: 'string' },
      'memory-limit': { type: 'string' },
      threads: { type: 'string' },
      'temp-dir': { type: 'string' },
      'preserve-insertion-order': { type: 'string', default: 'false' },
    },
  });
  if (!values.db || !values.events) throw new Error('--db and --events are required');
  const options: Record<string, string> = {
    preserve_insertion_order: values['preserve-insertion-order']!,
  };
  if (values['memory-limit']) options.memory_limit = values['memory-limit'];
  if (values.threads) options.threads = values.threads;
  if (values['temp-dir']) options.temp_directory = values['temp-dir'];
  const instance = await DuckDBInstance.create(values.db, options);
  const conn = await instance.connect();
  const timed = async (sql: string): Promise<number> => {
    const started = performance.now();
    await conn.run(sql);
    return (performance.now() - started) / 1000;
  };
  const scalar = async (sql: string): Promise<unknown> =>
    (await conn.runAndReadAll(sql)).getRowsJson()[0][0];

  const parseSeconds = await timed(parseFloorSql(values.events));
  const sortSeconds = await timed(SORT_FLOOR_SQL);
  const report: FloorReport = {
    parseSeconds,
    parseRows: Number(await scalar('select count(*) from parse_floor')),
    sortSeconds,
    sortRows: Number(await scalar('select count(*) from sort_floor')),
    dbFileBytes: 0,
    duckdbVersion: String(await scalar('select version()')),
    duckdbSourceId: String(await scalar('select source_id from pragma_version()')),
    threads: Number(await scalar(`select current_setting('threads')`)),
    memoryLimit: String(await scalar(`select current_setting('memory_limit')`)),
    preserveInsertionOrder: Boolean(
      await scalar(`select current_setting('preserve_insertion_order')`),
    ),
  };
  conn.closeSync();
  instance.closeSync();
  report.dbFileBytes = statSync(values.db).size;
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
