import type { Dialect } from '../../core/dialect.ts';
import { standardDialect } from '../sqlDialect.ts';

/** PostgreSQL writes standard SQL nearly everywhere: what differs is in the capabilities. */
export const postgresDialect: Dialect = standardDialect('postgres', {
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
  constraints: ['not_null', 'unique', 'primary_key', 'check'],
});
