// A live ad system for tests that run commands as child processes: the test
// harness's Temporal (its address goes to the children), the simulator with
// millisecond timings, and a worker on a task queue of the test's own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalArtifactStore } from '../../src/artifacts/artifactStore';
import { startViduSimulator, type ViduSimulator } from '../../src/simulator';
import { ViduClient } from '../../src/vidu/viduClient';
import { INPUT_LIMITS } from '../../src/workflows/inputRules';
import { openTemporalTestEnv, type TemporalTestEnv } from '../support/temporalTestEnv';
import { startTestAdWorker } from '../support/testAdWorker';

export interface LiveRig {
  env: TemporalTestEnv;
  /** TEMPORAL_ADDRESS for child processes. */
  address: string;
  taskQueue: string;
  artifactDir: string;
  artifacts: LocalArtifactStore;
  simulator: ViduSimulator;
  close(): Promise<void>;
}

export const FAST_TIMING = { queueMs: 20, processingMs: 300, progressSteps: 2 };
/** As fast as the workflow lets an ad poll (INPUT_LIMITS: 1 s at least); the rig's worker has no callbacks. */
export const FAST_POLLING = { initialMs: INPUT_LIMITS.pollingInitialMs.min, maxMs: INPUT_LIMITS.pollingInitialMs.min };

export async function openLiveRig(): Promise<LiveRig> {
  const env = await openTemporalTestEnv();
  const taskQueue = env.uniqueTaskQueue('entrypoints');
  const artifactDir = await mkdtemp(path.join(tmpdir(), 'entrypoints-artifacts-'));
  const artifacts = new LocalArtifactStore(artifactDir);
  const simulator = await startViduSimulator({ timing: FAST_TIMING, media: 'placeholder' });
  const vidu = new ViduClient({ baseUrl: simulator.url, apiKey: simulator.apiKey });
  const worker = await startTestAdWorker(env, { taskQueue, vidu, artifacts });
  return {
    env,
    address: env.address,
    taskQueue,
    artifactDir,
    artifacts,
    simulator,
    async close() {
      await worker.stop();
      await vidu.close();
      await simulator.close();
      await env.close();
      await rm(artifactDir, { recursive: true, force: true });
    },
  };
}
