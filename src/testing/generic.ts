import type { Dialect } from '../core/dialect.ts';

/** What a built-in generic test is given: the relation under test and its arguments. */
export interface GenericTestInput {
  model: string;
  column?: string;
  args: Record<string, unknown>;
  /** Renders a `ref('x')`/`source('a','b')` argument into a relation (and records the dependency). */
  relationArg(text: string): string;
  dialect: Dialect;
}

type Builder = (input: GenericTestInput) => string;

function required(input: GenericTestInput, ...names: string[]): unknown {
  for (const n of names) if (input.args[n] !== undefined) return input.args[n];
  throw new Error(`argument '${names[0]}' is required`);
}

/**
 * A column name is quoted (so `position` or `Order` work); anything else is an expression, put
 * in as written, as dbt does (`column_name: "a || '-' || b"`).
 */
function columnSql(t: GenericTestInput, name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? t.dialect.quote(name) : name;
}

function column(input: GenericTestInput): string {
  if (!input.column) throw new Error('must be declared on a column (or given column_name)');
  return columnSql(input, input.column);
}

function comparison(t: GenericTestInput, value: unknown, op: string, col: string): string {
  return `${col} ${op} ${t.dialect.literal(value)}`;
}

/** Each returns a SELECT of the failing rows: empty means the test passes. */
export const GENERIC_TESTS: Record<string, Builder> = {
  not_null: (t) => `select *\nfrom ${t.model}\nwhere ${column(t)} is null`,

  unique: (t) =>
    `select ${column(t)} as unique_field, count(*) as n_records\nfrom ${t.model}\nwhere ${column(t)} is not null\ngroup by ${column(t)}\nhaving count(*) > 1`,

  accepted_values: (t) => {
    const values = required(t, 'values');
    if (!Array.isArray(values)) throw new Error("argument 'values' must be a list");
    const quote = t.args.quote !== false;
    const list = values.map((v) => (quote ? t.dialect.literal(String(v)) : String(v))).join(', ');
    return `select ${column(t)} as value_field, count(*) as n_records\nfrom ${t.model}\nwhere ${column(t)} not in (${list})\ngroup by ${column(t)}`;
  },

  relationships: (t) => {
    const parent = t.relationArg(String(required(t, 'to')));
    const field = columnSql(t, String(required(t, 'field')));
    return `select child.${column(t)} as from_field\nfrom ${t.model} as child\nleft join ${parent} as parent on child.${column(t)} = parent.${field}\nwhere child.${column(t)} is not null and parent.${field} is null`;
  },

  expression_is_true: (t) => {
    const expression = String(required(t, 'expression'));
    const predicate = t.column ? `${columnSql(t, t.column)} ${expression}` : expression;
    return `select *\nfrom ${t.model}\nwhere not (${predicate})`;
  },

  unique_combination_of_columns: (t) => {
    const columns = required(t, 'combination_of_columns', 'columns');
    if (!Array.isArray(columns) || columns.length === 0)
      throw new Error("argument 'combination_of_columns' must be a non-empty list");
    const cols = columns.map((c) => columnSql(t, String(c))).join(', ');
    return `select ${cols}, count(*) as n_records\nfrom ${t.model}\ngroup by ${cols}\nhaving count(*) > 1`;
  },

  accepted_range: (t) => {
    const min = t.args.min_value ?? t.args.min;
    const max = t.args.max_value ?? t.args.max;
    if (min === undefined && max === undefined)
      throw new Error("give 'min_value' and/or 'max_value'");
    const inclusive = t.args.inclusive !== false;
    const col = column(t);
    const outside = [
      min !== undefined ? comparison(t, min, inclusive ? '<' : '<=', col) : undefined,
      max !== undefined ? comparison(t, max, inclusive ? '>' : '>=', col) : undefined,
    ].filter(Boolean);
    return `select *\nfrom ${t.model}\nwhere ${outside.join(' or ')}`;
  },

  not_empty: (t) =>
    `select 'no rows in the model' as problem\nwhere not exists (select 1 from ${t.model})`,

  row_count: (t) => {
    const other = t.args.compare_model ?? t.args.equal_to_model;
    const count = `(select count(*) from ${t.model})`;
    if (other !== undefined) {
      const compareTo = `(select count(*) from ${t.relationArg(String(other))})`;
      return `select ${count} as row_count, ${compareTo} as compared_row_count\nwhere ${count} <> ${compareTo}`;
    }
    const conditions = [
      t.args.equal_to !== undefined ? `row_count <> ${Number(t.args.equal_to)}` : undefined,
      t.args.min !== undefined || t.args.min_value !== undefined
        ? `row_count < ${Number(t.args.min ?? t.args.min_value)}`
        : undefined,
      t.args.max !== undefined || t.args.max_value !== undefined
        ? `row_count > ${Number(t.args.max ?? t.args.max_value)}`
        : undefined,
    ].filter(Boolean);
    if (conditions.length === 0)
      throw new Error("give 'min', 'max', 'equal_to' or 'compare_model'");
    return `select row_count\nfrom (select ${count} as row_count)\nwhere ${conditions.join(' or ')}`;
  },

  recency: (t) => {
    const field = columnSql(t, String(required(t, 'field')));
    const age =
      t.args.max_age ??
      (t.args.interval !== undefined
        ? `${t.args.interval} ${t.args.datepart ?? 'day'}`
        : undefined);
    if (age === undefined)
      throw new Error("give 'max_age' (e.g. '1 day') or 'datepart' and 'interval'");
    return `select max(${field}) as most_recent, ${t.dialect.now()} - interval ${t.dialect.literal(String(age))} as threshold\nfrom ${t.model}\nhaving max(${field}) is null or max(${field}) < ${t.dialect.now()} - interval ${t.dialect.literal(String(age))}`;
  },
};
