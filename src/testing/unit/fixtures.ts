/**
 * Rows written in a unit test, turned into tables by DuckDB's own readers: dict rows become a
 * JSON file for `read_json`, CSV text a file for `read_csv`, and SQL runs as written. Nothing is
 * parsed here; the readers infer what is not pinned, and pinned types go to the reader itself
 * (so '007' stays '007' in a VARCHAR column and a timestamp keeps its microseconds).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { duckdbDialect } from '../../adapters/duckdb/dialect.ts';
import { csvFixtureSelect, jsonFixtureSelect } from '../../adapters/duckdb/readers.ts';
import type { Adapter, Column, Connection } from '../../adapters/types.ts';
import type { Project, RowsSpec } from '../../core/nodes.ts';

export type { Column } from '../../adapters/types.ts';

const quoteIdent = duckdbDialect.quote;

/** A SELECT over some rows; `types` (by column name, covering every column) pins their types. */
export interface RowsReader {
  /** An empty dict list: there is no file for a reader to infer columns from. */
  empty: boolean;
  select(types?: Record<string, string>): string;
}

/** A temp directory for one unit test's row files, made on first use. */
export class Scratch {
  private dir: string | undefined;

  file(name: string, content: string): string {
    this.dir ??= mkdtempSync(join(tmpdir(), 'duckflow-unit-'));
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

const EXTENSIONS: Record<string, string> = { csv: '.csv', sql: '.sql', json: '.json' };
const FORMAT_OF_EXTENSION: Record<string, string> = {
  '.csv': 'csv',
  '.sql': 'sql',
  '.json': 'json',
  '.ndjson': 'json',
  '.jsonl': 'json',
};

/**
 * A fixture file: a path relative to the project, or dbt's convention of a name looked up in
 * `<test-path>/fixtures/`, with the extension implied by `format` when left out.
 */
function findFixture(
  project: Project,
  fixture: string,
  format: string | undefined,
): { path: string; format: string } {
  const bases = [fixture, ...project.testPaths.map((t) => join(t, 'fixtures', fixture))];
  const extensions = extname(fixture)
    ? ['']
    : format
      ? [EXTENSIONS[format]]
      : Object.values(EXTENSIONS);
  const tried = bases.flatMap((b) => extensions.map((e) => b + e));
  const found = tried.find((p) => existsSync(resolve(project.dir, p)));
  if (!found) throw new Error(`fixture '${fixture}' not found (looked for ${tried.join(', ')})`);
  return {
    path: resolve(project.dir, found),
    format: format ?? FORMAT_OF_EXTENSION[extname(found).toLowerCase()] ?? 'csv',
  };
}

const csvReader = (path: string): RowsReader => ({
  empty: false,
  select: (types) => csvFixtureSelect(path, duckdbDialect, types),
});

const jsonReader = (path: string, format: 'array' | 'auto'): RowsReader => ({
  empty: false,
  select: (types) => jsonFixtureSelect(path, format, duckdbDialect, types),
});

function sqlReader(text: string): RowsReader {
  const query = text.trim().replace(/;+$/, '');
  return {
    empty: false,
    select: (types) => {
      const casts = Object.entries(types ?? {}).map(
        ([c, t]) => `cast(${quoteIdent(c)} as ${t}) as ${quoteIdent(c)}`,
      );
      return `select *${casts.length ? ` replace (${casts.join(', ')})` : ''} from (\n${query}\n)`;
    },
  };
}

export function rowsReader(
  spec: RowsSpec,
  project: Project,
  scratch: Scratch,
  label: string,
): RowsReader {
  if (spec.fixture !== undefined) {
    const { path, format } = findFixture(project, spec.fixture, spec.format);
    if (format === 'sql') return sqlReader(readFileSync(path, 'utf8'));
    return format === 'json' ? jsonReader(path, 'auto') : csvReader(path);
  }
  const fileName = label.replace(/[^A-Za-z0-9_]+/g, '_');
  if (spec.format === 'csv') return csvReader(scratch.file(`${fileName}.csv`, String(spec.rows)));
  if (spec.format === 'sql') return sqlReader(String(spec.rows));
  const rows = spec.rows as Record<string, unknown>[];
  if (rows.length === 0) return { empty: true, select: () => '' };
  return jsonReader(scratch.file(`${fileName}.json`, JSON.stringify(rows)), 'array');
}

/** What a rows spec reads: its rows as written, or its fixture file's content. */
export function rowsContent(spec: RowsSpec, project: Project): unknown {
  if (spec.fixture === undefined) return { format: spec.format, rows: spec.rows };
  const { path, format } = findFixture(project, spec.fixture, spec.format);
  return { format, fixture: readFileSync(path, 'utf8') };
}

const key = (name: string) => name.toLowerCase();

/**
 * A given's rows as the temp table `table`. Columns the upstream declares a `data_type` for get
 * that type (and are added as NULLs when the rows leave them out, as dbt fills unnamed columns);
 * the others keep the type DuckDB infers from the values.
 */
export async function loadGiven(
  adapter: Adapter,
  conn: Connection,
  table: string,
  reader: RowsReader,
  declared: Column[],
): Promise<void> {
  const declaredByName = new Map(declared.map((c) => [key(c.name), c]));
  if (reader.empty) {
    if (declared.length === 0)
      throw new Error(
        'has no rows and its columns have no declared data_type, so its columns are unknown: give at least one row',
      );
    const columns = declared.map((c) => `${adapter.dialect.quote(c.name)} ${c.type}`);
    await conn.run(
      `create temporary table ${adapter.dialect.quote(table)} (${columns.join(', ')})`,
    );
    return;
  }
  const inferred = await adapter.describeRows(conn, reader.select());
  const names = new Set(inferred.map((c) => key(c.name)));
  // The reader runs in DuckDB: declared types are given to it in DuckDB's names.
  const types = Object.fromEntries(
    inferred.map((c) => {
      const declaredType = declaredByName.get(key(c.name))?.type;
      return [c.name, declaredType ? adapter.readerType(declaredType) : adapter.readerType(c.type)];
    }),
  );
  const absent = declared
    .filter((c) => !names.has(key(c.name)))
    .map((c) => `, cast(null as ${adapter.readerType(c.type)}) as ${quoteIdent(c.name)}`);
  await adapter.loadRows(
    conn,
    table,
    `select *${absent.join('')} from (\n${reader.select(types)}\n)`,
  );
}

/**
 * The expected rows as the temp table `table`, each column cast to the type the model's output
 * gives it, so values compare as the model produces them (a timestamp to the microsecond, not
 * as text). Returns the expected columns with the output column each one is compared to.
 */
export async function loadExpected(
  adapter: Adapter,
  conn: Connection,
  table: string,
  reader: RowsReader,
  output: Column[],
  model: string,
): Promise<{ expected: string; actual: string }[]> {
  if (reader.empty) return [];
  const wanted = await adapter.describeRows(conn, reader.select());
  const outputByName = new Map(output.map((c) => [key(c.name), c]));
  const unknown = wanted.filter((c) => !outputByName.has(key(c.name))).map((c) => c.name);
  if (unknown.length) {
    throw new Error(
      `expect names column${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} that model '${model}' does not output (its columns: ${output.map((c) => c.name).join(', ')})`,
    );
  }
  const types = Object.fromEntries(
    wanted.map((c) => [c.name, adapter.readerType(outputByName.get(key(c.name))!.type)]),
  );
  await adapter.loadRows(conn, table, reader.select(types));
  return wanted.map((c) => ({ expected: c.name, actual: outputByName.get(key(c.name))!.name }));
}
