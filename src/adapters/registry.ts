import type { TargetConfig } from '../core/nodes.ts';
import { duckdb } from './duckdb/index.ts';
import { postgres } from './postgres/index.ts';
import { trino } from './trino/index.ts';
import type { Adapter, AdapterPlugin } from './types.ts';

/** Every database duckflow can build in, keyed on a target's `type`. */
export const ADAPTERS: Record<string, AdapterPlugin> = {
  duckdb: duckdb as AdapterPlugin,
  postgres: postgres as AdapterPlugin,
  trino: trino as AdapterPlugin,
};

export function adapterPlugin(type: string): AdapterPlugin {
  const plugin = ADAPTERS[type];
  if (!plugin)
    throw new Error(
      `no adapter for target type '${type}' (known: ${Object.keys(ADAPTERS).join(', ')})`,
    );
  return plugin;
}

/** The only way a database is opened: through the adapter registered for the target's type. */
export function openAdapter(target: TargetConfig): Promise<Adapter> {
  return adapterPlugin(target.type).open(target);
}
