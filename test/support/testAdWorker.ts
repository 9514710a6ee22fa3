// An ad worker on the test Temporal: the environment's connection, namespace
// and prebuilt workflow bundle, so that a rig names only what is its own
// (task queue, Vidu client, artifact store, callbacks, tuning).
import type { Worker } from '@temporalio/worker';
import { createAdWorker, type AdWorkerOptions } from '../../src/worker/adWorker';
import type { TemporalTestEnv } from './temporalTestEnv';

export type TestAdWorkerOptions = Omit<AdWorkerOptions, 'connection' | 'namespace' | 'workflowBundle'>;

/** Short rejection backoffs and record look-ups, so that a retry shows within a test. */
export const QUICK_ACTIVITY_TUNING = { rejectionBackoff: { initialMs: 50, maxMs: 200, tries: 5 }, recordLookupMs: 5_000 };

export function createTestAdWorker(env: TemporalTestEnv, options: TestAdWorkerOptions): Promise<Worker> {
  return createAdWorker({ connection: env.nativeConnection, namespace: env.namespace, workflowBundle: env.workflowBundle, ...options });
}

export interface RunningTestAdWorker {
  /** Shuts the worker down and waits until it has stopped. */
  stop(): Promise<void>;
}

/** A test ad worker polling in the background until stopped. */
export async function startTestAdWorker(env: TemporalTestEnv, options: TestAdWorkerOptions): Promise<RunningTestAdWorker> {
  const worker = await createTestAdWorker(env, options);
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}
