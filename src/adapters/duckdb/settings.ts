import { settingValue } from '../nodeSettings.ts';
import type { Connection, NodeSettings } from '../types.ts';
import { duckdbDialect } from './dialect.ts';

/**
 * A node's settings as DuckDB session SETs on its own connection, reset after (back to the
 * database-wide value). Only settings DuckDB keeps per connection qualify: a global one
 * (threads, memory_limit, ...) would change every statement running at the same time, so it
 * belongs in the target's `settings:`.
 */
export async function applyDuckDBSettings(
  conn: Connection,
  settings: NodeSettings,
): Promise<() => Promise<void>> {
  const names = Object.keys(settings).map((n) => n.toLowerCase());
  const set: string[] = [];
  const restore = async () => {
    for (const name of set) await conn.run(`reset session ${name}`);
  };
  try {
    for (const [i, value] of Object.values(settings).entries()) {
      await conn.run(`set session ${names[i]} = ${settingValue(value, duckdbDialect.literal)}`);
      set.push(names[i]);
    }
  } catch (e) {
    await restore();
    const name = names[set.length];
    const message = (e as Error).message;
    throw new Error(
      /cannot be set locally/.test(message)
        ? `settings: '${name}' is global in DuckDB (it would change every statement running meanwhile); set it in the target's settings instead`
        : /unrecognized configuration parameter/.test(message)
          ? `settings: '${name}' is not a DuckDB setting`
          : `settings: ${name}: ${message}`,
      { cause: e },
    );
  }
  return restore;
}
