import { settingValue } from '../nodeSettings.ts';
import type { Connection, NodeSettings } from '../types.ts';
import { duckdbDialect } from './dialect.ts';

/**
 * A node's settings as DuckDB SETs on its own connection. Only settings DuckDB keeps per
 * connection (scope LOCAL) qualify: a GLOBAL one (threads, memory_limit, ...) would change
 * every statement running at the same time, so it belongs in the target's `settings:`.
 */
export async function applyDuckDBSettings(
  conn: Connection,
  settings: NodeSettings,
): Promise<() => Promise<void>> {
  const { literal } = duckdbDialect;
  const names = Object.keys(settings).map((n) => n.toLowerCase());
  const { rows } = await conn.query(
    `select name, scope from duckdb_settings() where name in (${names.map(literal).join(', ')})`,
  );
  const scopes = new Map(rows.map((r) => [String(r.name), String(r.scope)]));
  for (const name of names) {
    const scope = scopes.get(name);
    if (scope === undefined) throw new Error(`settings: '${name}' is not a DuckDB setting`);
    if (scope !== 'LOCAL')
      throw new Error(
        `settings: '${name}' is global in DuckDB (it would change every statement running meanwhile); set it in the target's settings instead`,
      );
  }
  const before = await conn.query(
    `select ${names.map((n, i) => `current_setting(${literal(n)})::varchar as v${i}`).join(', ')}`,
  );
  const restore = async () => {
    for (const [i, name] of names.entries()) {
      const value = before.rows[0][`v${i}`];
      await conn.run(value === null ? `reset ${name}` : `set ${name} = ${literal(String(value))}`);
    }
  };
  try {
    for (const [i, value] of Object.values(settings).entries())
      await conn.run(`set ${names[i]} = ${settingValue(value, literal)}`);
  } catch (e) {
    await restore();
    throw new Error(`settings: ${(e as Error).message}`, { cause: e });
  }
  return restore;
}
