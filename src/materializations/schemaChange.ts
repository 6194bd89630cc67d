import type { Column } from '../adapters/types.ts';
import type { MaterializeContext } from './types.ts';
import type { TableRelation } from '../core/relation.ts';

export type OnSchemaChange = 'ignore' | 'fail' | 'append_new_columns' | 'sync_all_columns';

export const ON_SCHEMA_CHANGE: OnSchemaChange[] = [
  'ignore',
  'fail',
  'append_new_columns',
  'sync_all_columns',
];

/** How the model's SELECT differs from its table (dbt's check_for_schema_changes). */
export interface SchemaDiff {
  /** In the SELECT, not in the table. */
  added: Column[];
  /** In the table, no longer in the SELECT. */
  removed: Column[];
  /** In both, with another type. */
  retyped: { name: string; from: string; to: string }[];
}

const sameType = (a: string, b: string) =>
  a.replace(/\s+/g, ' ').toLowerCase() === b.replace(/\s+/g, ' ').toLowerCase();

export function diffColumns(table: Column[], select: Column[]): SchemaDiff {
  const inTable = new Map(table.map((c) => [c.name, c]));
  const inSelect = new Set(select.map((c) => c.name));
  return {
    added: select.filter((c) => !inTable.has(c.name)),
    removed: table.filter((c) => !inSelect.has(c.name)),
    retyped: select
      .filter((c) => inTable.has(c.name) && !sameType(inTable.get(c.name)!.type, c.type))
      .map((c) => ({ name: c.name, from: inTable.get(c.name)!.type, to: c.type })),
  };
}

const names = (columns: { name: string }[]) => columns.map((c) => c.name).join(', ');
const retypes = (d: SchemaDiff) =>
  d.retyped.map((r) => `${r.name} ${r.from} -> ${r.to}`).join(', ');

/**
 * Bring the table's columns in line with the SELECT's as `on_schema_change` says, as dbt
 * defines the modes, except that nothing happens silently: a column the SELECT no longer yields
 * is an error under `ignore` (dbt's insert would fail on it too; filling it with NULL would hide
 * the rename), and what `ignore` or `append_new_columns` leave aside is a warning. Returns the
 * columns to insert, and whether the SELECT's columns differed from the table's.
 */
export async function reconcileSchema(
  ctx: Pick<MaterializeContext, 'adapter' | 'conn' | 'log'>,
  target: TableRelation,
  mode: OnSchemaChange,
  select: Column[],
): Promise<{ columns: string[]; changed: boolean }> {
  const { adapter, conn } = ctx;
  const { dialect } = adapter;
  const table = await adapter.columns(conn, target);
  const diff = diffColumns(table, select);
  const shown = dialect.relation(target);
  const changed = diff.added.length + diff.removed.length + diff.retyped.length > 0;
  if (!changed) return { columns: select.map((c) => c.name), changed };
  if (mode === 'fail')
    throw new Error(
      [
        `on_schema_change is 'fail' and the model's SELECT no longer matches ${shown}:`,
        diff.added.length && `  new in the SELECT: ${names(diff.added)}`,
        diff.removed.length && `  no longer in the SELECT: ${names(diff.removed)}`,
        diff.retyped.length && `  new types: ${retypes(diff)}`,
        `rebuild it with --full-refresh, or set on_schema_change to append_new_columns or sync_all_columns`,
      ]
        .filter(Boolean)
        .join('\n'),
    );
  if (mode === 'ignore' && diff.removed.length > 0)
    throw new Error(
      `the model's SELECT no longer yields column${diff.removed.length === 1 ? '' : 's'} ${names(diff.removed)} of ${shown}` +
        (diff.added.length ? ` (it yields ${names(diff.added)} instead)` : '') +
        `; on_schema_change 'ignore' (the default) would fill ${diff.removed.length === 1 ? 'it' : 'them'} with NULL. ` +
        `Rebuild the table with --full-refresh, or set on_schema_change: sync_all_columns (drops removed columns, adds new ones)`,
    );
  if (mode === 'ignore') {
    if (diff.added.length)
      ctx.log(
        'warn',
        `the SELECT has new column${diff.added.length === 1 ? '' : 's'} ${names(diff.added)} that ${shown} lacks: not loaded (on_schema_change 'ignore'); run with --full-refresh or set on_schema_change: append_new_columns`,
      );
    if (diff.retyped.length)
      ctx.log(
        'warn',
        `column types changed (${retypes(diff)}): values are cast to the table's types (on_schema_change 'ignore'); sync_all_columns changes the table's`,
      );
    const kept = new Set(table.map((c) => c.name));
    return { columns: select.filter((c) => kept.has(c.name)).map((c) => c.name), changed };
  }
  // Refused before any column changes: a database without transactional DDL keeps what is done.
  if (mode === 'sync_all_columns' && diff.retyped.length && !dialect.capabilities.retypeColumns)
    throw new Error(
      `on_schema_change 'sync_all_columns' would change column types of ${shown} (${retypes(diff)}), which this ${adapter.type} target's tables cannot do; rebuild it with --full-refresh, or cast the columns in the SELECT to the table's types`,
    );
  for (const c of diff.added) await conn.run(dialect.addColumn(target, c.name, c.type));
  if (mode === 'sync_all_columns') {
    for (const c of diff.removed) await conn.run(dialect.dropColumn(target, c.name));
    for (const r of diff.retyped) await conn.run(dialect.alterColumnType(target, r.name, r.to));
  } else {
    if (diff.removed.length)
      ctx.log(
        'warn',
        `${names(diff.removed)} no longer in the SELECT: kept in ${shown}, NULL in new rows (on_schema_change 'append_new_columns')`,
      );
    if (diff.retyped.length)
      ctx.log(
        'warn',
        `column types changed (${retypes(diff)}): the table keeps its types (on_schema_change 'append_new_columns')`,
      );
  }
  const done = [
    diff.added.length && `added ${names(diff.added)}`,
    mode === 'sync_all_columns' && diff.removed.length && `dropped ${names(diff.removed)}`,
    mode === 'sync_all_columns' && diff.retyped.length && `retyped ${retypes(diff)}`,
  ].filter(Boolean);
  if (done.length) ctx.log('info', `${shown}: ${done.join('; ')} (on_schema_change '${mode}')`);
  return { columns: select.map((c) => c.name), changed };
}
