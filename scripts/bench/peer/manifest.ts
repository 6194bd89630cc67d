/** The part of duckflow's target/manifest.json the peer port reads. */
import { readFileSync } from 'node:fs';

interface ManifestNodeCommon {
  unique_id: string;
  name: string;
  path: string;
  config: Record<string, unknown>;
  depends_on: string[];
}

export interface ManifestModel extends ManifestNodeCommon {
  kind: 'model';
  materialized: string;
  schema: string;
  alias: string;
  /** Relative to the target path. */
  compiled_path: string;
}

export interface ManifestSeed extends ManifestNodeCommon {
  kind: 'seed';
  schema: string;
  alias: string;
}

export interface ManifestTest extends ManifestNodeCommon {
  kind: 'test';
  test_type: 'generic' | 'singular';
  /** Generic tests: `not_null`, `accepted_values`, ... */
  test_name?: string;
  attached_to?: string;
  column_name?: string | null;
  arguments?: Record<string, unknown>;
  compiled_path: string;
}

export type ManifestNode = ManifestModel | ManifestSeed | ManifestTest | { kind: 'source' };

export interface Manifest {
  nodes: Record<string, ManifestNode>;
  unit_tests?: Record<string, unknown>;
}

export function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}
