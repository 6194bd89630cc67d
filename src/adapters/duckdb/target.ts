import { Type, type Static } from '@sinclair/typebox';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { TargetConfig } from '../../core/nodes.ts';
import type { TargetContext } from '../types.ts';

export const duckdbTargetSchema = Type.Object({
  /** The database file, relative to the project; ':memory:' for a throwaway one. */
  path: Type.Optional(Type.String()),
  memory_limit: Type.Optional(Type.String()),
  temp_directory: Type.Optional(Type.String()),
  /** Snapshots of the database file that successful builds keep for `duckflow serve` (0 = none). */
  snapshots: Type.Optional(Type.Integer({ minimum: 0 })),
  settings: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  ),
});

export interface DuckDBTarget extends TargetConfig {
  type: 'duckdb';
  /** Absolute path of the database file, or ':memory:'. */
  path: string;
  memory_limit?: string;
  temp_directory?: string;
  settings: Record<string, string | number | boolean>;
  snapshots: number;
  /** The project directory, to show the database's path relative to it. */
  dir: string;
}

export function resolveDuckDBTarget(
  raw: Static<typeof duckdbTargetSchema>,
  base: TargetConfig,
  { dir, projectName }: TargetContext,
): DuckDBTarget {
  const path = raw.path ?? join('target', `${projectName}.duckdb`);
  return {
    ...base,
    type: 'duckdb',
    path: path === ':memory:' || isAbsolute(path) ? path : resolve(dir, path),
    memory_limit: raw.memory_limit,
    temp_directory: raw.temp_directory,
    settings: raw.settings ?? {},
    snapshots: raw.snapshots ?? 2,
    dir,
  };
}

export const isBuilt = (t: DuckDBTarget) => t.path !== ':memory:' && existsSync(t.path);

export const location = (t: DuckDBTarget) =>
  t.path === ':memory:' ? undefined : relative(t.dir, t.path) || t.path;
