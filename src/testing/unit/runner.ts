import { adapterPlugin } from '../../adapters/registry.ts';
import type { Adapter, Connection } from '../../adapters/types.ts';
import type { Compiler, CompiledSql } from '../../compile/compiler.ts';
import type { NodeSqlError } from '../../core/errors.ts';
import { locateSqlError } from '../../materializations/sqlError.ts';
import type { ModelNode, Project, ProjectNode, UnitInput, UnitTestNode } from '../../core/nodes.ts';
import type { NodeResult } from '../../core/results.ts';
import { projectRenderer, type Renderer } from '../../templating/renderer.ts';
import { inputLabel } from './collect.ts';
import { compare } from './compare.ts';
import { formatDiff } from './diff.ts';
import { loadExpected, loadGiven, rowsContent, rowsReader, Scratch } from './fixtures.ts';
import { callsVolatile, fingerprintOf, type UnitTestPasses } from './passes.ts';
import { DUCKFLOW_VERSION } from '../../core/version.ts';
import { sharedUntilFailure } from '../../util/shared.ts';
import { renderWith } from './render.ts';
import { Shapes } from './shapes.ts';

const ACTUAL = 'unit__actual';
const EXPECTED = 'unit__expected';

function fixtureTable(input: UnitInput): string {
  if (input.kind === 'this') return 'given__this';
  return input.kind === 'ref' ? `given__${input.name}` : `given__${input.source}__${input.table}`;
}

