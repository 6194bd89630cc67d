/** `duckflow docs generate` and `duckflow docs serve`, as API functions. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { loadProject, type LoadOptions } from '../project/loader.ts';
import { openSession } from '../runner/session.ts';
import {
  openBuiltDatabase,
  readCatalog,
  sourceColumns,
  type Catalog,
  type Columns,
} from './catalog.ts';
import { Compiler } from '../compile/compiler.ts';
import { exportDashboards, type DashboardData } from './dashboard.ts';
import { describeProject, readRunResults } from './nodes.ts';
import { publishDir } from './publish.ts';
import { serveDirectory, type DocsServer } from './server.ts';
import { writeSite } from './site.ts';

export interface DocsResult {
  /** Absolute path of target/docs. */
  dir: string;
  /** Open this in a browser: it needs no server. */
  index: string;
  files: string[];
  /** Things an analyst should know, e.g. the database is not built so types are missing. */
  notes: string[];
}

const docsDir = (targetPath: string) => join(targetPath, 'docs');

export async function generateDocs(options: LoadOptions = {}): Promise<DocsResult> {
  const session = openSession(options);
  const { project } = session;
  const notes: string[] = [];
  let catalog: Catalog = new Map();
  let sources = new Map<string, Columns>();
  let dashboards: DashboardData[];
  const compiler = new Compiler(project, session.renderer);
  const adapter = await openBuiltDatabase(project.target);
  if (!adapter)
    notes.push(
      `no database at ${project.target.path}: column types and the dashboard need 'duckflow build' first`,
    );
  try {
    dashboards = await (adapter
      ? adapter.withConnection(async (conn) => {
          catalog = await readCatalog(conn);
          sources = await sourceColumns(conn, project.sources.values(), catalog);
          return exportDashboards({ project, catalog, conn, compiler });
        })
      : exportDashboards({ project, catalog, conn: undefined, compiler }));
  } finally {
    await adapter?.close();
  }
  // Not being built yet is said once above; a failed query or a wrong column name is a mistake.
  for (const d of dashboards)
    for (const t of d.tiles)
      if (adapter && t.unavailable && !t.unavailable.includes('not built yet'))
        notes.push(`dashboard ${d.name}, tile ${t.name}: ${t.unavailable}`);
  const runResults = readRunResults(project.targetPath);
  if (!runResults) notes.push('no target/run_results.json: statuses show as "not run"');
  const docs = describeProject(session, catalog, sources, runResults, adapter !== undefined);
  const dir = docsDir(project.targetPath);
  const files = publishDir(dir, (version) => writeSite(version, docs, dashboards));
  return { dir, index: join(dir, 'index.html'), files, notes };
}

/** Serve the generated site of a project on 127.0.0.1. */
export async function serveDocs(
  options: LoadOptions & { port?: number } = {},
): Promise<DocsServer> {
  const dir = docsDir(loadProject(options).targetPath);
  if (!existsSync(join(dir, 'index.html')))
    throw new UsageError(`no docs in ${dir} yet: run 'duckflow docs generate' first`);
  return serveDirectory(dir, { port: options.port });
}
