import { adapterPlugin } from '../adapters/registry.ts';
import { ProjectErrors } from '../core/errors.ts';
import type { Project } from '../core/nodes.ts';
import { DUCKFLOW_VERSION } from '../core/version.ts';
import type { LoadOptions } from '../project/loader.ts';
import { openSession } from './session.ts';

export interface DebugCheck {
  name: 'project' | 'target' | 'connection';
  ok: boolean;
  detail: string;
}

/**
 * dbt's `debug`: can the project be read, which target does it use, and does the database
 * answer. Every check is reported (a broken project skips the others, saying so); none throws.
 */
export async function debug(
  options: LoadOptions = {},
): Promise<{ version: string; checks: DebugCheck[]; success: boolean }> {
  const checks: DebugCheck[] = [];
  let project: Project | undefined;
  try {
    // A session, not just the files: refs and templates are checked too.
    project = openSession(options).project;
    checks.push({ name: 'project', ok: true, detail: `${project.name} in ${project.dir}` });
  } catch (e) {
    const detail =
      e instanceof ProjectErrors ? e.errors.map((x) => x.message).join('\n') : (e as Error).message;
    checks.push({ name: 'project', ok: false, detail });
  }
  if (project) {
    const { target } = project;
    const plugin = adapterPlugin(target.type);
    const where = plugin.location(target);
    checks.push({
      name: 'target',
      ok: true,
      detail: `${target.name}: ${target.type}, schema ${target.schema}, ${target.threads} threads${where ? `, ${where}` : ''}`,
    });
    try {
      const adapter = await plugin.open(target);
      try {
        await adapter.withConnection((conn) => conn.query('select 1 as ok'));
        checks.push({ name: 'connection', ok: true, detail: await adapter.version() });
      } finally {
        await adapter.close();
      }
    } catch (e) {
      checks.push({ name: 'connection', ok: false, detail: (e as Error).message });
    }
  }
  return {
    version: DUCKFLOW_VERSION,
    checks,
    success: checks.length === 3 && checks.every((c) => c.ok),
  };
}
