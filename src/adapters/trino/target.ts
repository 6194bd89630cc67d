import { Type, type Static } from '@sinclair/typebox';
import { isAbsolute, resolve } from 'node:path';
import type { TargetConfig } from '../../core/nodes.ts';
import type { TargetContext } from '../types.ts';

export const trinoTargetSchema = Type.Object({
  host: Type.Optional(Type.String()),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  http_scheme: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('https')])),
  user: Type.String(),
  /** The catalog models are built in; `schema` is a schema of it. */
  catalog: Type.String(),
  /** Sent with every statement (`X-Trino-Session`), e.g. `query_max_run_time: 1h`. */
  session_properties: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  ),
  /**
   * Where seeds and unit test rows are staged as Parquet files, as the staging catalog names
   * it (`local:///duckflow`, `s3://bucket/prefix`): a Hive catalog registers them as external
   * tables.
   */
  staging_location: Type.Optional(Type.String()),
  /** The same place as this machine writes it: a local directory (default: staging_location). */
  staging_path: Type.Optional(Type.String()),
  /** A Hive catalog that reads the staged files (default: `catalog`). */
  staging_catalog: Type.Optional(Type.String()),
});

export interface TrinoTarget extends TargetConfig {
  type: 'trino';
  host: string;
  port: number;
  http_scheme: 'http' | 'https';
  user: string;
  catalog: string;
  session_properties: Record<string, string>;
  staging?: { location: string; path: string; catalog: string };
  /** Unit tests' scratch target: every connection works in a schema of its own, dropped on close. */
  scratch?: boolean;
}

export function resolveTrinoTarget(
  raw: Static<typeof trinoTargetSchema>,
  base: TargetConfig,
  { dir }: TargetContext,
): TrinoTarget {
  if (raw.staging_path !== undefined && raw.staging_location === undefined)
    throw new Error('staging_path is given without staging_location (how Trino names that place)');
  const location = raw.staging_location?.replace(/\/+$/, '');
  const path = raw.staging_path ?? location;
  if (location !== undefined && path !== undefined && /^[a-z][a-z0-9+.-]*:/i.test(path))
    throw new Error(
      `staging_location '${location}' is not a local directory: give staging_path, where this machine writes the files it names`,
    );
  return {
    ...base,
    type: 'trino',
    host: raw.host ?? '127.0.0.1',
    port: raw.port ?? 8080,
    http_scheme: raw.http_scheme ?? 'http',
    user: raw.user,
    catalog: raw.catalog,
    session_properties: Object.fromEntries(
      Object.entries(raw.session_properties ?? {}).map(([k, v]) => [k, String(v)]),
    ),
    staging:
      location === undefined
        ? undefined
        : {
            location,
            path: isAbsolute(path!) ? path! : resolve(dir, path!),
            catalog: raw.staging_catalog ?? raw.catalog,
          },
  };
}

export const trinoUrl = (t: TrinoTarget) => `${t.http_scheme}://${t.host}:${t.port}`;
