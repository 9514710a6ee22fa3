// What each workflow test file shares: the Temporal test environment, one
// in-process Vidu simulator with millisecond timings, the webhook receiver, a
// Vidu client, an artifact folder, and helpers to run a worker and start ads.
import assert from 'node:assert/strict';
import { ApplicationFailure, WorkflowFailedError, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import type { ViduSimulator } from '../../src/simulator';
import type { ViduClient } from '../../src/vidu/viduClient';
import type { AdWorkerOptions } from '../../src/worker/adWorker';
import { adFilmWorkflow } from '../../src/workflows/ad/workflow';
import { statusQuery, workflowIdForAd, type AdFilmInput, type AdStatus } from '../../src/workflows/ad/contract';
import { startCallbackRelay, type CallbackRelay } from '../support/callbackRelay';
import { openLiveParts } from '../support/liveParts';
import { suiteResource } from '../support/suiteResource';
import type { TemporalTestEnv } from '../support/temporalTestEnv';
import { createTestAdWorker, QUICK_ACTIVITY_TUNING } from '../support/testAdWorker';
import { retryLostUpdate } from '../../src/starter/adHandle';

export const PRODUCT_IMAGE = 'https://example.com/products/bottle.png';

/** Polling so slow that an ad finishing in a test proves the callbacks carried it. */
export const CALLBACKS_ONLY = { initialMs: 120_000, maxMs: 120_000 };
/** Polling fast enough to finish an ad in a test on its own. */
export const FAST_POLLING = { initialMs: 1_000, maxMs: 1_000 };

export interface HarnessOptions {
  timing?: { queueMs?: number; processingMs?: number; progressSteps?: number };
  /** Client timeout per Vidu call; short, so that "apply then drop: timeout" faults end quickly. */
  viduTimeoutMs?: number;
}

export interface AdHarness {
  env: TemporalTestEnv;
  /** The Temporal server's address, for workers in other processes. */
  temporalAddress: string;
  sim: ViduSimulator;
  relay: CallbackRelay;
  vidu: ViduClient;
  artifacts: LocalArtifactStore;
  /** Runs `fn` while a worker serves a fresh task queue. */
  withWorker<T>(fn: (taskQueue: string) => Promise<T>, options?: Partial<AdWorkerOptions>): Promise<T>;
  startAd(taskQueue: string, input: Partial<AdFilmInput> & { adId: string }): Promise<WorkflowHandleWithFirstExecutionRunId<typeof adFilmWorkflow>>;
  close(): Promise<void>;
}

let adCounter = 0;
/** A unique, readable ad id per test run. */
export function uniqueAdId(label: string): string {
  return `${label}-${process.pid}-${++adCounter}-${Date.now().toString(36)}`;
}

export async function openAdHarness(options: HarnessOptions = {}): Promise<AdHarness> {
  const parts = await openLiveParts({
    simulator: { timing: { queueMs: 20, processingMs: 150, progressSteps: 3, ...options.timing }, callbackRetryDelayMs: 50, media: 'placeholder' },
    viduTimeoutMs: options.viduTimeoutMs ?? 2_000,
    artifactPrefix: 'ad-artifacts-',
  });
  const { env, simulator: sim, vidu, artifacts } = parts;
  const relay = await startCallbackRelay({ client: env.client, apiKey: sim.apiKey });
  return {
    env,
    temporalAddress: env.address,
    sim,
    relay,
    vidu,
    artifacts,
    async withWorker(fn, workerOptions = {}) {
      const taskQueue = env.uniqueTaskQueue('ad');
      const worker = await createTestAdWorker(env, { taskQueue, vidu, artifacts, callbackPublicUrl: relay.url, activityTuning: QUICK_ACTIVITY_TUNING, ...workerOptions });
      return worker.runUntil(fn(taskQueue));
    },
    async startAd(taskQueue, input) {
      const handle = await env.client.workflow.start(adFilmWorkflow, {
        taskQueue,
        workflowId: workflowIdForAd(input.adId),
        args: [{ images: [PRODUCT_IMAGE], prompt: 'a bottle on a beach', duration: 15, language: 'en', polling: CALLBACKS_ONLY, ...input }],
      });
      // Updates go out as the starter sends them (src/starter/adHandle.ts): again when Temporal lost the
      // workflow task that carried one, which a busy machine sees now and then.
      const executeUpdate = handle.executeUpdate.bind(handle);
      return Object.assign(handle, { executeUpdate: ((...args: Parameters<typeof executeUpdate>) => retryLostUpdate(() => executeUpdate(...args))) as typeof executeUpdate });
    },
    async close() {
      await relay.close();
      await parts.close();
    },
  };
}

/** The harness of one describe block's tests (test/support/suiteResource.ts): call it in the describe body. */
export function suiteHarness(options: HarnessOptions = {}): AdHarness {
  return suiteResource(() => openAdHarness(options), (h) => h.close());
}

/** Queries the status until `predicate` holds (the worker must be running). */
export async function waitForStatus(
  handle: WorkflowHandle,
  predicate: (status: AdStatus) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<AdStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: AdStatus | undefined;
  while (Date.now() < deadline) {
    last = await handle.query(statusQuery);
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(last)}`);
}

/** The error of a run that must fail with an application failure (its type and message are the caller's to check); `expectation` is the message if it succeeds. */
export async function failedRun(handle: WorkflowHandle, expectation: string): Promise<WorkflowFailedError & { cause: ApplicationFailure }> {
  const err = await handle.result().then(
    () => assert.fail(expectation),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure, `got ${String(err)}`);
  return err as WorkflowFailedError & { cause: ApplicationFailure };
}