/** Set environment variables for the duration of a synchronous render (`overrides.env_vars`). */
function withEnv<T>(vars: Record<string, string>, fn: () => T): T {
  const previous = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const firstLine = (message: string) => message.split('\n')[0];

type Outcome = Pick<NodeResult, 'status' | 'message' | 'failures'> &
  Partial<Pick<NodeResult, 'file' | 'line'>>;

/** The model's SQL fails whatever the givens: the model's error, not the unit test's. */
class ModelSqlError extends Error {
  constructor(readonly located: NodeSqlError) {
    super(located.message);
  }
}

/**
 * Runs unit tests: every given becomes a temp table, the model is rendered with its refs and
 * sources pointing at them and run, and its output is compared with `expect`. Each test works on
 * its own connection's temp tables, so tests run concurrently without seeing each other.
 */
export class UnitTestRunner {
  private opened: Promise<Adapter> | undefined;
  private ownStats: Adapter['stats'] | undefined;
  private shapes: Shapes | undefined;
  /** Per model: whether its SQL fails on its own, checked once. */
  private readonly ownFailures = new Map<string, Promise<boolean>>();
  /** Per model whose SQL fails: the unit test that reported it; the others are skipped. */
  private readonly reportedBy = new Map<string, string>();

  /** The engine's version, asked once (again after a failure). */
  private readonly engine = sharedUntilFailure((db: Adapter) => db.version());

  constructor(
    private readonly project: Project,
    private readonly renderer: Renderer,
    /** A scratch database to use instead of opening one (the run's own, when it has no target). */
    private readonly shared?: Adapter,
    /** Passes of earlier runs: a unit test whose inputs are unchanged since it passed is not run. */
    private readonly passes?: UnitTestPasses,
  ) {}

  private database(): Promise<Adapter> {
    if (this.shared) return Promise.resolve(this.shared);
    const plugin = adapterPlugin(this.project.target.type);
    this.opened ??= plugin
      .open(plugin.scratch(this.project.target))
      .then((db) => ((this.ownStats = db.stats), db));
    return this.opened;
  }

  /** Seconds spent in statements of the runner's own database. */
  get seconds(): number {
    return this.ownStats?.seconds ?? 0;
  }

  async close(): Promise<void> {
    if (this.opened) await (await this.opened).close();
    this.opened = undefined;
  }

  /** Run one unit test; with a compiler, its rendered model SQL is kept for target/compiled. */
  async run(node: UnitTestNode, compiler?: Compiler): Promise<NodeResult> {
    const startedAt = new Date();
    const relativePath = `unit_tests/${node.model}/${node.name}.sql`;
    let compiledPath: string | undefined;
    const keep = (compiled: CompiledSql) => {
      if (!compiler) return;
      compiler.record(relativePath, compiled.sql);
      compiledPath = compiler.compiledPath(relativePath);
    };
    let outcome: Outcome;
    try {
      const db = await this.database();
      this.shapes ??= new Shapes(this.project, this.renderer, db);
      // Asked before taking a connection: version() takes one of its own from the same pool.
      const engine = this.passes ? await this.engine(db) : '';
      outcome = await db.withConnection((conn) =>
        this.runOnce(db, conn, node, this.shapes!, keep, engine),
      );
    } catch (e) {
      outcome =
        e instanceof ModelSqlError
          ? this.modelFailure(node, e.located)
          : {
              status: 'error',
              message: `unit test '${node.name}' of model '${node.model}': ${(e as Error).message}`,
            };
    }
    if (outcome.status !== 'pass') this.passes?.forget(node.id);
    const completedAt = new Date();
    return {
      id: node.id,
      name: node.name,
      kind: 'unit_test',
      detail: 'unit',
      file: node.path,
      line: node.line,
      ...outcome,
      startedAt: startedAt.toISOString(),
      completedAt: completedAt.toISOString(),
      seconds: (completedAt.getTime() - startedAt.getTime()) / 1000,
      compiledPath,
      attachedTo: node.attachedTo,
    };
  }

  /**
   * A model whose SQL fails is one error, at the model's file and line, reported by the first of
   * its unit tests to find it; its other unit tests are skipped, as they can test nothing.
   */
  private modelFailure(node: UnitTestNode, located: NodeSqlError): Outcome {
    const first = this.reportedBy.get(node.model);
    if (first !== undefined)
      return {
        status: 'skipped',
        message: `skipped: model ${node.model}'s SQL fails (reported by unit test ${first})`,
      };
    this.reportedBy.set(node.model, node.name);
    const where = `${located.file}${located.line ? `:${located.line}` : ''}: `;
    const detail = located.message.startsWith(where)
      ? located.message.slice(where.length)
      : located.message;
    return {
      status: 'error',
      message: `${where}model '${node.model}' fails on its own SQL, whatever a unit test gives it: ${detail}`,
      file: located.file,
      line: located.line,
    };
  }

  private ownFailure(conn: Connection, model: ModelNode, shapes: Shapes): Promise<boolean> {
    let known = this.ownFailures.get(model.name);
    if (!known) {
      known = shapes.failsOnItsOwn(conn, model);
      this.ownFailures.set(model.name, known);
    }
    return known;
  }

  /** Run a unit test, unless it passed before with the same inputs (`passes`). */
  private async runOnce(
    db: Adapter,
    conn: Connection,
    node: UnitTestNode,
    shapes: Shapes,
    keep: (compiled: CompiledSql) => void,
    engine: string,
  ): Promise<Outcome> {
    const model = this.project.models.get(node.model)!;
    const fixtures = new Map(
      node.given.map((g) => [inputLabel(g.target), db.dialect.quote(fixtureTable(g.target))]),
    );
    const compiled = this.render(model, node, fixtures);
    keep(compiled);
    const fingerprint =
      this.passes && (await this.fingerprint(conn, model, node, shapes, compiled, engine));
    const pass = fingerprint && this.passes!.unchanged(node.id, fingerprint);
    if (pass)
      return {
        status: 'pass',
        message: `pass (unchanged since it passed at ${pass.passedAt}: not run again)`,
        failures: 0,
      };
    const outcome = await this.execute(db, conn, node, shapes, compiled);
    if (fingerprint && outcome.status === 'pass') this.passes!.record(node.id, fingerprint);
    return outcome;
  }

  /**
   * Everything a unit test's result depends on: the model's SQL as rendered over the givens (so
   * every var, macro, env var and config that shaped it), the givens' rows and the columns of
   * what they stand in for, the expected rows, and the engine and duckflow versions. Undefined,
   * so the test always runs, when its SQL can give another result on the same inputs (now(),
   * random()) or an input cannot be read (the run reports that).
   */
  private async fingerprint(
    conn: Connection,
    model: ModelNode,
    node: UnitTestNode,
    shapes: Shapes,
    compiled: CompiledSql,
    engine: string,
  ): Promise<string | undefined> {
    let input;
    try {
      const givens = [];
      for (const given of node.given)
        givens.push({
          target: given.target,
          rows: rowsContent(given, this.project),
          upstream: await shapes.of(conn, this.upstream(model, given.target)),
        });
      input = {
        duckflow: DUCKFLOW_VERSION,
        engine: [this.project.target.type, engine],
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        sql: compiled.sql,
        givens,
        expect: rowsContent(node.expect, this.project),
      };
    } catch {
      return undefined;
    }
    if (callsVolatile(compiled.sql, [...input.givens.map((g) => g.rows), input.expect]))
      return undefined;
    return fingerprintOf(input);
  }

  private async execute(
    db: Adapter,
    conn: Connection,
    node: UnitTestNode,
    shapes: Shapes,
    compiled: CompiledSql,
  ): Promise<Outcome> {
    const model = this.project.models.get(node.model)!;
    const quote = db.dialect.quote;
    const scratch = new Scratch();
    const tables: string[] = [];
    try {
      for (const given of node.given) {
        const label = inputLabel(given.target);
        const table = fixtureTable(given.target);
        tables.push(table);
        try {
          const upstream = await shapes.of(conn, this.upstream(model, given.target));
          await loadGiven(
            db,
            conn,
            table,
            rowsReader(given, this.project, scratch, table),
            upstream,
          );
        } catch (e) {
          throw new Error(`given ${label}: ${firstLine((e as Error).message)}`);
        }
      }

      tables.push(ACTUAL);
      const statement = db.dialect.createTempTableAs(ACTUAL, compiled.sql);
      try {
        await conn.run(statement);
      } catch (e) {
        const located = locateSqlError(db, e, compiled, statement);
        if (await this.ownFailure(conn, model, shapes)) throw new ModelSqlError(located);
        const hint = /Binder Error/.test(located.message)
          ? `\nhint: a given has the columns its rows name, plus those known of its upstream (declared data_type, a seed's file, an upstream model's SQL)`
          : '';
        throw new Error(`${located.message}${hint}`);
      }
      const output = await db.describe(conn, `select * from ${quote(ACTUAL)}`);

      tables.push(EXPECTED);
      let columns: { expected: string; actual: string }[];
      try {
        columns = await loadExpected(
          db,
          conn,
          EXPECTED,
          rowsReader(node.expect, this.project, scratch, EXPECTED),
          output,
          model.name,
        );
      } catch (e) {
        throw new Error(`expect: ${firstLine((e as Error).message)}`);
      }
      const comparison = await compare(db.dialect, conn, EXPECTED, ACTUAL, columns);
      const failures = comparison.missing.total + comparison.unexpected.total;
      if (failures === 0) return { status: 'pass', message: 'pass', failures: 0 };
      return { status: 'fail', message: formatDiff(comparison), failures };
    } finally {
      for (const t of tables) await conn.run(`drop table if exists ${quote(t)}`);
      scratch.remove();
    }
  }

  /** The node a given stands in for (validated when the unit test was collected). */
  private upstream(model: ModelNode, input: UnitInput): ProjectNode {
    if (input.kind === 'this') return model;
    if (input.kind === 'source') return this.project.sources.get(`${input.source}.${input.table}`)!;
    return (this.project.models.get(input.name) ?? this.project.seeds.get(input.name))!;
  }

  /** The model's SQL over the givens, with the unit test's overrides of vars, env vars and macros. */
  private render(model: ModelNode, node: UnitTestNode, fixtures: Map<string, string>): CompiledSql {
    const { vars, envVars, macros } = node.overrides;
    const renderer = Object.keys(vars).length
      ? projectRenderer(this.project, { vars: { ...this.project.vars, ...vars } })
      : this.renderer;
    const locals = Object.fromEntries(
      Object.entries(macros)
        .filter(([name]) => name !== 'is_incremental')
        .map(([name, value]) => [name, () => value]),
    );
    return withEnv(envVars, () =>
      renderWith(this.project, renderer, model, fixtures, {
        locals,
        isIncremental: Boolean(macros.is_incremental),
      }),
    );
  }
}
