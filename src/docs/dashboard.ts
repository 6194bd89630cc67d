/**
 * The data of every dashboard the project declares: each tile's query run against the built
 * database, its rows exported whole, with the definition the page prints under it. Histograms
 * and box plots are summarised here, in SQL, so the page draws what DuckDB computed.
 */
import type { Connection, Json } from '../adapters/types.ts';
import { relationName, type Compiler } from '../compile/compiler.ts';
import { tileInputs, tileModelName } from '../dashboards/resolve.ts';
import type { DashboardNode, FieldSpec, Project, TileSpec } from '../project/types.ts';
import { didYouMean } from '../util/closest.ts';
import { quoteIdent } from '../util/sql.ts';
import { catalogKey, type Catalog } from './catalog.ts';

export interface TileData extends Omit<TileSpec, 'at' | 'model' | 'sql'> {
  /** Models and seeds the tile reads, for the links under it. */
  models: string[];
  /** The SQL that was run, shown under the tile. */
  sql: string | null;
  /** Columns of `rows`, with their database types. */
  result_columns: { name: string; type: string }[];
  rows: Record<string, Json>[];
  /** Rows beyond the export limit were left out (tables only). */
  truncated?: boolean;
  /** Why there is no data (not built, query failed, a named column is missing); the page shows it. */
  unavailable?: string;
}

export interface DashboardData {
  id: string;
  name: string;
  title: string;
  description: string;
  owner: DashboardNode['owner'] | null;
  /** Page of the docs site, relative to its root. */
  page: string;
  generated_at: string;
  tiles: TileData[];
}

/** Tables are for reading, not for exporting a relation: the page shows this many rows at most. */
export const TABLE_ROW_LIMIT = 500;

export const dashboardPage = (name: string) => `dashboard-${name}.html`;

/** Integer and decimal columns arrive as strings to keep their precision; charts need numbers. */
const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|DECIMAL|FLOAT|DOUBLE)/i;

function chartable(
  rows: Record<string, Json>[],
  columns: { name: string; type: string }[],
): Record<string, Json>[] {
  const numeric = columns.filter((c) => NUMERIC.test(c.type)).map((c) => c.name);
  return rows.map((row) => {
    const out = { ...row };
    for (const name of numeric) if (typeof out[name] === 'string') out[name] = Number(out[name]);
    return out;
  });
}

