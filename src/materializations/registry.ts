import { ephemeral } from './ephemeral.ts';
import { incremental } from './incremental.ts';
import { seed } from './seed.ts';
import { snapshot } from './snapshot.ts';
import { table } from './table.ts';
import type { Materialization } from './types.ts';
import { view } from './view.ts';

/**
 * Every materialization, by name. `materialized:` in config, the project's JSON Schema and the
 * manifest's schema take their allowed values from here.
 */
export const MATERIALIZATIONS: Record<string, Materialization> = Object.fromEntries(
  [view, table, ephemeral, incremental, seed, snapshot].map((m) => [m.name, m]),
);

/** Names `materialized:` accepts on a model. */
export const MODEL_MATERIALIZATIONS: string[] = Object.values(MATERIALIZATIONS)
  .filter((m) => m.appliesTo === 'model')
  .map((m) => m.name);

export function materialization(name: string): Materialization {
  const m = MATERIALIZATIONS[name];
  if (!m) throw new Error(`unknown materialization '${name}'`);
  return m;
}

/** Whether a model becomes a relation of its own (ephemeral ones are inlined instead). */
export const buildsRelation = (model: { materialized: string }): boolean =>
  materialization(model.materialized).buildsRelation;
