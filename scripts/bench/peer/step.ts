/** `--peer <tool>` of scripts/bench.ts: the venv set up once, then one measurement per run. */
import type { BenchTarget } from '../project.ts';
import { PEERS, runPeer, type Peer, type PeerRun } from './run.ts';
import { ensureDbtVenv, type DbtVenv } from './venv.ts';

export interface PeerStep {
  peer: Peer;
  /** Installs (or finds) the peer before any measurement. */
  prepare(cacheDir: string, log: (line: string) => void): void;
  run(options: {
    eventsPath: string;
    runDir: string;
    target: BenchTarget;
    compareRows: boolean;
    log: (line: string) => void;
  }): Promise<PeerRun>;
}

export function parsePeer(value: string | undefined): PeerStep | undefined {
  if (value === undefined) return undefined;
  if (!(PEERS as readonly string[]).includes(value))
    throw new Error(`--peer must be one of ${PEERS.join(', ')} (got '${value}')`);
  let venv: DbtVenv | undefined;
  return {
    peer: value as Peer,
    prepare(cacheDir, log) {
      venv = ensureDbtVenv(cacheDir, log);
    },
    async run(options) {
      if (!venv) throw new Error('peer: prepare() first');
      return runPeer({ ...options, venv });
    },
  };
}
