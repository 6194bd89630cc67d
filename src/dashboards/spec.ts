/**
 * `dashboards:` entries of a property file, normalised: shorthand fields (`x: day`) become
 * `{column: 'day'}`, a single `y` becomes a list, and each tile remembers its line for errors.
 */
import { ProjectError } from '../errors.ts';
import { positionOf, type YamlFile } from '../project/yamlFile.ts';
import type { DashboardNode, FieldSpec, TileSpec, TileType } from '../project/types.ts';

type RawField = string | FieldSpec;

/** A tile as written: fields may be bare column names, `y` one field or a list, keys optional. */
export interface RawTile
  extends
    Pick<TileSpec, 'name' | 'type' | 'title' | 'caption' | 'model' | 'sql' | 'bin' | 'detail'>,
    Partial<Pick<TileSpec, 'orientation' | 'labels' | 'width'>> {
  x?: RawField;
  y?: RawField | RawField[];
  series?: RawField;
  columns?: RawField[];
  tooltip?: RawField[];
}

export interface RawDashboard {
  name: string;
  title: string;
  description?: string;
  owner?: { name?: string; email?: string };
  tags?: string[];
  meta?: Record<string, unknown>;
  tiles: RawTile[];
}

const field = (f: RawField): FieldSpec => (typeof f === 'string' ? { column: f } : f);

/** Charts that read one value per row; several `y` make no sense for them. */
const ONE_Y: TileType[] = ['histogram', 'boxplot', 'funnel', 'kpi'];

function readTile(file: YamlFile, raw: RawTile, at: (string | number)[]): TileSpec {
  const position = positionOf(file, at);
  const where = `tile '${raw.name}'`;
  if ((raw.model === undefined) === (raw.sql === undefined))
    throw new ProjectError(
      `${where}: give exactly one of 'model' (ref('name') or a name) or 'sql' (a query of refs)`,
      position,
    );
  const y = raw.y === undefined ? [] : [raw.y].flat().map(field);
  if (ONE_Y.includes(raw.type) && y.length > 1)
    throw new ProjectError(
      `${where}: a ${raw.type} takes one 'y' column, got ${y.length}`,
      positionOf(file, [...at, 'y']),
    );
  if (raw.type === 'stacked_bar' && !raw.series && y.length < 2)
    throw new ProjectError(
      `${where}: a stacked_bar needs 'series' (a column whose values are the stacks) or several 'y' columns`,
      position,
    );
  if (raw.type === 'histogram' && raw.y !== undefined)
    throw new ProjectError(
      `${where}: a histogram counts rows per bin of 'x'; it takes no 'y'`,
      positionOf(file, [...at, 'y'], true),
    );
  if (raw.bin?.max !== undefined && !Number.isInteger(raw.bin.max / raw.bin.width))
    throw new ProjectError(
      `${where}: bin.max (${raw.bin.max}) must be a multiple of bin.width (${raw.bin.width}): it starts the last bin`,
      positionOf(file, [...at, 'bin', 'max']),
    );
  return {
    name: raw.name,
    type: raw.type,
    title: raw.title,
    caption: raw.caption,
    model: raw.model,
    sql: raw.sql,
    x: raw.x === undefined ? undefined : field(raw.x),
    y,
    series: raw.series === undefined ? undefined : field(raw.series),
    columns: (raw.columns ?? []).map(field),
    tooltip: (raw.tooltip ?? []).map(field),
    bin: raw.bin,
    orientation: raw.orientation ?? 'vertical',
    labels: raw.labels ?? false,
    detail: raw.detail,
    width: raw.width ?? 'half',
    at: positionOf(file, [...at, raw.model === undefined ? 'sql' : 'model']),
  };
}

export function readDashboard(
  file: YamlFile,
  raw: RawDashboard,
  at: (string | number)[],
): Omit<DashboardNode, 'id'> {
  const names = new Set<string>();
  const tiles = raw.tiles.map((t, i) => {
    if (names.has(t.name))
      throw new ProjectError(
        `dashboard '${raw.name}': two tiles are named '${t.name}'`,
        positionOf(file, [...at, 'tiles', i, 'name']),
      );
    names.add(t.name);
    return readTile(file, t, [...at, 'tiles', i]);
  });
  return {
    kind: 'dashboard',
    name: raw.name,
    title: raw.title,
    path: file.path,
    line: positionOf(file, at).line,
    description: raw.description ?? '',
    owner: raw.owner,
    tags: raw.tags ?? [],
    meta: raw.meta ?? {},
    config: {},
    tiles,
    dependsOn: [],
  };
}
