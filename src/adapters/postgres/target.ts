import { Type, type Static } from '@sinclair/typebox';
import type { TargetConfig } from '../../core/nodes.ts';

export const postgresTargetSchema = Type.Object({
  host: Type.Optional(Type.String()),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  user: Type.String(),
  /** Give it with `{{ env_var('...') }}` rather than in the file. */
  password: Type.Optional(Type.String()),
  database: Type.String(),
});

export interface PostgresTarget extends TargetConfig, Static<typeof postgresTargetSchema> {
  type: 'postgres';
  host: string;
  port: number;
}

export function resolvePostgresTarget(
  raw: Static<typeof postgresTargetSchema>,
  base: TargetConfig,
): PostgresTarget {
  return {
    ...base,
    ...raw,
    type: 'postgres',
    host: raw.host ?? '127.0.0.1',
    port: raw.port ?? 5432,
  };
}
