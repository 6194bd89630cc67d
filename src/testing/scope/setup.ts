import type { Adapter } from '../../adapters/types.ts';
import { relationOf } from '../../compile/compiler.ts';
import { relationKey } from '../../core/relation.ts';
import type { Project } from '../../core/nodes.ts';
import type { Graph } from '../../graph/resolve.ts';
import { WriteLog } from '../../materializations/writeLog.ts';
import { TestOutcomes } from './outcomes.ts';
import type { ReadNode, ScopeRun } from './premise.ts';

/** Materializations whose every write goes through duckflow's and is recorded. */
const RECORDED = new Set(['table', 'incremental']);

function readNode(graph: Graph, id: string): ReadNode {
  const node = graph.get(id);
  if (node.kind === 'seed') return { name: node.name, relation: relationOf(node), what: 'a seed' };
  if (node.kind === 'model')
    return RECORDED.has(node.materialized)
      ? { name: node.name, relation: relationOf(node), what: `a ${node.materialized}` }
      : { name: node.name, what: `a ${node.materialized} model` };
  return { name: node.name, what: `a ${node.kind}` };
}

/**
 * The generation log and test results of a run, when the project has a test with `scope:
 * changed_rows` or the database has the log already (a run without scoped tests still records
 * its writes there, or a later scoped run would trust a generation that missed them). The tables
 * are created here, before nodes run.
 */
export async function openScope(
  adapter: Adapter,
  project: Project,
  graph: Graph,
  existing: Set<string>,
  invocationId: string,
): Promise<ScopeRun | undefined> {
  const { dialect } = adapter;
  const writeLog = new WriteLog(dialect, project.target.schema, invocationId);
  const scoped = graph.nodes().some((n) => n.kind === 'test' && n.scope);
  if (!scoped && !existing.has(relationKey(writeLog.table))) return undefined;
  for (const n of graph.nodes())
    if (n.kind === 'test' && n.scope?.parent) {
      const parent = graph.get(n.scope.parent.id);
      if (parent.kind === 'model' || parent.kind === 'seed')
        writeLog.watch(relationOf(parent), n.scope.parent.field);
    }
  const outcomes = new TestOutcomes(dialect, project.target.schema);
  await adapter.withConnection(async (conn) => {
    await writeLog.ensure(conn);
    await outcomes.ensure(conn);
  });
  return {
    writeLog,
    outcomes,
    relationName: (relation) => dialect.relation(relation),
    node: (id) => readNode(graph, id),
  };
}
