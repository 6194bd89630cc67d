import { Ajv, type ErrorObject, type AnySchema } from 'ajv';
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
} from 'yaml';
import { ProjectError, ProjectErrors, type Position } from '../core/errors.ts';
import { closest } from '../util/closest.ts';
import { compiledSchemas, projectSchema, propertiesSchema } from './schemas.ts';
import { precompiled } from '../util/precompiled.ts';

/** A parsed YAML file that still knows where every key and value came from. */
export interface YamlFile {
  /** Path as shown to the user (relative to the project). */
  path: string;
  doc: Document;
  lines: LineCounter;
  value: unknown;
}

export function parseYaml(path: string, text: string): YamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ProjectErrors(
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return new ProjectError(`invalid YAML: ${firstLine(e.message)}`, {
          file: path,
          line,
          column: col,
        });
      }),
    );
  }
  return { path, doc, lines, value: toValue(path, doc, lines) ?? {} };
}

/**
 * How far aliases may expand (the yaml package's `maxAliasCount`: uses of an anchor times the
 * aliases inside it). Its default of 100 rejects a properties file that reuses one anchor for
 * more than 100 models; this still stops a "billion laughs" file after a few levels.
 */
export const MAX_ALIAS_EXPANSION = 10_000;

function toValue(path: string, doc: Document, lines: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (e) {
    // The package does not say which alias failed: resolve them one by one to find the first.
    let culprit: Node | undefined;
    visit(doc, {
      Alias(_, alias) {
        try {
          alias.toJS(doc, { maxAliasCount: MAX_ALIAS_EXPANSION });
        } catch {
          culprit = alias;
          return visit.BREAK;
        }
      },
    });
    const { line, col } = lines.linePos(culprit?.range?.[0] ?? 0);
    const message = /excessive alias count/i.test((e as Error).message)
      ? `alias ${String(culprit ?? '')} expands to more than ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} nodes through nested aliases (an alias bomb?); write the values out instead`
      : firstLine((e as Error).message);
    throw new ProjectErrors([
      new ProjectError(`invalid YAML: ${message}`, { file: path, line, column: col }),
    ]);
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

/**
 * Where a key path points in the file. With `key`, the position of the last key itself (for
 * "unknown key" errors); otherwise of its value. Falls back to the nearest existing ancestor.
 */
export function positionOf(file: YamlFile, path: (string | number)[], key = false): Position {
  let node: unknown = file.doc.contents;
  let offset = 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) break;
      const keyNode = pair.key as Node;
      offset =
        key && segment === path[path.length - 1]
          ? keyNode.range![0]
          : ((pair.value as Node | null)?.range?.[0] ?? keyNode.range![0]);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      node = node.items[segment];
      offset = (node as Node).range![0];
    } else break;
  }
  const { line, col } = file.lines.linePos(offset);
  return { file: file.path, line, column: col };
}

// The schemas are duckflow's own, fixed in its source (tests/core/schemas.test.ts checks them
// against the meta-schema): checking them again, and optimising the generated code, at every
// start costs more than the few YAML files they validate.
export const AJV_OPTIONS = {
  allErrors: true,
  strict: false,
  verbose: true,
  discriminator: true,
  validateSchema: false,
} as const;
// Made only when a schema is not precompiled (running from source): the bundle never needs it,
// and making it cost 3.5 ms of every start.
let ajv: Ajv | undefined;
function ajvCompiled(schema: AnySchema & object): ReturnType<Ajv['compile']> {
  if (!ajv) {
    ajv = new Ajv({ ...AJV_OPTIONS, code: { optimize: false } });
    ajv.addSchema([projectSchema, propertiesSchema]);
  }
  const id = (schema as { $id?: string }).$id;
  return (id && ajv.getSchema(id)) || ajv.compile(schema);
}
const validators = new WeakMap<object, ReturnType<Ajv['compile']>>();

function compiled(schema: AnySchema & object): ReturnType<Ajv['compile']> {
  let validate = validators.get(schema);
  if (!validate) {
    validate = precompiled(compiledSchemas.get(schema)) ?? ajvCompiled(schema);
    validators.set(schema, validate);
  }
  return validate;
}

/** Validate a YAML file against a JSON Schema; every violation becomes an error at its line. */
export function validateYaml<T>(file: YamlFile, schema: AnySchema & object): T {
  return validateValue<T>(file.value, schema, (path, key) => positionOf(file, path, key));
}

/**
 * Validate a dbt property file: keys duckflow does not know (dbt's `constraints`, `freshness`,
 * `versions`, configs it does not act on, ...) are left out with a warning at their line
 * instead of failing a valid dbt project; any other violation is still an error.
 */
