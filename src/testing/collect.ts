import { createHash } from 'node:crypto';
import type { Compiler } from '../compile/compiler.ts';
import { ProjectError, ProjectErrors } from '../core/errors.ts';
import { TEST_CONFIG_KEYS } from '../project/configSchema.ts';
import { asTags, folderConfig } from '../project/folderConfig.ts';
import { checksum } from '../project/loader.ts';
import type { Project, ProjectNode, TestDeclaration } from '../core/nodes.ts';
import { didYouMean } from '../util/closest.ts';
import { GENERIC_TESTS } from './generic.ts';
import { dbtTestName } from './dbtTestName.ts';
import type { ChangedRowsScope, TestConfig, TestNode } from '../core/nodes.ts';
import { changedRowsScope, customScope, SINGULAR_SCOPE } from './scope/scopedSql.ts';

function testConfig(project: Project, folders: string[], own: Record<string, unknown>): TestConfig {
  const merged = {
    ...folderConfig(project.testConfig, project.name, folders, TEST_CONFIG_KEYS),
    ...own,
  };
  if (merged.scope !== undefined && !['all', 'changed_rows'].includes(String(merged.scope)))
    throw new Error(`scope must be all or changed_rows (got '${String(merged.scope)}')`);
  const severity = String(merged.severity ?? 'error').toLowerCase();
  if (severity !== 'error' && severity !== 'warn')
    throw new Error(`severity must be error or warn (got '${merged.severity}')`);
  return {
    ...merged,
    severity,
    where: merged.where as string | undefined,
    error_if: String(merged.error_if ?? '!=0'),
    warn_if: String(merged.warn_if ?? '!=0'),
    limit: merged.limit === undefined ? undefined : Number(merged.limit),
    store_failures: merged.store_failures === true,
    schema: String(merged.schema ?? 'audit'),
    enabled: merged.enabled !== false,
    tags: asTags(merged.tags),
  };
}

function testName(decl: TestDeclaration, node: ProjectNode): string {
  const base =
    decl.name ??
    [decl.test.replace(/^.*\./, ''), node.name.replace(/\./g, '_'), decl.column]
      .filter(Boolean)
      .join('_');
  return base.replace(/[^A-Za-z0-9_]+/g, '_');
}

