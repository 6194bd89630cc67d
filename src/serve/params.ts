/**
 * Request parameters: the JSON Schema each one is validated against (Fastify's ajv validates
 * the query string with it before a handler runs, and the same schemas make the OpenAPI
 * document), and the DuckDB type it is bound as. Values only ever reach SQL as bound
 * prepared-statement parameters.
 */
import { BIGINT, BOOLEAN, DOUBLE, VARCHAR, type DuckDBType } from '@duckdb/node-api';
import type { QueryParam, QueryParamType } from '../project/types.ts';

export type ParamSchema = Record<string, unknown>;

/** Text longer than this is refused unless a parameter declares its own `max_length`. */
export const DEFAULT_MAX_LENGTH = 256;
export const MAX_LIMIT = 10_000;
export const DEFAULT_LIMIT = 100;

/**
 * Control characters and U+FFFD (what a malformed %-escape or invalid UTF-8 decodes to) are
 * never part of a value someone meant to send.
 */
const NO_CONTROL_CHARACTERS = { not: { pattern: '[\\u0000-\\u001f\\u007f\\ufffd]' } };

const SAFE = Number.MAX_SAFE_INTEGER;

export const limitSchema: ParamSchema = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_LIMIT,
  default: DEFAULT_LIMIT,
  description: `rows to return (1 to ${MAX_LIMIT})`,
};
export const offsetSchema: ParamSchema = {
  type: 'integer',
  minimum: 0,
  maximum: 2 ** 31 - 1,
  default: 0,
  description: 'rows to skip',
};

/** The schema of one value of a type, with the declaration's constraints. */
export function valueSchema(
  type: QueryParamType,
  constraints: Omit<QueryParam, 'name' | 'type' | 'required'> = {},
): ParamSchema {
  const common: ParamSchema = {};
  if (constraints.description) common.description = constraints.description;
  if (constraints.default !== undefined) common.default = constraints.default;
  if (constraints.enum) common.enum = constraints.enum;
  switch (type) {
    case 'varchar':
      return {
        ...common,
        type: 'string',
        maxLength: constraints.max_length ?? DEFAULT_MAX_LENGTH,
        ...(constraints.pattern ? { pattern: constraints.pattern } : {}),
        ...NO_CONTROL_CHARACTERS,
      };
    case 'date':
      return { ...common, type: 'string', format: 'date' };
    case 'boolean':
      return { ...common, type: 'boolean' };
    case 'bigint':
    case 'double':
      return {
        ...common,
        type: type === 'bigint' ? 'integer' : 'number',
        // Beyond ±2^53 a JavaScript number is no longer the integer that was sent.
        minimum: Math.max(constraints.minimum ?? -SAFE, -SAFE),
        maximum: Math.min(constraints.maximum ?? SAFE, SAFE),
      };
  }
}

/** The parameter type a database column is filtered as; anything else compares as text. */
export function paramTypeOfColumn(duckdbType: string): QueryParamType {
  const t = duckdbType.toUpperCase();
  if (
    /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(
      t,
    )
  )
    return 'bigint';
  if (/^(FLOAT|DOUBLE|DECIMAL)/.test(t)) return 'double';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'DATE') return 'date';
  return 'varchar';
}

/** A validated value as the DuckDB value and type it is bound with. */
export function bindable(
  type: QueryParamType,
  value: unknown,
): { value: string | number | boolean | bigint; type: DuckDBType } {
  switch (type) {
    case 'bigint':
      return { value: BigInt(value as number), type: BIGINT };
    case 'double':
      return { value: value as number, type: DOUBLE };
    case 'boolean':
      return { value: value as boolean, type: BOOLEAN };
    // Dates travel as 'YYYY-MM-DD' text, which DuckDB casts where it meets a DATE.
    case 'varchar':
    case 'date':
      return { value: String(value), type: VARCHAR };
  }
}
