import type { Dialect } from '../../core/dialect.ts';
import { batchMatch, DEST, SOURCE, standardDialect } from '../sqlDialect.ts';
import { fileScan } from './readers.ts';

const base = standardDialect('duckdb', {
  transactionalDdl: true,
  createOrReplaceView: true,
  qualify: true,
  readsFiles: true,
  serialSchemaCreation: true,
  createOrReplaceTable: true,
  rowLevelDelete: true,
  merge: true,
  retypeColumns: true,
  concurrentDeletes: true,
  constraints: ['not_null', 'unique', 'primary_key', 'check'],
});

/** DuckDB literals: lists and structs besides scalars (reader options take both). */
function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${literal(k)}: ${literal(v)}`)
      .join(', ')}}`;
  return base.literal(value);
}

export const duckdbDialect: Dialect = {
  ...base,
  literal,
  relation: (r) => (r.kind === 'files' ? fileScan(r, duckdbDialect) : base.tableName(r)),
  now: () => 'now()::timestamp',
  // DuckDB turns an EXISTS whose condition is not all equalities (incremental_predicates) into a
  // join over every distinct outer row: 0.03 s for a table of 458k rows. SEMI JOIN is one hash
  // join with the predicates as conditions, 0.005 s, and like EXISTS never repeats a row.
  selectMatching: (target, source, keys, predicates, columns) =>
    `select ${columns} from ${base.tableName(target)} as ${DEST} semi join ${source} as ${SOURCE} on ${batchMatch(keys, predicates)}`,
};
