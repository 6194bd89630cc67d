import type { TableRelation } from '../../../core/relation.ts';
import type { Connection } from '../../types.ts';
import { inTransaction } from '../../transaction.ts';
import { duckdbDialect } from '../dialect.ts';

/** How a load numbers its lines: by the row order of an order-keeping plan, or by row_number(). */
export type Numbering = 'plan' | 'row_number';

/**
 * While any ordered load runs, its database keeps insertion order and does not rewrite IN
 * lists into joins (which DuckDB plans as an unordered CREATE TABLE AS). Nor does it swap a
 * join's build and probe sides by estimated size: DuckDB estimates a read_csv scan at a few
 * dozen rows, so the raw-text recovery's semi join (duplicateRaw.ts) would build its hash table
 * from the whole file instead of the few wanted hashes (10M lines, 1.5 GB limit: 12 s, the pool
 * full; with the join as written, 3 s and 0.3 GiB). The settings are global in DuckDB, so they
 * are set when the first load starts and put back when the last one ends; for other statements
 * meanwhile they only cost speed, never change a result.
 */
const DISABLED = ['in_clause', 'build_side_probe_side'];

export class OrderedScans {
  private active = 0;
  private saved: { order: string; disabled: string } | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  async around<T>(conn: Connection, fn: () => Promise<T>): Promise<T> {
    await this.serial(async () => {
      if (this.active++ > 0) return;
      const { rows } = await conn.query(
        `select current_setting('preserve_insertion_order')::varchar as o, current_setting('disabled_optimizers')::varchar as d`,
      );
      this.saved = { order: String(rows[0].o), disabled: String(rows[0].d ?? '') };
      const disabled = [...new Set([...list(this.saved.disabled), ...DISABLED])].join(',');
      await conn.run(
        `set preserve_insertion_order = true; set disabled_optimizers = ${duckdbDialect.literal(disabled)}`,
      );
    });
    try {
      return await fn();
    } finally {
      await this.serial(async () => {
        if (--this.active > 0 || !this.saved) return;
        const { order, disabled } = this.saved;
        this.saved = undefined;
        await conn.run(
          `set preserve_insertion_order = ${order}; set disabled_optimizers = ${duckdbDialect.literal(disabled)}`,
        );
      });
    }
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * Create `into` from `select(numbering)`, whose first column is record_number, numbered in file
 * order. The fast way lets every thread parse: `null` numbers, a plan that writes rows in scan
 * order (checked with EXPLAIN), then each row numbered by its row id (numberInPlace). When the
 * plan would not keep the order, row_number() over () numbers the scan on one thread instead.
 * Columns named in `uncompressed` are stored without compression (see writer).
 */
export async function createInFileOrder(
  conn: Connection,
  into: TableRelation,
  select: (recordNumber: string) => string,
  scans: OrderedScans,
  numbering: Numbering = 'plan',
  uncompressed: string[] = [],
): Promise<Numbering> {
  const write = await writer(conn, into, select('null::bigint'), uncompressed);
  const ordered =
    numbering === 'plan' &&
    (await scans.around(conn, async () => {
      const statement = write(select('null::bigint'));
      if (!keepsScanOrder(await physicalPlan(conn, statement))) return false;
      await numberInPlace(conn, duckdbDialect.relation(into), statement);
      return true;
    }));
  if (ordered) return 'plan';
  await conn.run(write(select('row_number() over ()')));
  return 'row_number';
}

/** DuckDB's row group: a table this small stays in its transaction's memory until the commit. */
const ROW_GROUP = 122_880;

/**
 * Write the rows, then number them by row id. A small table is numbered before the commit, in
 * the transaction's own storage, where it costs nothing (committed first, every row was written
 * again: a batch of 105k lines, 0.2 s). A larger one was written out already, and updating it in
 * the transaction cost more than after the commit (10M lines: 18.6 s against 14 s). Row ids run
 * on in write order from a base: 0 once committed, the transaction's own base before, so one
 * statement numbers either (its minimum costs 0.01 s at 10M rows).
 */
async function numberInPlace(conn: Connection, table: string, statement: string): Promise<void> {
  const number = `update ${table} set record_number = rowid - (select min(rowid) from ${table}) + 1`;
  const committed = await inTransaction(conn, true, async () => {
    await conn.run(statement);
    const { rows } = await conn.query(`select count(*) as n from ${table}`);
    if (Number(rows[0].n) > ROW_GROUP) return true;
    await conn.run(number);
    return false;
  });
  if (committed) await conn.run(number);
}

/**
 * The statement that writes rows into `into`: CREATE TABLE AS, or, for columns to be stored
 * uncompressed, INSERT into a table created first with those columns declared so (CREATE TABLE
 * AS takes no storage clause). A table of under one row group (122,880 rows) is compressed at the
 * commit's checkpoint, in the statement's time: for a batch whose every line keeps its text,
 * compressing that text took about as long as parsing the lines (105k lines: the checkpoint
 * took 0.46 s with it compressed, 0.23 s without).
 */
async function writer(
  conn: Connection,
  into: TableRelation,
  select: string,
  uncompressed: string[],
): Promise<(select: string) => string> {
  if (uncompressed.length === 0) return (rows) => duckdbDialect.createTableAs(into, rows);
  const table = duckdbDialect.relation(into);
  const { rows } = await conn.query(`describe ${select}`);
  const columns = rows.map((r) => {
    const name = String(r.column_name);
    const storage = uncompressed.includes(name) ? ' using compression uncompressed' : '';
    return `${duckdbDialect.quote(name)} ${String(r.column_type)}${storage}`;
  });
  // `or replace`: a first attempt whose INSERT failed (an export with bare CRs is read again,
  // masked: load.ts) leaves this table behind, empty.
  await conn.run(`create or replace table ${table} (${columns.join(', ')})`);
  return (rows) => `insert into ${table} ${rows}`;
}

interface PlanNode {
  name: string;
  children: PlanNode[];
}

async function physicalPlan(conn: Connection, statement: string): Promise<PlanNode[]> {
  const { rows } = await conn.query(`explain (format json) ${statement}`);
  const physical = rows.find((r) => r.explain_key === 'physical_plan') ?? rows[0];
  return JSON.parse(String(physical.explain_value)) as PlanNode[];
}

/** The plans that write each batch of a scan in its place (CREATE TABLE AS, INSERT). */
const BATCH_WRITES = new Set(['BATCH_CREATE_TABLE_AS', 'BATCH_INSERT']);

/**
 * Whether rows reach the table in scan order: DuckDB's BATCH_CREATE_TABLE_AS and BATCH_INSERT
 * write each batch in its place, and between them and the scan stand only projections. A join,
 * window, aggregate or filter anywhere, or any other root, and the order is not promised.
 */
export function keepsScanOrder(plan: PlanNode[]): boolean {
  const [root] = plan;
  if (plan.length !== 1 || !BATCH_WRITES.has(root.name)) return false;
  const streams = (node: PlanNode): boolean =>
    node.children.length === 0 ||
    (node.name === 'PROJECTION' && node.children.length === 1 && streams(node.children[0]));
  return root.children.length === 1 && streams(root.children[0]);
}
