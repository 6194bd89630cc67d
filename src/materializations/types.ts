import type { Adapter, Connection } from '../adapters/types.ts';
import type { CompiledSql } from '../compile/compiler.ts';

export interface MaterializeContext {
  adapter: Adapter;
  conn: Connection;
  schema: string;
  name: string;
  compiled: CompiledSql;
}

export interface MaterializeResult {
  rows?: number;
  message: string;
}
