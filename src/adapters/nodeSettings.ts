import type { Adapter, Connection, NodeSettings } from './types.ts';

/**
 * Run `fn` with the node's `settings:` set on its connection, the previous values restored
 * afterwards whatever happens, so no other node sharing the pooled connection inherits them.
 */
export async function withNodeSettings<T>(
  adapter: Adapter,
  conn: Connection,
  settings: NodeSettings | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  if (!settings || Object.keys(settings).length === 0) return fn();
  if (!adapter.applySettings)
    throw new Error(
      `settings: the ${adapter.type} adapter cannot apply settings to one node (${Object.keys(settings).join(', ')})`,
    );
  const restore = await adapter.applySettings(conn, settings);
  try {
    return await fn();
  } finally {
    await restore();
  }
}

/** A setting's value as SQL: numbers and booleans as they are, text quoted. */
export function settingValue(value: string | number | boolean, literal: (s: string) => string) {
  return typeof value === 'string' ? literal(value) : String(value);
}
