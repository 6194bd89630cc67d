import { ProjectError, ProjectErrors, type Position } from '../../core/errors.ts';
import { asTags } from '../../project/folderConfig.ts';
import { checksum } from '../../project/loader.ts';
import type { Project, UnitTestSpec } from '../../core/nodes.ts';
import { didYouMean } from '../../util/closest.ts';
import type { GivenInput, RowsSpec, UnitInput, UnitTestNode } from '../../core/nodes.ts';

const REF = /^\s*ref\(\s*(?:(['"])([^'"]*)\1\s*,\s*)?(['"])([^'"]*)\3\s*\)\s*$/;
const SOURCE = /^\s*source\(\s*(['"])([^'"]*)\1\s*,\s*(['"])([^'"]*)\3\s*\)\s*$/;

/** `ref('x')` (or dbt's two-argument `ref('package', 'x')`), `source('s', 't')` or `this`. */
function parseInput(text: string): UnitInput | undefined {
  if (text.trim() === 'this') return { kind: 'this' };
  const ref = REF.exec(text);
  if (ref) return { kind: 'ref', name: ref[4] };
  const source = SOURCE.exec(text);
  if (source) return { kind: 'source', source: source[2], table: source[4] };
  return undefined;
}

export function inputLabel(input: UnitInput): string {
  if (input.kind === 'this') return 'this';
  return input.kind === 'ref'
    ? `ref('${input.name}')`
    : `source('${input.source}', '${input.table}')`;
}

const OVERRIDE_KEYS = ['macros', 'vars', 'env_vars'];

/**
 * Unit test nodes from the YAML `unit_tests:` entries. Everything that can be checked without
 * running anything is checked here, so a broken declaration fails the project (exit 2) with its
 * file and line; whether the model uses a ref nobody gave is only known once it is rendered.
 */
export function collectUnitTests(project: Project): UnitTestNode[] {
  const nodes: UnitTestNode[] = [];
  const errors: ProjectError[] = [];
  const seen = new Set<string>();
  for (const spec of project.unitTests) {
    const at: Position = { file: spec.file, line: spec.line };
    try {
      if (spec.config?.enabled === false) continue;
      const model = project.models.get(spec.model);
      if (!model)
        throw new Error(
          `model '${spec.model}' does not exist${didYouMean(spec.model, project.models.keys())}`,
        );
      if (!model.enabled) continue;
      const id = `unit_test.${project.name}.${model.name}.${spec.name}`;
      if (seen.has(id))
        throw new Error(`model '${model.name}' has two unit tests named '${spec.name}'`);
      seen.add(id);
      nodes.push({
        id,
        kind: 'unit_test',
        name: spec.name,
        path: spec.file,
        line: spec.line,
        description: spec.description ?? '',
        tags: asTags(spec.config?.tags),
        config: spec.config ?? {},
        dependsOn: [model.id],
        checksum: checksum(JSON.stringify({ ...spec, line: undefined })),
        testType: 'unit',
        attachedTo: model.id,
        model: model.name,
        given: givenInputs(project, spec),
        expect: checkRows(spec.expect ?? {}, 'expect'),
        overrides: overridesOf(spec),
      });
    } catch (e) {
      errors.push(new ProjectError(`unit test '${spec.name}': ${(e as Error).message}`, at));
    }
  }
  if (errors.length > 0) throw new ProjectErrors(errors);
  return nodes;
}

function givenInputs(project: Project, spec: UnitTestSpec): GivenInput[] {
  const inputs = new Set<string>();
  return spec.given.map((given) => {
    const target = parseInput(given.input);
    if (!target)
      throw new Error(
        `given input '${given.input}' must be ref('model'), source('source', 'table') or this`,
      );
    if (
      target.kind === 'ref' &&
      !project.models.has(target.name) &&
      !project.seeds.has(target.name)
    ) {
      throw new Error(
        `given ${inputLabel(target)} does not match any model or seed${didYouMean(target.name, [...project.models.keys(), ...project.seeds.keys()])}`,
      );
    }
    if (target.kind === 'source' && !project.sources.has(`${target.source}.${target.table}`)) {
      throw new Error(
        `given ${inputLabel(target)} is not declared in any sources: block${didYouMean(`${target.source}.${target.table}`, project.sources.keys())}`,
      );
    }
    const label = inputLabel(target);
    if (inputs.has(label)) throw new Error(`${label} is given twice`);
    inputs.add(label);
    return { ...checkRows(given, `given ${label}`), target };
  });
}

/** The row shapes each format accepts; a mismatch is a declaration error, not a failed test. */
function checkRows(spec: RowsSpec, what: string): RowsSpec {
  const { format, rows, fixture } = spec;
  if (fixture !== undefined) {
    if (rows !== undefined) throw new Error(`${what} has both rows and a fixture: keep one`);
    if (format === 'dict') throw new Error(`${what}: a fixture file is csv, sql or json, not dict`);
    return { format, fixture };
  }
  if (format === 'csv' || format === 'sql') {
    if (typeof rows !== 'string')
      throw new Error(`${what}: format ${format} takes rows as text (a YAML block, e.g. rows: |)`);
  } else if (rows !== undefined) {
    if (typeof rows === 'string')
      throw new Error(
        `${what}: rows are text, so say which format they are in (format: csv or format: sql)`,
      );
    if (
      !Array.isArray(rows) ||
      rows.some((r) => r === null || typeof r !== 'object' || Array.isArray(r))
    ) {
      throw new Error(`${what}: rows must be a list of mappings, e.g. [{id: 1, status: shipped}]`);
    }
  } else if (what === 'expect')
    throw new Error(`expect needs rows (rows: [] for no rows) or a fixture`);
  return { format: format ?? 'dict', rows: rows ?? [] };
}

function overridesOf(spec: UnitTestSpec): UnitTestNode['overrides'] {
  const raw = spec.overrides ?? {};
  const unknown = Object.keys(raw).filter((k) => !OVERRIDE_KEYS.includes(k));
  if (unknown.length)
    throw new Error(`overrides can set ${OVERRIDE_KEYS.join(', ')}, not ${unknown.join(', ')}`);
  const mapping = (key: string): Record<string, unknown> => {
    const value = raw[key] ?? {};
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error(`overrides.${key} must be a mapping`);
    return value as Record<string, unknown>;
  };
  return {
    vars: mapping('vars'),
    envVars: Object.fromEntries(
      Object.entries(mapping('env_vars')).map(([k, v]) => [k, String(v)]),
    ),
    macros: mapping('macros'),
  };
}
