import type { Connection, NodeSettings } from '../types.ts';
import { postgresDialect } from './dialect.ts';

/** Contexts in which a session may change a setting (pg_settings.context). */
const SESSION_CONTEXTS = new Set(['user', 'superuser']);

/**
 * A node's settings as PostgreSQL session settings on its own connection, set before the node
 * runs and put back after: like SET LOCAL, but they also cover the statements a node runs
 * outside its transaction (a seed's COPY). Settings the server fixes at start or reload are
 * refused by name.
 */
export async function applyPostgresSettings(
  conn: Connection,
  settings: NodeSettings,
): Promise<() => Promise<void>> {
  const { literal } = postgresDialect;
  const names = Object.keys(settings).map((n) => n.toLowerCase());
  const { rows } = await conn.query(
    `select name, context, current_setting(name) as value from pg_settings where name in (${names.map(literal).join(', ')})`,
  );
  const found = new Map(rows.map((r) => [String(r.name), r]));
  for (const name of names) {
    const row = found.get(name);
    if (!row) throw new Error(`settings: '${name}' is not a PostgreSQL setting`);
    if (!SESSION_CONTEXTS.has(String(row.context)))
      throw new Error(
        `settings: '${name}' cannot be changed by a session in PostgreSQL (context ${String(row.context)})`,
      );
  }
  const restore = async () => {
    for (const name of names)
      await conn.run(
        `select set_config(${literal(name)}, ${literal(String(found.get(name)!.value))}, false)`,
      );
  };
  try {
    for (const [i, value] of Object.values(settings).entries())
      await conn.run(`select set_config(${literal(names[i])}, ${literal(String(value))}, false)`);
  } catch (e) {
    await restore();
    throw new Error(`settings: ${(e as Error).message}`, { cause: e });
  }
  return restore;
}
