import { LINE_HASH, type JsonField, type JsonFieldType, type SeedFormat } from '../core/nodes.ts';

/** Columns every typed json_records table has besides its fields. */
export const TYPED_RECORD_COLUMNS = ['record_number', 'load_error', 'raw'];

interface FieldConfig {
  name: string;
  json_path?: string;
  data_type?: JsonFieldType;
  required?: boolean;
  check?: string;
  on_invalid?: 'reject' | 'null';
}

type JsonRecordsConfig = {
  fields?: JsonField[];
  keepRawForDuplicatesOf?: string;
  keepAllRawWhileIncremental?: string;
  lineHash?: boolean;
};

/**
 * A seed's json_records config: `fields:`, `keep_raw_for_duplicates_of:`,
 * `keep_all_raw_while_incremental:` and `line_hash:` (shape already validated by the JSON
 * Schema) as the loader's, or why they cannot be loaded.
 */
export function jsonFieldsOf(
  cfg: Record<string, unknown>,
  format: SeedFormat,
  /** Renders a `check` (it may use vars and macros, as a path does). */
  render: (text: string) => string,
): JsonRecordsConfig | { error: string } {
  const lineHash = cfg.line_hash as boolean | undefined;
  if (lineHash !== undefined && format !== 'json_records')
    return { error: `line_hash is for format json_records (this seed is ${format})` };
  const typed = typedFieldsOf(cfg, format, render);
  if ('error' in typed) return typed;
  if (lineHash && typed.fields?.some((f) => f.name.toLowerCase() === LINE_HASH))
    return { error: `fields: '${LINE_HASH}' is the column line_hash: true adds` };
  return lineHash ? { ...typed, lineHash } : typed;
}

function typedFieldsOf(
  cfg: Record<string, unknown>,
  format: SeedFormat,
  render: (text: string) => string,
): JsonRecordsConfig | { error: string } {
  const configs = cfg.fields as FieldConfig[] | undefined;
  const keep = cfg.keep_raw_for_duplicates_of as string | undefined;
  const keepAll = cfg.keep_all_raw_while_incremental as string | undefined;
  if (!configs) {
    const key =
      keep !== undefined
        ? 'keep_raw_for_duplicates_of'
        : keepAll !== undefined
          ? 'keep_all_raw_while_incremental'
          : undefined;
    return key ? { error: `${key} needs declared fields (config.fields)` } : {};
  }
  if (format !== 'json_records')
    return { error: `config.fields is for format json_records (this seed is ${format})` };
  if (cfg.column_types !== undefined)
    return { error: 'config.fields declares the types: column_types does not apply with it' };
  const fields: JsonField[] = [];
  for (const [i, c] of configs.entries()) {
    const at = `fields[${i}] (${c.name})`;
    if (TYPED_RECORD_COLUMNS.includes(c.name.toLowerCase()) || c.name.startsWith('__'))
      return {
        error: `${at}: '${c.name}' is a name the load uses itself (${TYPED_RECORD_COLUMNS.join(', ')}, __*)`,
      };
    if (fields.some((f) => f.name.toLowerCase() === c.name.toLowerCase()))
      return { error: `${at}: a field of that name is declared already` };
    const path = parseJsonPath(c.json_path ?? `$.${c.name}`);
    if (typeof path === 'string') return { error: `${at}: json_path ${path}` };
    const overlapping = fields.find((f) => startsWith(f.path, path) || startsWith(path, f.path));
    if (overlapping)
      return {
        error: `${at}: json_path overlaps field '${overlapping.name}' (one field per value, none inside another)`,
      };
    fields.push({
      name: c.name,
      path,
      dataType: c.data_type ?? 'varchar',
      required: c.required ?? false,
      check: c.check === undefined ? undefined : render(c.check),
      onInvalid: c.on_invalid ?? 'reject',
    });
  }
  if (keep !== undefined && !fields.some((f) => f.name === keep))
    return {
      error: `keep_raw_for_duplicates_of: '${keep}' is not a declared field (${fields.map((f) => f.name).join(', ')})`,
    };
  return { fields, keepRawForDuplicatesOf: keep, keepAllRawWhileIncremental: keepAll };
}

/**
 * `$.a.b`, `$.a."user-agent"`, `$['a']["b"]`: object keys from the root, or why the path is not
 * one. Array steps and wildcards are not supported: a field is one value per record.
 */
export function parseJsonPath(text: string): string[] | string {
  if (!text.startsWith('$')) return `'${text}' must start with '$'`;
  const keys: string[] = [];
  const step = /^(?:\.([^.[\]"'\s*]+)|\."([^"]+)"|\['([^']+)'\]|\["([^"]+)"\])/;
  let rest = text.slice(1);
  while (rest !== '') {
    const m = step.exec(rest);
    if (!m)
      return `'${text}': expected .key, ."key" or ['key'] at '${rest}' (array steps and wildcards are not supported)`;
    keys.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
    rest = rest.slice(m[0].length);
  }
  if (keys.length === 0) return `'${text}' names no key`;
  return keys;
}

const startsWith = (path: string[], prefix: string[]) => prefix.every((k, i) => path[i] === k);
