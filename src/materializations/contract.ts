import type { Column } from '../adapters/types.ts';
import type { Dialect } from '../core/dialect.ts';
import type { ColumnConstraint, ColumnSpec, ModelNode, SeedNode } from '../core/nodes.ts';
import type { TableRelation } from '../core/relation.ts';
import { runCompiled } from './sqlError.ts';
import type { MaterializeContext } from './types.ts';

/** The declared columns of a model whose contract is enforced (`contract: {enforced: true}`). */
export function enforcedContract(node: ModelNode | SeedNode): ColumnSpec[] | undefined {
  const contract = node.config.contract as { enforced?: boolean } | undefined;
  return node.kind === 'model' && contract?.enforced ? Object.values(node.columns) : undefined;
}

/** Constraints of a contracted model this database does not enforce, for a warning. */
export function unenforcedConstraints(node: ModelNode, dialect: Dialect): string[] {
  const contract = enforcedContract(node);
  if (!contract) return [];
  const supported = dialect.capabilities.constraints ?? [];
  const applied = node.materialized === 'view' ? [] : supported;
  return contract.flatMap((c) =>
    (c.constraints ?? [])
      .filter((k) => !applied.includes(k.type))
      .map((k) => `${node.name}.${c.name}: ${k.type}`),
  );
}

const HEADER = ['column_name', 'definition_type', 'contract_type', 'mismatch_reason'];

/** dbt's mismatch table: one row per column whose name or type differs, as dbt prints it. */
export function mismatchTable(rows: string[][]): string {
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(HEADER), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * Before a contracted model is built: its query's columns must be the contract's, by name and
 * type. Both sides are typed by the database (`cast(null as <data_type>)`), so `int` and
 * `integer` agree. A mismatch fails the model with dbt's table; nothing is built.
 */
export async function checkContract(
  ctx: MaterializeContext,
  contract: ColumnSpec[],
): Promise<Column[]> {
  const { adapter, conn, compiled } = ctx;
  const q = adapter.dialect.quote;
  const untyped = contract.filter((c) => !c.data_type).map((c) => c.name);
  if (contract.length === 0 || untyped.length > 0)
    throw new Error(
      contract.length === 0
        ? 'the contract is enforced but the model declares no columns with a data_type'
        : `the contract is enforced: give every column a data_type (missing for ${untyped.join(', ')})`,
    );
  const declared = await adapter.describe(
    conn,
    `select ${contract.map((c) => `cast(null as ${c.data_type}) as ${q(c.name)}`).join(', ')}`,
  );
  const defined = await adapter.describe(conn, compiled!.sql);
  const definedType = new Map(defined.map((c) => [c.name, c.type]));
  const declaredNames = new Set(contract.map((c) => c.name));
  const rows: string[][] = [];
  declared.forEach((c) => {
    const type = definedType.get(c.name);
    if (type === undefined) rows.push([c.name, '', c.type, 'missing in definition']);
    else if (type.toLowerCase() !== c.type.toLowerCase())
      rows.push([c.name, type, c.type, 'data type mismatch']);
  });
  for (const c of defined)
    if (!declaredNames.has(c.name)) rows.push([c.name, c.type, '', 'missing in contract']);
  if (rows.length > 0)
    throw new Error(
      `This model has an enforced contract that failed.\nPlease ensure the name, data_type, and number of columns in your contract match the columns in your model's definition.\n\n${mismatchTable(rows)}`,
    );
  return declared;
}

function constraintSql(k: ColumnConstraint, q: (s: string) => string): string {
  const name = k.name ? `constraint ${q(k.name)} ` : '';
  switch (k.type) {
    case 'not_null':
      return `${name}not null`;
    case 'unique':
      return `${name}unique`;
    case 'primary_key':
      return `${name}primary key`;
    case 'check':
      return `${name}check (${k.expression})`;
    case 'foreign_key':
      return `${name}references ${k.expression}`;
  }
}

/**
 * dbt's contracted table: created with the contract's columns, types and the constraints the
 * database enforces, then filled from the query in the contract's column order.
 */
export async function createContracted(
  ctx: MaterializeContext,
  staging: TableRelation,
  contract: ColumnSpec[],
): Promise<number> {
  const { adapter, conn, compiled } = ctx;
  const { dialect } = adapter;
  const q = dialect.quote;
  const declared = await checkContract(ctx, contract);
  const supported = dialect.capabilities.constraints ?? [];
  const columns = contract.map((c, i) => {
    const constraints = (c.constraints ?? []).filter((k) => supported.includes(k.type));
    return [q(c.name), declared[i].type, ...constraints.map((k) => constraintSql(k, q))].join(' ');
  });
  const target = dialect.relation(staging);
  await conn.run(`create table ${target} (\n  ${columns.join(',\n  ')}\n)`);
  const names = contract.map((c) => q(c.name)).join(', ');
  await runCompiled(
    adapter,
    conn,
    compiled!,
    `insert into ${target} (${names})\nselect ${names} from (\n${compiled!.sql}\n) as model_subq`,
  );
  const counted = await conn.query(`select count(*) as n from ${target}`);
  return Number(counted.rows[0].n);
}
