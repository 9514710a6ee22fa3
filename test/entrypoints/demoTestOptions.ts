// runDemo's options as the tests run it: the simulator at millisecond pace,
// polling as fast as the workflow allows, the test Temporal and its workflow
// bundle, and a task queue and ad id of the test's own.
import type { TemporalTestEnv } from '../support/temporalTestEnv';
import { FAST_POLLING, FAST_TIMING } from './liveRig';

/** `label` starts the task queue's name and the ad id. */
export function demoTestOptions(env: TemporalTestEnv, artifactDir: string, label: string) {
  return {
    artifactDir,
    temporal: { client: env.client, connection: env.nativeConnection, namespace: env.namespace, workflowBundle: env.workflowBundle },
    simulatorTiming: FAST_TIMING,
    polling: FAST_POLLING,
    taskQueue: env.uniqueTaskQueue(label),
    adId: `${label}-${process.pid}-${Date.now().toString(36)}`,
    watchIntervalMs: 100,
  };
}