/** Every column a tile's encodings and KPI line name. */
function namedColumns(tile: TileSpec): string[] {
  const fields: (FieldSpec | undefined)[] = [
    tile.x,
    ...tile.y,
    tile.series,
    ...tile.columns,
    ...tile.tooltip,
  ];
  const inDetail = [...(tile.detail ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  return [...new Set([...fields.flatMap((f) => (f ? [f.column] : [])), ...inDetail])];
}

/** Bins of `x`, every bin from the lowest to the highest present (empty ones count 0). */
function histogramSql(base: string, tile: TileSpec): string {
  const x = quoteIdent(tile.x!.column);
  const { width, max } = tile.bin!;
  const last = max === undefined ? null : Math.floor(max / width);
  const bin = `floor(v / ${width})::bigint`;
  return `with v as (select ${x}::double as v from (${base}) where ${x} is not null),
b as (select ${last === null ? bin : `least(${bin}, ${last})`} as bin from v),
r as (select range as bin from range((select min(bin) from b), (select max(bin) from b) + 1))
select r.bin * ${width} as bin_start,
       ${last === null ? '' : `case when r.bin = ${last} then null else `}(r.bin + 1) * ${width}${last === null ? '' : ' end'} as bin_end,
       count(b.bin)::bigint as count
from r left join b on b.bin = r.bin
where exists (select 1 from b)
group by all
order by bin_start`;
}

/** Per category of `x`: p10, p25, median, p75, p90 of `y` (the whiskers are p10 and p90). */
function boxplotSql(base: string, tile: TileSpec): string {
  const x = quoteIdent(tile.x!.column);
  const y = quoteIdent(tile.y[0].column);
  const q = (p: number, name: string) => `quantile_cont(${y}, ${p}) as ${name}`;
  return `select ${x}, count(${y})::bigint as count, ${q(0.1, 'p10')}, ${q(0.25, 'p25')}, ${q(0.5, 'median')}, ${q(0.75, 'p75')}, ${q(0.9, 'p90')}
from (${base})
where ${y} is not null
group by all
order by median desc, ${x}`;
}

const SHAPE: Partial<Record<TileSpec['type'], (base: string, tile: TileSpec) => string>> = {
  histogram: histogramSql,
  boxplot: boxplotSql,
  table: (base) => `select * from (${base}) limit ${TABLE_ROW_LIMIT + 1}`,
};

export interface DashboardContext {
  project: Project;
  catalog: Catalog;
  conn: Connection | undefined;
  compiler: Compiler;
}

/** Why a tile has no data before any query runs: nothing built yet, or a relation is missing. */
function whyUnavailable(ctx: DashboardContext, reads: string[]): string | undefined {
  if (!ctx.conn) return `no database yet: run 'duckflow build' first`;
  for (const name of reads) {
    const node = ctx.project.models.get(name) ?? ctx.project.seeds.get(name);
    if (node && !ctx.catalog.has(catalogKey(node.schema, node.alias)))
      return `'${name}' is not built yet: run 'duckflow build' first`;
  }
  return undefined;
}

async function exportTile(
  ctx: DashboardContext,
  dashboard: DashboardNode,
  tile: TileSpec,
): Promise<TileData> {
  const { at: _at, model, sql: template, ...spec } = tile;
  const reads = [...new Set(tileInputs(tile, dashboard, ctx.compiler.renderer).refs)];
  const data: TileData = { ...spec, models: reads, sql: null, result_columns: [], rows: [] };
  data.unavailable = whyUnavailable(ctx, reads);
  if (data.unavailable || !ctx.conn) return data;
  const node = model === undefined ? undefined : ctx.project.models.get(tileModelName(model));
  const seed = model === undefined ? undefined : ctx.project.seeds.get(tileModelName(model));
  const base =
    model !== undefined
      ? `select * from ${relationName((node ?? seed)!)}`
      : ctx.compiler.renderTemplate(template!, dashboard.path).sql.trim();
  try {
    const probe = await ctx.conn.query(`select * from (${base}) limit 0`);
    const missing = namedColumns(tile).filter((c) => !probe.columns.includes(c));
    if (missing.length) {
      data.sql = base;
      data.unavailable = missing
        .map((c) => `no column '${c}' in its rows${didYouMean(c, probe.columns)}`)
        .join('; ');
      return data;
    }
    data.sql = SHAPE[tile.type]?.(base, tile) ?? base;
    const result = await ctx.conn.query(data.sql);
    data.result_columns = result.columns.map((name, i) => ({ name, type: result.types[i] }));
    data.rows = chartable(result.rows, data.result_columns);
    if (tile.type === 'table' && data.rows.length > TABLE_ROW_LIMIT) {
      data.rows = data.rows.slice(0, TABLE_ROW_LIMIT);
      data.truncated = true;
    }
  } catch (e) {
    data.unavailable = `query failed: ${(e as Error).message.split('\n')[0]}`;
  }
  return data;
}

/** Run every tile of every declared dashboard that the database can answer. */
export async function exportDashboards(ctx: DashboardContext): Promise<DashboardData[]> {
  const out: DashboardData[] = [];
  for (const d of ctx.project.dashboards.values()) {
    const tiles: TileData[] = [];
    for (const tile of d.tiles) tiles.push(await exportTile(ctx, d, tile));
    out.push({
      id: d.id,
      name: d.name,
      title: d.title,
      description: d.description,
      owner: d.owner ?? null,
      page: dashboardPage(d.name),
      generated_at: new Date().toISOString(),
      tiles,
    });
  }
  return out;
}