export function validateYamlLenient<T>(
  file: YamlFile,
  schema: AnySchema & object,
  warn: (path: (string | number)[], message: string) => void,
): T {
  for (let round = 0; round < 20; round++) {
    const validate = compiled(schema);
    if (validate(file.value)) break;
    const droppable = (validate.errors ?? []).flatMap((e) => {
      const path = instancePath(e);
      if (e.keyword === 'additionalProperties')
        return [[...path, String((e.params as { additionalProperty: string }).additionalProperty)]];
      const inConfig = path.indexOf('config');
      return inConfig >= 0 && inConfig < path.length - 1 ? [path.slice(0, inConfig + 2)] : [];
    });
    if (droppable.length === 0) break;
    for (const path of droppable) {
      const parent = path
        .slice(0, -1)
        .reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], file.value);
      const key = path[path.length - 1];
      if (!parent || typeof parent !== 'object' || !(key in parent)) continue;
      delete (parent as Record<string | number, unknown>)[key];
      warn(path, `'${key}' is not supported by duckflow; ignored`);
    }
  }
  return validateYaml<T>(file, schema);
}

/** Where a value at a key path stands; with `key`, where the key itself does. */
export type Locate = (path: (string | number)[], key?: boolean) => Position;

/**
 * Validate any value against a JSON Schema (config from YAML, or from `{{ config() }}` in a
 * SQL file): every violation becomes an error, with "did you mean" for unknown keys.
 */
export function validateValue<T>(value: unknown, schema: AnySchema & object, locate: Locate): T {
  const validate = compiled(schema);
  if (!validate(value)) {
    const errors = pruneErrors(validate.errors ?? []).map((e) => toProjectError(locate, e));
    throw new ProjectErrors(dedupe(errors));
  }
  return value as T;
}

/**
 * anyOf/oneOf report every branch's complaint; keep the summary unless a branch explains more.
 * A value that took one branch's shape (a mapping, say) and failed inside it also fails the
 * other branches' `type`; those say nothing the deeper error does not. And if/then repeats
 * what its `then` branch already reported.
 */
function pruneErrors(errors: ErrorObject[]): ErrorObject[] {
  const hasSpecific = (e: ErrorObject) =>
    errors.some(
      (o) =>
        o !== e &&
        o.instancePath.startsWith(e.instancePath) &&
        !['anyOf', 'oneOf'].includes(o.keyword),
    );
  // An unknown or missing key is reported on its mapping, but is about the key inside it.
  const pathOf = (e: ErrorObject) => {
    const p = e.params as { additionalProperty?: string; missingProperty?: string };
    const key = p.additionalProperty ?? p.missingProperty;
    return key === undefined ? e.instancePath : `${e.instancePath}/${key}`;
  };
  const failedDeeper = (e: ErrorObject) =>
    errors.some((o) => pathOf(o).startsWith(`${e.instancePath}/`));
  return errors.filter(
    (e) =>
      e.keyword !== 'if' &&
      !(['anyOf', 'oneOf'].includes(e.keyword) && hasSpecific(e)) &&
      !(e.keyword === 'type' && failedDeeper(e)),
  );
}

function dedupe(errors: ProjectError[]): ProjectError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(e.message) && seen.add(e.message));
}

function instancePath(e: ErrorObject): (string | number)[] {
  if (!e.instancePath) return [];
  return e.instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function keyPath(path: (string | number)[]): string {
  return (
    path.reduce<string>(
      (acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s),
      '',
    ) || '(top level)'
  );
}

function toProjectError(locate: Locate, e: ErrorObject): ProjectError {
  const path = instancePath(e);
  const where = keyPath(path);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const unknownKey = String(params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const suggestion = closest(unknownKey, known);
      const full = [...path, unknownKey];
      return new ProjectError(
        `${keyPath(full)}: unknown key '${unknownKey}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; expected one of: ${known.join(', ')}`,
        locate(full, true),
      );
    }
    case 'type': {
      // A folder map accepts any key as a sub-folder; a scalar there is really a mistyped config key.
      // The folder schemas are recursive $refs, so ajv's schemaPath is relative to the referenced
      // schema: recognise a folder by its shape (config keys plus sub-folders) instead.
      const folder = e.parentSchema as
        { properties?: object; additionalProperties?: unknown } | undefined;
      if (
        params.type === 'object' &&
        folder?.properties &&
        typeof folder.additionalProperties === 'object'
      ) {
        const known = Object.keys(folder.properties);
        const name = String(path[path.length - 1]);
        const suggestion = closest(name.replace(/^\+/, ''), known);
        if (suggestion)
          return new ProjectError(
            `${where}: unknown config key '${name}' (did you mean '${suggestion}'?)`,
            locate(path, true),
          );
      }
      return new ProjectError(`${where} must be ${params.type}`, locate(path));
    }
    case 'enum':
      return new ProjectError(
        `${where} must be one of: ${(params.allowedValues as unknown[]).join(', ')}`,
        locate(path),
      );
    case 'required':
      return new ProjectError(
        `${where}: missing required key '${params.missingProperty}'`,
        locate(path, true),
      );
    case 'discriminator': {
      const tag = String(params.tag);
      const allowed = (
        (e.parentSchema as { oneOf?: { properties: Record<string, { const: string }> }[] }).oneOf ??
        []
      ).map((b) => b.properties[tag]?.const);
      return new ProjectError(
        `${keyPath([...path, tag])} must be one of: ${allowed.join(', ')}`,
        locate([...path, tag]),
      );
    }
    case 'const':
      return new ProjectError(
        `${where} must be ${JSON.stringify(params.allowedValue)}`,
        locate(path),
      );
    default:
      return new ProjectError(`${where} ${e.message}`, locate(path));
  }
}
