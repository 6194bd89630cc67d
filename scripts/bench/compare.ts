/**
 * Two builds of the same export, table by table: every relation of the reference database
 * must be in the other with the same columns (names and types, in order) and the same rows,
 * `EXCEPT ALL` empty both ways (duplicates counted). `changedByDesign` names relations whose
 * shape differs on purpose, and duckflow's run records differ by run: both are reported, not
 * compared.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { GENERATIONS_TABLE } from '../../src/materializations/writeLog.ts';
import { TEST_RESULTS_TABLE } from '../../src/testing/scope/outcomes.ts';

/** duckflow's record of its own runs (scoped tests' premise): differs by run, holds no data. */
const RUN_RECORDS = [GENERATIONS_TABLE, TEST_RESULTS_TABLE];

export interface RelationDiff {
  relation: string;
  problem: string;
}

/** A relation compared row by row: its reference row count and the rows on one side only. */
export interface ComparedRelation {
  relation: string;
  rows: number;
  onlyRef: number;
  onlyBuilt: number;
}

export interface Comparison {
  reference: string;
  compared: number;
  relations: ComparedRelation[];
  skipped: string[];
  differences: RelationDiff[];
}

export async function compareBuilds(
  referencePath: string,
  builtPath: string,
  changedByDesign: string[] = [],
  /** DuckDB options of the comparing database (memory_limit, temp_directory, ...). */
  settings: Record<string, string> = {},
): Promise<Comparison> {
  const db = await DuckDBInstance.create(':memory:', settings);
  const conn = await db.connect();
  const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS();
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  try {
    await conn.run(`attach ${lit(referencePath)} as ref (read_only)`);
    await conn.run(`attach ${lit(builtPath)} as built (read_only)`);
    const columns = async (catalog: string) => {
      const found = await rows(
        `select schema_name || '.' || table_name as rel, list(column_name || ' ' || data_type order by column_index) as cols
         from duckdb_columns() where database_name = ${lit(catalog)} group by all`,
      );
      return new Map(found.map((r) => [String(r.rel), (r.cols as string[]).join(', ')]));
    };
    const [ref, built] = [await columns('ref'), await columns('built')];
    const result: Comparison = {
      reference: referencePath,
      compared: 0,
      relations: [],
      skipped: [],
      differences: [],
    };
    for (const [relation, cols] of [...ref].sort()) {
      const name = relation.split('.').pop()!;
      if (changedByDesign.includes(name) || RUN_RECORDS.includes(name)) {
        result.skipped.push(relation);
        continue;
      }
      const other = built.get(relation);
      if (other === undefined) {
        result.differences.push({ relation, problem: 'missing from the build' });
        continue;
      }
      if (other !== cols) {
        result.differences.push({ relation, problem: `columns (${other}) instead of (${cols})` });
        continue;
      }
      const [a, b] = [`ref.${relation}`, `built.${relation}`];
      const [diff] = await rows(
        `select (select count(*) from ${a}) as rows,
                (select count(*) from (from ${a} except all from ${b})) as only_ref,
                (select count(*) from (from ${b} except all from ${a})) as only_built`,
      );
      result.compared++;
      result.relations.push({
        relation,
        rows: Number(diff.rows),
        onlyRef: Number(diff.only_ref),
        onlyBuilt: Number(diff.only_built),
      });
      if (Number(diff.only_ref) + Number(diff.only_built) > 0)
        result.differences.push({
          relation,
          problem: `${diff.only_ref} rows only in the reference, ${diff.only_built} only in the build`,
        });
    }
    return result;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
