import { Compiler, type CompiledSql } from '../../compile/compiler.ts';
import type { ModelNode, Project } from '../../core/nodes.ts';
import type { Renderer } from '../../templating/renderer.ts';

/** Stands in for `{{ this }}` when no relation is given for it, so its use can be reported. */
const THIS_NOT_GIVEN = '__duckflow_this_not_given__';

export interface RenderOptions {
  /** Template variables, which shadow globals: how `overrides.macros` replace macros. */
  locals?: Record<string, unknown>;
  isIncremental?: boolean;
}

/**
 * A model's SQL with each `ref`/`source` (and `this`) pointing at the relation `relations` maps
 * its label to (`ref('x')`, `source('s', 't')`, `this`). Anything the model uses that is not
 * mapped is an error naming all of them.
 */
export function renderWith(
  project: Project,
  renderer: Renderer,
  model: ModelNode,
  relations: Map<string, string>,
  options: RenderOptions = {},
): CompiledSql {
  const unmapped = new Set<string>();
  const relation = (label: string) => {
    const found = relations.get(label);
    if (!found) unmapped.add(label);
    return found ?? label;
  };
  const compiled = new Compiler(project, renderer).renderTemplate(model.rawSql, model.path, {
    ref: (name) => relation(`ref('${name}')`),
    source: (s, t) => relation(`source('${s}', '${t}')`),
    self: relations.get('this') ?? THIS_NOT_GIVEN,
    isIncremental: options.isIncremental ?? false,
    locals: options.locals,
  });
  if (compiled.sql.includes(THIS_NOT_GIVEN)) unmapped.add('this');
  if (unmapped.size > 0) {
    const missing = [...unmapped];
    throw new Error(
      `the model uses ${missing.join(', ')}, which no given provides: add a given with input: "${missing[0]}" and its rows`,
    );
  }
  return compiled;
}
