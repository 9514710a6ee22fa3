// What every live test system stands on: the test Temporal, the Vidu
// simulator, a Vidu client for it and an artifact folder of its own, closed
// together. The rigs add their worker, receiver and servers on top.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { startViduSimulator, type SimulatorOptions, type ViduSimulator } from '../../src/simulator';
import { ViduClient } from '../../src/vidu/viduClient';
import { openTemporalTestEnv, type TemporalTestEnv } from './temporalTestEnv';

export interface LiveParts {
  env: TemporalTestEnv;
  simulator: ViduSimulator;
  vidu: ViduClient;
  artifactDir: string;
  artifacts: LocalArtifactStore;
  close(): Promise<void>;
}

export interface LivePartsOptions {
  simulator: SimulatorOptions;
  /** The Vidu client's timeout per call; default: the client's own. */
  viduTimeoutMs?: number;
  /** How the artifact folder's name starts (in the system's temporary folder). */
  artifactPrefix: string;
}

export async function openLiveParts(options: LivePartsOptions): Promise<LiveParts> {
  const env = await openTemporalTestEnv();
  const artifactDir = await mkdtemp(path.join(tmpdir(), options.artifactPrefix));
  const simulator = await startViduSimulator(options.simulator);
  const vidu = new ViduClient({ baseUrl: simulator.url, apiKey: simulator.apiKey, timeoutMs: options.viduTimeoutMs });
  return {
    env,
    simulator,
    vidu,
    artifactDir,
    artifacts: new LocalArtifactStore(artifactDir),
    async close() {
      await vidu.close();
      await simulator.close();
      await env.close();
      await rm(artifactDir, { recursive: true, force: true });
    },
  };
}
