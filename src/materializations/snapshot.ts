import type { ModelNode } from '../core/nodes.ts';
import { runCompiled } from './sqlError.ts';
import { inNodeTransaction } from './transaction.ts';
import type { Materialization, MaterializeContext } from './types.ts';

export const SNAPSHOT_STRATEGIES = ['timestamp', 'check'] as const;
export const HARD_DELETES = ['ignore', 'invalidate', 'new_record'] as const;

/** A snapshot's config once checked (project/snapshots.ts): what the SQL below needs. */
export interface SnapshotSpec {
  strategy: (typeof SNAPSHOT_STRATEGIES)[number];
  uniqueKey: string[];
  updatedAt?: string;
  /** Columns whose change makes a new version (`check`); `all`: every column of the query. */
  checkCols?: 'all' | string[];
  hardDeletes: (typeof HARD_DELETES)[number];
  /** SQL for `dbt_valid_to` of current rows instead of null. */
  validToCurrent?: string;
}

/** The config keys of a snapshot as a spec; the loader has validated them. */
export function snapshotSpec(config: Record<string, unknown>): SnapshotSpec {
  const hard =
    (config.hard_deletes as SnapshotSpec['hardDeletes'] | undefined) ??
    (config.invalidate_hard_deletes ? 'invalidate' : 'ignore');
  return {
    strategy: config.strategy as SnapshotSpec['strategy'],
    uniqueKey: [config.unique_key].flat().map(String),
    updatedAt: config.updated_at as string | undefined,
    checkCols: config.check_cols as SnapshotSpec['checkCols'],
    hardDeletes: hard,
    validToCurrent: config.dbt_valid_to_current as string | undefined,
  };
}

/**
 * dbt's snapshot materialization (type-2 slowly changing dimension), as dbt-adapters' snapshot
 * macros do it: the first build copies the query's rows with `dbt_scd_id`, `dbt_updated_at`,
 * `dbt_valid_from` and `dbt_valid_to` (null: current); later builds close the current version
 * of every changed row (`dbt_valid_to` = its new `updated_at`, or the snapshot time for `check`)
 * and insert the new version; rows gone from the query are kept (`ignore`), closed
 * (`invalidate`) or closed with a deletion record (`new_record`, `dbt_is_deleted`). Snapshots
 * are never rebuilt: `--full-refresh` does not apply to them, as in dbt.
 */
export const snapshot: Materialization = {
  name: 'snapshot',
  appliesTo: 'snapshot',
  buildsRelation: true,
  async build(ctx) {
    const spec = snapshotSpec((ctx.node as ModelNode).config);
    const sql = new SnapshotSql(ctx, spec);
    const target = ctx.adapter.dialect.relation(ctx.relation);
    // Zero rows read would look like every row deleted: an existing history is left alone.
    if (ctx.empty && ctx.exists)
      return { rows: 0, message: `snapshot ${target}: left as it was (--empty)` };
    // Refused before the first build, not once a history exists and cannot be updated.
    if (!ctx.adapter.dialect.capabilities.rowLevelDelete)
      throw new Error(
        `snapshots close versions by updating rows, which this ${ctx.adapter.type} target's tables cannot do; build snapshots where tables take row-level changes (on Trino: an Iceberg catalog)`,
      );
    return inNodeTransaction(ctx, async () => {
      if (!ctx.exists) {
        await runCompiled(
          ctx.adapter,
          ctx.conn,
          ctx.compiled!,
          ctx.adapter.dialect.createTableAs(ctx.relation, sql.firstVersions()),
        );
        const rows = Number(
          (await ctx.conn.query(`select count(*) as n from ${target}`)).rows[0].n,
        );
        return { rows, message: `snapshot ${target}: ${rows} rows` };
      }
      const { inserted, closed } = await sql.apply();
      return {
        rows: inserted + closed,
        message: `snapshot ${target}: ${inserted} new versions, ${closed} closed`,
      };
    });
  },
};

