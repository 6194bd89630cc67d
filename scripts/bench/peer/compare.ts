/**
 * Whether two builds agree: every relation's rows (`EXCEPT ALL` both ways across the two database
 * files, attached read-only to one DuckDB) and every test's outcome.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { basename, extname } from 'node:path';
import { duckdbDialect } from '../../../src/adapters/duckdb/dialect.ts';
import { relationOf } from '../../../src/compile/compiler.ts';

const sqlLiteral = duckdbDialect.literal;
const quoteIdent = duckdbDialect.quote;
const relationName = (r: { schema: string; alias: string }) =>
  duckdbDialect.relation(relationOf(r));
import type { PortedRelation } from './port.ts';

export interface RelationComparison {
  name: string;
  duckflowRows: number;
  peerRows: number;
  /** Rows (with multiplicity) in duckflow's table and not in the peer's, and the reverse. */
  onlyInDuckflow: number;
  onlyInPeer: number;
  /** Same column names and types in the same order. */
  sameColumns: boolean;
  identical: boolean;
}

export async function compareDatabases(
  duckflowDb: string,
  peerDb: string,
  relations: PortedRelation[],
  settings: Record<string, string>,
): Promise<RelationComparison[]> {
  const instance = await DuckDBInstance.create(':memory:', settings);
  const conn = await instance.connect();
  try {
    // Attached under the names they were built with: a view's stored SQL names its catalog.
    const [ours, theirs] = [duckflowDb, peerDb].map((f) => basename(f, extname(f)));
    if (ours === theirs) throw new Error(`peer compare: both databases are named '${ours}'`);
    await conn.run(`attach ${sqlLiteral(duckflowDb)} as ${quoteIdent(ours)} (read_only)`);
    await conn.run(`attach ${sqlLiteral(peerDb)} as ${quoteIdent(theirs)} (read_only)`);
    const scalar = async (sql: string) =>
      Number((await conn.runAndReadAll(sql)).getRowsJson()[0][0]);
    const columns = async (db: string, r: PortedRelation) =>
      JSON.stringify(
        (
          await conn.runAndReadAll(
            `select column_name, data_type from duckdb_columns() where database_name = ${sqlLiteral(db)} and schema_name = ${sqlLiteral(r.schema)} and table_name = ${sqlLiteral(r.alias)} order by column_index`,
          )
        ).getRowsJson(),
      );
    const out: RelationComparison[] = [];
    for (const r of relations) {
      const a = `${quoteIdent(ours)}.${relationName(r)}`;
      const b = `${quoteIdent(theirs)}.${relationName(r)}`;
      const colsA = await columns(ours, r);
      const sameColumns = colsA !== '[]' && colsA === (await columns(theirs, r));
      const c: RelationComparison = {
        name: r.name,
        duckflowRows: await scalar(`select count(*) from ${a}`),
        peerRows: await scalar(`select count(*) from ${b}`),
        onlyInDuckflow: NaN,
        onlyInPeer: NaN,
        sameColumns,
        identical: false,
      };
      if (sameColumns) {
        c.onlyInDuckflow = await scalar(`select count(*) from (from ${a} except all from ${b})`);
        c.onlyInPeer = await scalar(`select count(*) from (from ${b} except all from ${a})`);
      }
      c.identical = sameColumns && c.onlyInDuckflow === 0 && c.onlyInPeer === 0;
      out.push(c);
    }
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export interface TestOutcome {
  status: string;
  failures: number | null;
}

/** Tests whose status or failing-row count differs, or that only one tool ran. */
export function testDifferences(
  duckflow: Map<string, TestOutcome>,
  peer: Map<string, TestOutcome>,
): string[] {
  const out: string[] = [];
  const show = (o: TestOutcome | undefined) =>
    o ? `${o.status}${o.failures === null ? '' : ` (${o.failures})`}` : 'not run';
  for (const name of new Set([...duckflow.keys(), ...peer.keys()])) {
    const a = duckflow.get(name);
    const b = peer.get(name);
    if (a?.status !== b?.status || (a?.failures ?? 0) !== (b?.failures ?? 0))
      out.push(`${name}: duckflow ${show(a)}, peer ${show(b)}`);
  }
  return out.sort();
}
