import type { Adapter } from '../adapters/types.ts';
import type { Compiler } from '../compile/compiler.ts';
import type { NodeResult } from '../core/results.ts';

export type ProjectHook = 'on-run-start' | 'on-run-end';

/**
 * Run project.yml's `on-run-start` or `on-run-end` statements in order, one connection, as dbt
 * does: each is rendered like a model (vars, target, macros) and reported as an operation. The
 * first failure stops the rest of that list.
 */
export async function runProjectHooks(
  which: ProjectHook,
  statements: string[],
  ctx: { adapter: Adapter; compiler: Compiler; projectName: string },
): Promise<NodeResult[]> {
  const results: NodeResult[] = [];
  if (statements.length === 0) return results;
  await ctx.adapter.withConnection(async (conn) => {
    for (const [i, hook] of statements.entries()) {
      const name = `${ctx.projectName}-${which}-${i}`;
      const startedAt = new Date();
      let status: NodeResult['status'] = 'success';
      let message: string = which;
      try {
        await conn.run(ctx.compiler.renderTemplate(hook, 'project.yml').sql);
      } catch (e) {
        status = 'error';
        message = `project.yml: ${which}[${i}]: ${(e as Error).message.split('\n')[0]}`;
      }
      const completedAt = new Date();
      results.push({
        id: `operation.${ctx.projectName}.${name}`,
        name,
        kind: 'operation',
        status,
        message,
        detail: 'hook',
        startedAt: startedAt.toISOString(),
        completedAt: completedAt.toISOString(),
        seconds: (completedAt.getTime() - startedAt.getTime()) / 1000,
        file: 'project.yml',
      });
      if (status === 'error') break;
    }
  });
  return results;
}
