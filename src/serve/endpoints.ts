/**
 * What the API serves, worked out once at start-up from the project and the current snapshot:
 * each model with its filterable columns, and each named query compiled to one prepared
 * statement whose `$name` parameters must be exactly the declared ones.
 */
import { Compiler, relationName } from '../compile/compiler.ts';
import { ProjectError, ProjectErrors } from '../errors.ts';
import type { ModelNode, QueryParam, QueryParamType, QuerySpec } from '../project/types.ts';
import type { Session } from '../runner/session.ts';
import { quoteIdent, sqlLiteral } from '../util/sql.ts';
import type { SnapshotStore } from './database.ts';
import { paramTypeOfColumn } from './params.ts';

export interface FilterColumn {
  name: string;
  /** The column's type in the database. */
  dbType: string;
  type: QueryParamType;
  description: string;
}

export interface ModelEndpoint {
  name: string;
  description: string;
  relation: string;
  /** Declared (YAML) columns that exist in the relation: the only ones a request may filter. */
  filters: FilterColumn[];
  /** Tables page in storage order (rowid, stable in a read-only snapshot); views by all columns. */
  orderBy: string;
}

export interface QueryEndpoint {
  spec: QuerySpec;
  /** The query, rendered, with `limit $limit offset $offset` around it. */
  sql: string;
}

export async function modelEndpoints(
  session: Session,
  store: SnapshotStore,
): Promise<ModelEndpoint[]> {
  const models = [...session.project.models.values()].filter(
    (m) => m.enabled && m.materialized !== 'ephemeral',
  );
  const catalog = await store.use((conn) =>
    conn.run(
      `select c.table_schema, c.table_name, c.column_name, c.data_type, t.table_type
       from information_schema.columns as c
       join information_schema.tables as t using (table_schema, table_name)`,
      {},
    ),
  );
  const key = (schema: unknown, table: unknown) => `${String(schema)}.${String(table)}`;
  const columnsOf = new Map<string, { name: string; type: string; view: boolean }[]>();
  for (const r of catalog.rows) {
    const k = key(r.table_schema, r.table_name);
    columnsOf.set(k, [
      ...(columnsOf.get(k) ?? []),
      { name: String(r.column_name), type: String(r.data_type), view: r.table_type === 'VIEW' },
    ]);
  }
  return models.map((m: ModelNode) => {
    const inDatabase = columnsOf.get(key(m.schema, m.alias)) ?? [];
    const filters = Object.values(m.columns).flatMap((c): FilterColumn[] => {
      const found = inDatabase.find((d) => d.name === c.name);
      return found
        ? [
            {
              name: c.name,
              dbType: found.type,
              type: paramTypeOfColumn(found.type),
              description: c.description,
            },
          ]
        : [];
    });
    return {
      name: m.name,
      description: m.description,
      relation: relationName(m),
      filters,
      orderBy: inDatabase[0]?.view ? 'all' : 'rowid',
    };
  });
}

/** The SELECT for one page of a model with equality filters, all values as parameters. */
export function modelSql(endpoint: ModelEndpoint, filtered: FilterColumn[]): string {
  const where = filtered.map((f, i) => {
    const column = quoteIdent(f.name);
    if (f.type === 'date') return `${column} = $f${i}::date`;
    // A column whose type has no parameter type of its own (timestamps, lists…) compares as text.
    if (f.type === 'varchar' && f.dbType !== 'VARCHAR') return `${column}::varchar = $f${i}`;
    return `${column} = $f${i}`;
  });
  return `select * from ${endpoint.relation}${where.length ? ` where ${where.join(' and ')}` : ''} order by ${endpoint.orderBy} limit $limit offset $offset`;
}

/** Compile every named query; all problems are reported together, at their YAML entries. */
export async function queryEndpoints(
  session: Session,
  store: SnapshotStore,
): Promise<QueryEndpoint[]> {
  const compiler = new Compiler(session.project, session.renderer);
  const errors: ProjectError[] = [];
  const endpoints: QueryEndpoint[] = [];
  for (const spec of session.project.queries) {
    const at = { file: spec.file, line: spec.line };
    const fail = (message: string) =>
      errors.push(new ProjectError(`query '${spec.name}': ${message}`, at));
    try {
      const body = compiler.renderTemplate(spec.sql, spec.file).sql;
      // The newline ends a trailing `--` comment before the wrapper continues.
      const sql = `select * from (\n${body}\n) limit $limit offset $offset`;
      const used = await store.use((conn) => conn.parameterNames(sql));
      const declared = spec.params.map((p) => p.name);
      for (const name of used)
        if (name !== 'limit' && name !== 'offset' && !declared.includes(name))
          fail(`its SQL uses $${name}, which is not declared in params`);
      for (const name of declared)
        if (!used.includes(name))
          fail(`param '${name}' is declared but its SQL never uses $${name}`);
      for (const p of spec.params) checkParam(p, fail);
      endpoints.push({ spec, sql });
    } catch (e) {
      if (e instanceof ProjectError) errors.push(e);
      else fail((e as Error).message.split('\n')[0]);
    }
  }
  if (errors.length > 0) throw new ProjectErrors(errors);
  return endpoints;
}

/** Constraints that cannot apply to the declared type are mistakes, not silently ignored. */
function checkParam(p: QueryParam, fail: (message: string) => void): void {
  const text = p.type === 'varchar';
  const number = p.type === 'bigint' || p.type === 'double';
  if (!text && (p.pattern !== undefined || p.max_length !== undefined))
    fail(`param '${p.name}': pattern and max_length apply to varchar params only`);
  if (!number && (p.minimum !== undefined || p.maximum !== undefined))
    fail(`param '${p.name}': minimum and maximum apply to bigint and double params only`);
  if (p.pattern !== undefined) {
    try {
      new RegExp(p.pattern, 'u');
    } catch (e) {
      fail(
        `param '${p.name}': pattern ${sqlLiteral(p.pattern)} is not a valid regular expression: ${(e as Error).message}`,
      );
    }
  }
  if (p.required === true && p.default !== undefined)
    fail(`param '${p.name}' is required and has a default: give one or the other`);
}