class SnapshotSql {
  private readonly q: (id: string) => string;
  private readonly md5: (text: string) => string;
  private readonly target: string;
  /** The snapshot's time: the database's clock, then one instant for every statement of a build. */
  private now: string;
  // Named after the snapshot: where temporary tables are tables of the target schema (Trino),
  // snapshots built at once must not share them.
  private readonly source: string;
  private readonly inserts: string;
  private readonly deletes: string;

  constructor(
    private readonly ctx: MaterializeContext,
    private readonly spec: SnapshotSpec,
  ) {
    const { dialect } = ctx.adapter;
    this.q = (id) => dialect.quote(id);
    this.md5 = (text) => dialect.md5(text);
    this.target = dialect.relation(ctx.relation);
    this.now = dialect.now();
    const name = ctx.relation.identifier;
    [this.source, this.inserts, this.deletes] = ['source', 'inserts', 'deletes'].map(
      (part) => `${name}__duckflow_snapshot_${part}`,
    );
  }

  /** When a row of the query (alias `s`) was updated: its column, or the snapshot's time. */
  private updated(alias: string): string {
    return this.spec.strategy === 'timestamp'
      ? `${alias}.${this.q(this.spec.updatedAt!)}`
      : this.now;
  }

  private scdId(alias: string, updated: string): string {
    const parts = [...this.spec.uniqueKey.map((k) => `${alias}.${this.q(k)}`), updated];
    return this.md5(parts.map((p) => `coalesce(cast(${p} as varchar), '')`).join(" || '|' || "));
  }

  private validToNull(updated: string): string {
    const none = `nullif(${updated}, ${updated})`;
    return this.spec.validToCurrent ? `coalesce(${none}, ${this.spec.validToCurrent})` : none;
  }

  /** The current version of a key in the snapshot (alias `c`). */
  private current(alias: string): string {
    const open = `${alias}.${this.q('dbt_valid_to')} is null`;
    return this.spec.validToCurrent
      ? `(${open} or ${alias}.${this.q('dbt_valid_to')} = ${this.spec.validToCurrent})`
      : open;
  }

  private sameKey(a: string, b: string): string {
    return this.spec.uniqueKey.map((k) => `${a}.${this.q(k)} = ${b}.${this.q(k)}`).join(' and ');
  }

  private newRecord(): boolean {
    return this.spec.hardDeletes === 'new_record';
  }

  /** Rows of the query (alias `s`) with the columns that make them a version. */
  private versions(from: string): string {
    const updated = this.updated('s');
    return `select s.*, ${this.scdId('s', updated)} as ${this.q('dbt_scd_id')}, ${updated} as ${this.q('dbt_updated_at')}, ${updated} as ${this.q('dbt_valid_from')}, ${this.validToNull(updated)} as ${this.q('dbt_valid_to')}${this.newRecord() ? `, 'False' as ${this.q('dbt_is_deleted')}` : ''} from ${from}`;
  }

  firstVersions(): string {
    return this.versions(`(\n${this.ctx.compiled!.sql}\n) s`);
  }

  /** Whether the query's row `s` differs from the snapshot's current version `c` of its key. */
  private changed(columns: string[], c: string): string {
    const deleted = this.newRecord() ? ` or ${c}.${this.q('dbt_is_deleted')} = 'True'` : '';
    if (this.spec.strategy === 'timestamp')
      return `(${c}.${this.q('dbt_valid_from')} < s.${this.q(this.spec.updatedAt!)}${deleted})`;
    const checked = Array.isArray(this.spec.checkCols) ? this.spec.checkCols : columns;
    const differs = checked.map((col) => `${c}.${this.q(col)} is distinct from s.${this.q(col)}`);
    return `(${differs.join(' or ')}${deleted})`;
  }

