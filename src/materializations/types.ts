import type { Adapter, Connection } from '../adapters/types.ts';
import type { CompiledSql } from '../compile/compiler.ts';

export interface MaterializeContext {
  adapter: Adapter;
  conn: Connection;
  schema: string;
  name: string;
  compiled: CompiledSql;
  /** Checks or completes the freshly built relation before it is swapped in (seeds' rejected rows). */
  afterCreate?: (staging: string) => Promise<void>;
}

export interface MaterializeResult {
  rows?: number;
  message: string;
}
