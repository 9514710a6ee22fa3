// A live ad system for tests that run commands as child processes: the test
// harness's Temporal (its address goes to the children), the simulator with
// millisecond timings, and a worker on a task queue of the test's own.
import type { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import type { ViduSimulator } from '../../src/simulator';
import { INPUT_LIMITS } from '../../src/workflows/shared/inputRules';
import { openLiveParts } from '../support/liveParts';
import type { TemporalTestEnv } from '../support/temporalTestEnv';
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
  const parts = await openLiveParts({ simulator: { timing: FAST_TIMING, media: 'placeholder' }, artifactPrefix: 'entrypoints-artifacts-' });
  const { env, vidu, artifacts } = parts;
  const taskQueue = env.uniqueTaskQueue('entrypoints');
  const worker = await startTestAdWorker(env, { taskQueue, vidu, artifacts });
  return {
    env,
    address: env.address,
    taskQueue,
    artifactDir: parts.artifactDir,
    artifacts,
    simulator: parts.simulator,
    async close() {
      await worker.stop();
      await parts.close();
    },
  };
}
