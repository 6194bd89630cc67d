import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModelNode, Project, SeedNode } from '../core/nodes.ts';
import type { Renderer, RenderScope } from '../templating/renderer.ts';
import { mapLines } from '../templating/lineMap.ts';
import type { CompiledSql } from '../core/compiled.ts';
import { table, type TableRelation } from '../core/relation.ts';
import { buildsRelation } from '../materializations/registry.ts';
import type { QueryResult } from '../core/results.ts';
import { NeedsQuery } from '../templating/dbtObjects.ts';

export type { CompiledSql } from '../core/compiled.ts';

const CTE_PREFIX = '__duckflow_cte__';

/** The relation a model or seed is built as. */
export function relationOf(node: Pick<ModelNode | SeedNode, 'schema' | 'alias'>): TableRelation {
  return table(node.schema, node.alias);
}

/** How refs and sources resolve in this run besides to the target's own relations. */
export interface RefOptions {
  /** `--empty`: every ref and source reads zero rows, so a build checks SQL and types only. */
  empty?: boolean;
  /** `--defer`: relations of unbuilt nodes, by name, read from the `--state` run instead. */
  deferred?: ReadonlyMap<string, string>;
}

/** Turns templates into runnable SQL with real relation names (dbt's compile phase). */
export class Compiler {
  private readonly cache = new Map<string, CompiledSql>();
  /** Compiled SQL to write out, by project-relative output path. */
  private readonly outputs = new Map<string, string>();

  constructor(
    private readonly project: Project,
    readonly renderer: Renderer,
    /** Models whose `is_incremental()` is true in this run (relation exists, no full refresh). */
    private readonly incremental: ReadonlySet<string> = new Set(),
    private readonly refOptions: RefOptions = {},
    /**
     * Runs a template's `run_query`/`statement` SQL. Without it (compile, ls) templates render
     * as in dbt's parse phase: `execute` is false and `run_query` returns none.
     */
    private readonly runQuery?: (sql: string) => Promise<QueryResult>,
  ) {}

  /** dbt's `--empty` wrapping, without an alias: `from {{ ref('x') }} as x` stays valid. */
  private limited(relation: string): string {
    return this.refOptions.empty ? `(select * from ${relation} where false)` : relation;
  }

  /** Results of the SQL templates ran in this run, by statement text. */
  private readonly queryResults = new Map<string, QueryResult>();

  private readonly query = (sql: string): QueryResult => {
    const known = this.queryResults.get(sql);
    if (known) return known;
    throw new NeedsQuery(sql);
  };

  /**
   * Compile a model whose template may query the database. Rendering is synchronous (nunjucks),
   * so a query the template asks for stops the render; it is run here, and the template is
   * rendered again with its result known, until every query it needs has run.
   */
  async compileModelAsync(model: ModelNode): Promise<CompiledSql> {
    for (;;) {
      try {
        return this.compileModel(model);
      } catch (e) {
        if (!(e instanceof NeedsQuery) || !this.runQuery) throw e;
        this.queryResults.set(e.sql, await this.runQuery(e.sql));
      }
    }
  }

  /**
   * How a template refers to a node: its relation, or a CTE name for an ephemeral model (then
   * recorded in `ephemerals`, to be injected into the statement being compiled).
   */
  refTarget(name: string, ephemerals?: Set<string>, batch?: RenderScope['batch']): string {
    const model = this.project.models.get(name);
    if (model && !buildsRelation(model)) {
      if (!ephemerals) return `(${this.compileModel(model).sql})`;
      ephemerals.add(name);
      return `${CTE_PREFIX}${name}`;
    }
    const node = model ?? this.project.seeds.get(name);
    if (!node) throw new Error(`ref('${name}') does not match any model or seed`);
    return this.limited(
      this.refOptions.deferred?.get(name) ??
        this.inWindow(this.project.dialect.relation(relationOf(node)), node.config, batch),
    );
  }

  /**
   * A relation read by a microbatch model's batch: filtered to the batch's window when it
   * declares an `event_time` (dbt 1.9). No alias, so `{{ ref('x') }} as x` still reads.
   */
  private inWindow(
    relation: string,
    config: Record<string, unknown>,
    batch: RenderScope['batch'],
  ): string {
    if (!batch || config.event_time === undefined) return relation;
    const { dialect } = this.project;
    const column = dialect.quote(String(config.event_time));
    return `(select * from ${relation} where ${column} >= ${dialect.timestamp(batch.start)} and ${column} < ${dialect.timestamp(batch.end)})`;
  }

