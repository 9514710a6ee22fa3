// Running one ad under the time-skipping server: a worker with the real
// workflow bundle and FakeVidu's activities on a task queue of its own, the
// ad started as the starter starts it, and helpers to read what happened
// (its failure, its status, how much workflow time passed).
import assert from 'node:assert/strict';
import { ApplicationFailure, WorkflowFailedError, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../src/temporal/workflowCode';
import { adFilmWorkflow } from '../../src/workflows/ad/workflow';
import { statusQuery, viduCallbackSignal, workflowIdForAd, type AdFilmInput, type AdStatus } from '../../src/workflows/ad/contract';
import type { TimeSkippingEnv } from '../support/timeSkippingEnv';
import type { FakeVidu } from './fakeVidu';

export type AdHandle = WorkflowHandleWithFirstExecutionRunId<typeof adFilmWorkflow>;

let ads = 0;

/** The input the starter would send, with `overrides`; a fresh ad id. */
export function adInput(label: string, overrides: Partial<AdFilmInput> = {}): AdFilmInput {
  return { adId: `${label}-${++ads}`, images: ['https://example.com/products/bottle.png'], prompt: 'a bottle on a beach', duration: 15, language: 'en', ...overrides };
}

/**
 * Runs `fn` with the ad started on a worker of its own (the workflow bundle,
 * its interceptor modules as createAdWorker passes them, FakeVidu's
 * activities), then stops the worker.
 */
export async function withAd<T>(ts: TimeSkippingEnv, vidu: FakeVidu, input: AdFilmInput, fn: (handle: AdHandle) => Promise<T>): Promise<T> {
  const taskQueue = ts.uniqueTaskQueue('ad');
  const worker = await Worker.create({
    connection: ts.env.nativeConnection,
    namespace: ts.env.namespace ?? 'default',
    taskQueue,
    workflowBundle: ts.workflowBundle,
    interceptors: { workflowModules: WORKFLOW_INTERCEPTOR_MODULES },
    activities: vidu.activities(),
  });
  return worker.runUntil(async () => {
    try {
      const handle = await ts.env.client.workflow.start(adFilmWorkflow, { taskQueue, workflowId: workflowIdForAd(input.adId), args: [input] });
      return await fn(handle);
    } finally {
      // A create attempt left hanging must end, or the worker would wait for it at shutdown.
      vidu.releaseHung();
    }
  });
}

/** The ApplicationFailure the ad ended with (it must fail). */
export async function adFailure(result: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await result.then(
    () => assert.fail('the ad should fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowFailedError, `expected a WorkflowFailedError, got ${String(err)}`);
  assert.ok(err.cause instanceof ApplicationFailure, `expected an ApplicationFailure cause, got ${String(err.cause)}`);
  return err.cause;
}

/** How much workflow time passed between the ad's start and its end. */
export async function workflowTimeMs(handle: AdHandle): Promise<number> {
  const { startTime, closeTime } = await handle.describe();
  assert.ok(closeTime, 'the ad has ended');
  return closeTime.getTime() - startTime.getTime();
}

/**
 * Queries the status until `predicate` holds, letting `stepMs` of workflow
 * time pass (skipped) between queries: the server's clock is otherwise held
 * at wall-clock speed while no result is awaited. Small steps, so a timer
 * the test means to beat (a review window, an adopt window) does not fire.
 */
export async function advanceUntil(ts: TimeSkippingEnv, handle: AdHandle, predicate: (status: AdStatus) => boolean, what: string, stepMs = 5_000, maxSteps = 200): Promise<AdStatus> {
  let status: AdStatus | undefined;
  for (let step = 0; step < maxSteps; step += 1) {
    status = await handle.query(statusQuery);
    if (predicate(status)) return status;
    await ts.env.sleep(stepMs);
  }
  throw new Error(`${what}: not reached after ${maxSteps} steps of ${stepMs} ms; last status: ${JSON.stringify(status)}`);
}

/** Waits in wall-clock time (the server's clock held) until `predicate` holds. */
export async function eventually(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits (wall clock, the server's clock held) until the ad waits for the callback of its last create attempt; returns the attempt's marker. */
export async function awaitingCreateCallback(handle: AdHandle, vidu: FakeVidu): Promise<string> {
  let waitingFor = '';
  await eventually(async () => {
    waitingFor = (await handle.query(statusQuery)).waitingFor ?? '';
    return /waiting until .* for Vidu's callback for attempt/.test(waitingFor);
  }, "the ad's wait for the create's callback");
  const marker = vidu.calls.createAdTask.at(-1)!.attemptMarker!;
  assert.ok(waitingFor.endsWith(`for attempt ${marker}`), `the status names the attempt: ${waitingFor}`);
  return marker;
}

/**
 * Vidu's callback for the task the attempt made, as the receiver forwards it
 * (compact, verified), after one for another attempt, which must not be adopted.
 */
export async function sendCreateCallbacks(handle: AdHandle, taskId: string, marker: string): Promise<void> {
  await handle.signal(viduCallbackSignal, { taskId: 'ad-of-another-attempt', createAttempt: 'another-attempt', state: 'processing', progress: 5, nonce: 'nonce-other' });
  await handle.signal(viduCallbackSignal, { taskId, createAttempt: marker, state: 'processing', progress: 10, nonce: 'nonce-1' });
}
