/** What a given's rows stand in for. */
export type UnitInput =
  | { kind: 'ref'; name: string }
  | { kind: 'source'; source: string; table: string }
  | { kind: 'this' };

/** Rows as a unit test writes them: YAML dicts, CSV text, a SELECT, or a fixture file. */
export interface RowsSpec {
  format?: string;
  rows?: unknown;
  fixture?: string;
}

export interface GivenInput extends RowsSpec {
  target: UnitInput;
}

/** A unit test in the graph: a child of the model it tests, selectable like any test. */
export interface UnitTestNode {
  id: string;
  kind: 'unit_test';
  name: string;
  /** The YAML file declaring it. */
  path: string;
  line?: number;
  description: string;
  tags: string[];
  config: Record<string, unknown>;
  dependsOn: string[];
  checksum: string;
  testType: 'unit';
  /** Id of the model under test. */
  attachedTo: string;
  model: string;
  given: GivenInput[];
  expect: RowsSpec;
  overrides: {
    vars: Record<string, unknown>;
    envVars: Record<string, string>;
    macros: Record<string, unknown>;
  };
}
