import type { Adapter, Connection } from '../../adapters/types.ts';
import type { ModelNode, Project, ProjectNode } from '../../project/types.ts';
import type { Renderer } from '../../templating/renderer.ts';
import { quoteIdent } from '../../util/sql.ts';
import { describe, type Column } from './fixtures.ts';
import { renderWith } from './render.ts';

/** What the project declares: YAML `data_type`s, and a seed's `column_types` (its loader casts to them). */
function declaredColumns(node: ProjectNode): Column[] {
  const types = new Map<string, string>();
  for (const c of Object.values(node.columns)) if (c.data_type) types.set(c.name, c.data_type);
  if (node.kind === 'seed')
    for (const [name, type] of Object.entries(node.columnTypes)) types.set(name, type);
  return [...types].map(([name, type]) => ({ name, type }));
}

/** Derived columns in their order, declared types winning, declared-only columns after them. */
function merge(derived: Column[], declared: Column[]): Column[] {
  const declaredByName = new Map(declared.map((c) => [c.name.toLowerCase(), c]));
  const derivedNames = new Set(derived.map((c) => c.name.toLowerCase()));
  return [
    ...derived.map((c) => ({
      name: c.name,
      type: declaredByName.get(c.name.toLowerCase())?.type ?? c.type,
    })),
    ...declared.filter((c) => !derivedNames.has(c.name.toLowerCase())),
  ];
}

/** A model's upstream whose columns are not known, so its SQL cannot be checked without a given. */
class UnknownShape extends Error {}

/**
 * The columns of an upstream relation as a real build would type them, found without the target
 * database: a seed's file is described through its reader, a model's SQL is described over empty
 * tables shaped like its own upstreams, and declared `data_type`s win over both. A source is what
 * its YAML declares, nothing more: unit tests never read the data a source points at.
 */
export class Shapes {
  private readonly known = new Map<string, Promise<Column[]>>();
  private tables = 0;

  constructor(
    private readonly project: Project,
    private readonly renderer: Renderer,
    private readonly adapter: Adapter,
  ) {}

  /** Known columns of a model, seed or source; empty when nothing is known. */
  of(conn: Connection, node: ProjectNode): Promise<Column[]> {
    let found = this.known.get(node.id);
    if (!found) {
      found = this.derive(conn, node).then((derived) => merge(derived, declaredColumns(node)));
      this.known.set(node.id, found);
    }
    return found;
  }

  private async derive(conn: Connection, node: ProjectNode): Promise<Column[]> {
    try {
      if (node.kind === 'seed') return await describe(conn, await this.adapter.seedSelect(node));
      if (node.kind === 'model') return await this.describeModel(conn, node);
    } catch {
      // A shape that cannot be derived (a seed file not generated yet, an upstream of unknown
      // shape) is not an error: the given's rows are then typed by DuckDB's inference alone.
    }
    return [];
  }

  /**
   * Whether a model's SQL fails over empty tables shaped like its upstreams, whatever a unit
   * test gives it: then a failure is the model's, not its givens'. False when an upstream's
   * columns are unknown, as nothing can be said without the givens.
   */
  async failsOnItsOwn(conn: Connection, model: ModelNode): Promise<boolean> {
    try {
      await this.describeModel(conn, model);
      return false;
    } catch (e) {
      return !(e instanceof UnknownShape);
    }
  }

  private async describeModel(conn: Connection, model: ModelNode): Promise<Column[]> {
    const relations = new Map<string, string>();
    const tables: string[] = [];
    const stand = async (label: string, upstream: ProjectNode | undefined) => {
      const columns = upstream ? await this.of(conn, upstream) : [];
      if (columns.length === 0) throw new UnknownShape(`no known columns for ${label}`);
      const table = `shape__${++this.tables}`;
      tables.push(table);
      await conn.run(
        `create temp table ${quoteIdent(table)} (${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`,
      );
      relations.set(label, quoteIdent(table));
    };
    try {
      for (const name of model.refs)
        await stand(
          `ref('${name}')`,
          this.project.models.get(name) ?? this.project.seeds.get(name),
        );
      for (const s of model.sources)
        await stand(
          `source('${s.source}', '${s.table}')`,
          this.project.sources.get(`${s.source}.${s.table}`),
        );
      return await describe(
        conn,
        `select * from (\n${renderWith(this.project, this.renderer, model, relations).sql}\n)`,
      );
    } finally {
      for (const t of tables) await conn.run(`drop table if exists ${quoteIdent(t)}`);
    }
  }
}
