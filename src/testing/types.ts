import type { TestDeclaration } from '../project/types.ts';

export type Severity = 'error' | 'warn';

/** An executable data test: a query returning failing rows. */
export interface TestNode {
  id: string;
  kind: 'test';
  name: string;
  /** File the test was declared in (YAML for generic tests, .sql for singular ones). */
  path: string;
  line?: number;
  description: string;
  tags: string[];
  config: TestConfig;
  dependsOn: string[];
  checksum: string;
  testType: 'generic' | 'singular';
  /** The node a generic test is declared on; for singular tests, its first ref. */
  attachedTo?: string;
  column?: string;
  /** Generic tests: the test's name (`not_null`), arguments and declaration. */
  declaration?: TestDeclaration;
  /** Singular tests: the SQL file's text. */
  rawSql?: string;
  /** The compiled SELECT of failing rows. */
  sql: string;
  /** Project-relative path the compiled SQL is written to under target/compiled. */
  compiledPath: string;
}

export interface TestConfig {
  severity: Severity;
  where?: string;
  error_if: string;
  warn_if: string;
  limit?: number;
  store_failures: boolean;
  schema: string;
  enabled: boolean;
  tags: string[];
  [key: string]: unknown;
}
