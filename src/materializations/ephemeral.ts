import type { Materialization } from './types.ts';

/** Never built: the compiler inlines an ephemeral model into each dependent as a CTE. */
export const ephemeral: Materialization = {
  name: 'ephemeral',
  appliesTo: 'model',
  buildsRelation: false,
  build() {
    throw new Error('ephemeral models are inlined into their dependents, not built');
  },
};