  /** Render any template (a model, a test, a hook) in the project's context. */
  renderTemplate(text: string, path: string, extra: Partial<RenderScope> = {}): CompiledSql {
    const ephemerals = new Set<string>();
    const body = this.renderer
      .render(text, {
        path,
        query: this.runQuery ? this.query : undefined,
        ref: (name) => this.refTarget(name, ephemerals, extra.batch),
        source: (s, t) => {
          const found = this.project.sources.get(`${s}.${t}`);
          const relation = this.project.dialect.relation(found?.relation ?? table(s, t));
          return this.limited(this.inWindow(relation, found?.config ?? {}, extra.batch));
        },
        ...extra,
      })
      .replace(/[\s;]+$/, '');
    let sql = body;
    let offset = 0;
    // Lines of `sql` holding each inlined ephemeral model, so errors there point at its file.
    const inlined: { first: number; last: number; compiled: CompiledSql }[] = [];
    if (ephemerals.size > 0) {
      let prefix = 'with ';
      [...ephemerals].forEach((name, i) => {
        const cte = this.compileModel(this.project.models.get(name)!);
        prefix += `${i > 0 ? ',\n' : ''}${CTE_PREFIX}${name} as (\n`;
        const first = prefix.split('\n').length;
        inlined.push({ first, last: first + cte.sql.split('\n').length - 1, compiled: cte });
        prefix += `${cte.sql}\n)`;
      });
      prefix += '\nselect * from (\n';
      offset = prefix.split('\n').length - 1;
      sql = `${prefix}${body}\n)`;
    }
    const bodyLines = body.split('\n').length;
    const sourceLines = text.split('\n');
    let lineMap: ((line: number) => number) | undefined;
    return {
      sql,
      sourcePath: path,
      locate: (compiledLine) => {
        const from = inlined.find((r) => compiledLine >= r.first && compiledLine <= r.last);
        if (from) return from.compiled.locate(compiledLine - from.first + 1);
        lineMap ??= mapLines(text, body);
        // Lines of the CTE wrapping around the body count as the body's first or last line.
        const line = lineMap(Math.min(Math.max(compiledLine - offset, 1), bodyLines));
        return { path, line, text: sourceLines[line - 1] ?? '' };
      },
    };
  }

  /** The model's SELECT for one microbatch window (never cached: each window renders anew). */
  compileBatch(
    model: ModelNode,
    batch: { start: Date; end: Date },
    incremental: boolean,
  ): CompiledSql {
    const compiled = this.renderTemplate(model.rawSql, model.path, {
      self: this.project.dialect.relation(relationOf(model)),
      isIncremental: incremental,
      batch,
    });
    this.outputs.set(model.path, compiled.sql);
    return compiled;
  }

  /**
   * A node's pre_hook or post_hook, rendered in the node's context as dbt does: `this` and, for
   * a model, `is_incremental()` as in its SELECT (a hook guarded by it runs only then).
   */
  renderHook(text: string, node: ModelNode | SeedNode): CompiledSql {
    return this.renderTemplate(text, node.path, {
      self: this.project.dialect.relation(relationOf(node)),
      isIncremental: node.kind === 'model' && this.isIncremental(node),
    });
  }

  /** Whether `is_incremental()` is true for the model in this run. */
  isIncremental(model: ModelNode): boolean {
    return this.incremental.has(model.id);
  }

  compileModel(model: ModelNode): CompiledSql {
    let compiled = this.cache.get(model.id);
    if (!compiled) {
      compiled = this.renderTemplate(model.rawSql, model.path, {
        self: this.project.dialect.relation(relationOf(model)),
        configValues: model.config,
        isIncremental: this.incremental.has(model.id),
      });
      this.cache.set(model.id, compiled);
      this.outputs.set(model.path, compiled.sql);
    }
    return compiled;
  }

  /** Keep compiled SQL to be written under target/compiled/<relativePath>. */
  record(relativePath: string, sql: string): void {
    this.outputs.set(relativePath, sql);
  }

  compiledPath(relativePath: string): string {
    return join(this.project.targetPath, 'compiled', relativePath);
  }

  /**
   * Write target/compiled/<path>.sql for everything compiled, as dbt does. Unchanged files are
   * left alone: creating and truncating thousands of files costs more than reading them.
   */
  writeCompiled(): void {
    const made = new Set<string>();
    for (const [relativePath, sql] of this.outputs) {
      const out = this.compiledPath(relativePath);
      const text = `${sql}\n`;
      if (existsSync(out) && readFileSync(out, 'utf8') === text) continue;
      const dir = dirname(out);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(out, text);
    }
  }
}
