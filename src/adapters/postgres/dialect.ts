import type { Dialect } from '../../core/dialect.ts';
import { standardDialect } from '../sqlDialect.ts';

/** PostgreSQL writes standard SQL nearly everywhere: what differs is in the capabilities. */
const base = standardDialect('postgres', {
  transactionalDdl: true,
  // `create or replace view` refuses to drop or retype columns: views are dropped and made anew.
  createOrReplaceView: false,
  qualify: false,
  readsFiles: false,
  serialSchemaCreation: true,
  createOrReplaceTable: false,
  rowLevelDelete: true,
  merge: true,
  retypeColumns: true,
  concurrentDeletes: true,
  constraints: ['not_null', 'unique', 'primary_key', 'check'],
});

export const postgresDialect: Dialect = {
  ...base,
  // A view's rewrite rule depends on what it reads (pg_depend); a view over views is created
  // after all of them (its longest path from the table). Names print qualified as the session's
  // search_path needs, which the swap's own session shares.
  dependentViews: (relation) => `with recursive dependents(oid, depth) as (
  select rule.ev_class, 1
  from pg_depend as dep join pg_rewrite as rule on rule.oid = dep.objid
  where dep.classid = 'pg_rewrite'::regclass
    and dep.refobjid = to_regclass(${base.literal(base.tableName(relation))})
    and rule.ev_class <> dep.refobjid
  union all
  select rule.ev_class, dependents.depth + 1
  from dependents
  join pg_depend as dep on dep.refobjid = dependents.oid
  join pg_rewrite as rule on rule.oid = dep.objid
  where dep.classid = 'pg_rewrite'::regclass and rule.ev_class <> dependents.oid
)
select
  dependents.oid::regclass::text as name,
  format('create view %s as %s', dependents.oid::regclass, pg_get_viewdef(dependents.oid)) as definition
from dependents join pg_class as c on c.oid = dependents.oid
where c.relkind = 'v'
group by dependents.oid
order by max(dependents.depth), dependents.oid`,
};