/** Build test nodes for every declared generic test and every singular test file. */
export function collectTests(project: Project, compiler: Compiler): TestNode[] {
  const tests: TestNode[] = [];
  const errors: ProjectError[] = [];
  const names = new Map<string, string>();
  const uniqueName = (name: string, decl: object) => {
    const key = JSON.stringify(decl);
    if (names.has(name) && names.get(name) !== key)
      name = `${name}_${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
    names.set(name, key);
    return name;
  };

  const owners: ProjectNode[] = [
    ...[...project.models.values()].filter((m) => m.enabled),
    ...[...project.seeds.values()].filter((s) => s.enabled),
    ...project.sources.values(),
  ];
  for (const node of owners) {
    for (const decl of node.tests) {
      try {
        const config = testConfig(project, 'folders' in node ? node.folders : [], decl.config);
        if (!config.enabled) continue;
        // A dbt project's tests are named as dbt names them, so dbt selectors keep working.
        const dbt = project.dbt ? dbtTestName(decl, node, project.name) : undefined;
        const name =
          dbt?.name ??
          uniqueName(testName(decl, node), {
            test: decl.test,
            node: node.id,
            column: decl.column,
            args: decl.args,
            where: config.where,
          });
        const identity = {
          name,
          id: dbt?.uniqueId ?? `test.${project.name}.${name}`,
          compiledPath: `tests/${dbt?.shortName ?? name}.sql`,
        };
        tests.push(compileGeneric(project, compiler, node, decl, identity, config));
      } catch (e) {
        errors.push(
          new ProjectError(
            `test '${decl.test}' on ${node.name}${decl.column ? `.${decl.column}` : ''}: ${(e as Error).message.replace(/^.*?: template error: /, '')}`,
            { file: decl.file, line: decl.line },
          ),
        );
      }
    }
  }

  for (const singular of project.singularTests) {
    try {
      const deps: string[] = [];
      const inline: Record<string, unknown> = {};
      const compiled = compiler.renderTemplate(singular.rawSql, singular.path, {
        ref: (n) => {
          const target = project.models.get(n) ?? project.seeds.get(n);
          if (!target)
            throw new Error(
              `ref('${n}') does not match any model or seed${didYouMean(n, [...project.models.keys(), ...project.seeds.keys()])}`,
            );
          deps.push(target.id);
          return compiler.refTarget(n);
        },
        source: (s, t) => {
          const target = project.sources.get(`${s}.${t}`);
          if (!target)
            throw new Error(
              `source('${s}', '${t}') is not declared${didYouMean(`${s}.${t}`, project.sources.keys())}`,
            );
          deps.push(target.id);
          return project.dialect.relation(target.relation);
        },
        // dbt lets a singular test configure itself: {{ config(severity='warn') }}.
        config: (values) => Object.assign(inline, values),
      });
      const config = testConfig(project, [], inline);
      if (!config.enabled) continue;
      if (config.scope === 'changed_rows') throw new Error(SINGULAR_SCOPE);
      const compiledPath = singular.path;
      const name = uniqueName(singular.name, { path: singular.path });
      tests.push({
        id: `test.${project.name}.${name}`,
        kind: 'test',
        name,
        path: singular.path,
        description: '',
        tags: config.tags,
        config,
        dependsOn: [...new Set(deps)],
        checksum: checksum(singular.rawSql),
        testType: 'singular',
        attachedTo: deps[0],
        rawSql: singular.rawSql,
        sql: compiled.sql,
        compiledPath,
      });
    } catch (e) {
      errors.push(
        e instanceof ProjectError
          ? e
          : new ProjectError((e as Error).message, { file: singular.path }),
      );
    }
  }
  if (errors.length > 0) throw new ProjectErrors(errors);
  return tests;
}

function compileGeneric(
  project: Project,
  compiler: Compiler,
  node: ProjectNode,
  decl: TestDeclaration,
  { name, id, compiledPath }: { name: string; id: string; compiledPath: string },
  config: TestConfig,
): TestNode {
  const deps = new Set<string>([node.id]);
  const relationArg = (text: string) => {
    const template = /^\s*(ref|source)\s*\(/.test(text) ? `{{ ${text} }}` : text;
    return compiler.renderTemplate(template, decl.file, {
      ref: (n) => {
        const target = project.models.get(n) ?? project.seeds.get(n);
        if (!target)
          throw new Error(
            `ref('${n}') does not match any model or seed${didYouMean(n, [...project.models.keys(), ...project.seeds.keys()])}`,
          );
        deps.add(target.id);
        return compiler.refTarget(n);
      },
      source: (s, t) => {
        const target = project.sources.get(`${s}.${t}`);
        if (!target) throw new Error(`source('${s}', '${t}') is not declared`);
        deps.add(target.id);
        return project.dialect.relation(target.relation);
      },
    }).sql;
  };
  const base =
    node.kind === 'source'
      ? project.dialect.relation(node.relation)
      : compiler.refTarget(node.name);
  // No alias: tests put their own after the model (`from {{ model }} as child`).
  const model = config.where ? `(select * from ${base} where ${config.where})` : base;
  const shortName = decl.test.replace(/^.*\./, '');
  let sql: string;
  let scope: ChangedRowsScope | undefined;
  const builtin = GENERIC_TESTS[shortName];
  const macro = `test_${shortName}`;
  if (compiler.renderer.hasMacro(macro)) {
    if (config.scope === 'changed_rows') throw new Error(customScope(shortName));
    // Custom generic tests get dbt's calling convention: model, column_name, then the arguments.
    const args = Object.fromEntries(
      Object.entries(decl.args).map(([k, v]) => [
        k,
        typeof v === 'string' && /^\s*(ref|source)\s*\(/.test(v) ? relationArg(v) : v,
      ]),
    );
    sql = compiler.renderer
      .callMacro(
        macro,
        {
          path: decl.file,
          ref: (n) => relationArg(`ref('${n}')`),
          source: (s, t) => relationArg(`source('${s}', '${t}')`),
        },
        { model, column_name: decl.column, ...args },
      )
      .trim()
      .replace(/;+$/, '');
  } else if (builtin) {
    // Arguments are templates, as in dbt: an expression can call a dispatched macro.
    const args = Object.fromEntries(
      Object.entries(decl.args).map(([k, v]) => [
        k,
        typeof v === 'string' && v.includes('{{') ? compiler.renderTemplate(v, decl.file).sql : v,
      ]),
    );
    const render = (over: string) =>
      builtin({
        model: over,
        column: decl.column ?? (decl.args.column_name as string | undefined),
        args,
        relationArg,
        dialect: project.dialect,
      });
    sql = render(model);
    if (config.scope === 'changed_rows')
      scope = changedRowsScope({
        project,
        node,
        test: shortName,
        column: decl.column ?? (decl.args.column_name as string | undefined),
        args,
        base,
        model,
        where: config.where,
        render,
      });
  } else {
    const known = [
      ...Object.keys(GENERIC_TESTS),
      ...compiler.renderer.macroNames.filter((m) => m.startsWith('test_')).map((m) => m.slice(5)),
    ];
    throw new Error(
      `unknown test${didYouMean(shortName, known)}; built-in tests: ${Object.keys(GENERIC_TESTS).join(', ')}; custom ones are {% test name(model, column_name) %} blocks in macros/`,
    );
  }
  const column = decl.column ?? '';
  // Only on tables: reading a view's statistics could mean computing the view.
  const isTable =
    node.kind === 'seed' ||
    (node.kind === 'model' && ['table', 'incremental'].includes(node.materialized));
  const uniqueKey =
    shortName === 'unique' &&
    !compiler.renderer.hasMacro(macro) &&
    isTable &&
    /^[A-Za-z_][A-Za-z0-9_]*$/.test(column)
      ? { relation: base, column: project.dialect.quote(column) }
      : undefined;
  return {
    id,
    kind: 'test',
    name,
    path: decl.file,
    line: decl.line,
    description: '',
    tags: [...new Set([...config.tags, ...node.tags])],
    config,
    dependsOn: [...deps],
    checksum: checksum(JSON.stringify({ decl: { ...decl, line: undefined }, sql })),
    testType: 'generic',
    scope,
    attachedTo: node.id,
    column: decl.column,
    declaration: decl,
    sql,
    compiledPath,
    uniqueKey,
  };
}