  /** Brings the snapshot up to date with the query; returns the versions added and closed. */
  async apply(): Promise<{ inserted: number; closed: number }> {
    const { adapter, conn, compiled, relation } = this.ctx;
    const { dialect } = adapter;
    const q = this.q;
    // Without a transaction (Trino) each statement reads the clock anew: versions closed and
    // opened by one build must share its time.
    const clock = await conn.query(`select cast(${this.now} as varchar) as now`);
    this.now = `timestamp ${dialect.literal(String(clock.rows[0].now))}`;
    await runCompiled(
      adapter,
      conn,
      compiled!,
      dialect.createTempTableAs(this.source, compiled!.sql),
    );
    const columns = await adapter.describe(conn, `select * from ${q(this.source)}`);
    const existing = new Set((await adapter.columns(conn, relation)).map((c) => c.name));
    // dbt adds the query's new columns to the snapshot; older versions hold null there.
    for (const c of columns.filter((c) => !existing.has(c.name)))
      await conn.run(`alter table ${this.target} add column ${q(c.name)} ${c.type}`);
    if (this.newRecord() && !existing.has('dbt_is_deleted')) {
      await conn.run(`alter table ${this.target} add column ${q('dbt_is_deleted')} varchar`);
      await conn.run(`update ${this.target} set ${q('dbt_is_deleted')} = 'False'`);
    }
    const names = columns.map((c) => c.name);
    const src = `${q(this.source)} s`;
    const match = `${this.sameKey('c', 's')} and ${this.current('c')}`;
    // New versions are found before any current version is closed.
    await conn.run(
      dialect.createTempTableAs(
        this.inserts,
        `${this.versions(src)} where not exists (select 1 from ${this.target} c where ${match} and not ${this.changed(names, 'c')})`,
      ),
    );
    // No alias on the updated table (Trino takes none): its columns go by the table's name.
    const t = this.target;
    let closed = await this.count(
      `update ${t} set ${q('dbt_valid_to')} = (select ${this.updated('s')} from ${src} where ${this.sameKey(t, 's')}) where ${this.current(t)} and exists (select 1 from ${src} where ${this.sameKey(t, 's')} and ${this.changed(names, t)})`,
    );
    let recorded = 0;
    if (this.spec.hardDeletes !== 'ignore') {
      const deleted = await this.closeDeleted(src);
      closed += deleted.closed;
      recorded = deleted.recorded;
    }
    const list = [...names, ...this.metaColumns()].map(q).join(', ');
    const inserted = await this.count(
      `insert into ${this.target} (${list}) select ${list} from ${q(this.inserts)}`,
    );
    for (const t of [this.source, this.inserts, this.deletes])
      await conn.run(`drop table if exists ${q(t)}`);
    return { inserted: inserted + recorded, closed };
  }

  private metaColumns(): string[] {
    const meta = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to'];
    return this.newRecord() ? [...meta, 'dbt_is_deleted'] : meta;
  }

  private async count(sql: string): Promise<number> {
    return (await this.ctx.conn.run(sql)) ?? 0;
  }

  /** Close current versions whose key left the query; `new_record` also records the deletion. */
  private async closeDeleted(src: string): Promise<{ closed: number; recorded: number }> {
    const { conn, adapter, relation } = this.ctx;
    const q = this.q;
    const open = this.newRecord() ? ` and c.${q('dbt_is_deleted')} <> 'True'` : '';
    await conn.run(
      adapter.dialect.createTempTableAs(
        this.deletes,
        `select c.* from ${this.target} c where ${this.current('c')}${open} and not exists (select 1 from ${src} where ${this.sameKey('c', 's')})`,
      ),
    );
    const closed = await this.count(
      `update ${this.target} set ${q('dbt_valid_to')} = ${this.now} where ${q('dbt_scd_id')} in (select ${q('dbt_scd_id')} from ${q(this.deletes)})`,
    );
    if (!this.newRecord()) return { closed, recorded: 0 };
    const meta = this.metaColumns();
    const kept = (await adapter.columns(conn, relation))
      .map((c) => c.name)
      .filter((n) => !meta.includes(n));
    const values = [
      ...kept.map((c) => `d.${q(c)}`),
      this.scdId('d', this.now),
      this.now,
      this.now,
      this.validToNull(this.now),
      "'True'",
    ];
    const recorded = await this.count(
      `insert into ${this.target} (${[...kept, ...meta].map(q).join(', ')}) select ${values.join(', ')} from ${q(this.deletes)} d`,
    );
    return { closed, recorded };
  }
}
