// Cancelling an ad, by signal and by Temporal cancellation: the Vidu task in
// flight is cancelled too (and so not charged), and the ad ends cancelled.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { FAILURE_TYPES, isAdCancelledError } from '../../src/workflows/shared/failures';
import { cancelAdSignal, editUpdate, statusQuery } from '../../src/workflows/ad/contract';
import { AD_STAGE } from '../../src/workflows/ad/searchAttributes';
import { failedRun, suiteHarness, uniqueAdId, waitForStatus } from './harness';

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('cancel and deadline', () => {
  // Slow generations, so that there is time to cancel one in flight.
  const h = suiteHarness({ timing: { queueMs: 20, processingMs: 8_000, progressSteps: 8 } });

  it('cancels by signal while generating: the Vidu task is cancelled and nothing is charged', async () => {
    const adId = uniqueAdId('cancel-signal');
    await h.withWorker(async (taskQueue) => {
      const handle = await h.startAd(taskQueue, { adId });
      const generating = await waitForStatus(handle, (s) => s.stage === 'generating', 'the generating stage');
      const mainTaskId = generating.mainTaskId!;
      await waitUntil(async () => (await h.vidu.getCreations(mainTaskId)).state === 'processing', 'Vidu processing the ad');
      await handle.signal(cancelAdSignal, { reason: 'the client changed its mind' });
      const err = await failedRun(handle, 'the ad should end cancelled');
      assert.equal(err.cause.type, FAILURE_TYPES.adCancelled);
      assert.match(err.cause.message, /the client changed its mind/);
      assert.ok(isAdCancelledError(err));

      assert.equal((await h.vidu.getCreations(mainTaskId)).state, 'canceled');
      assert.equal(h.sim.counters().perAd[mainTaskId]!.creditsCharged, 0);
      const status = await handle.query(statusQuery);
      assert.equal(status.stage, 'cancelled');
      assert.equal(status.creditsSpent, 0);
      assert.match(status.lastError ?? '', /changed its mind/);
      assert.equal((await handle.describe()).typedSearchAttributes.get(AD_STAGE), 'cancelled');
    });
  });

  it('cancels through Temporal during an edit: the sub-task is cancelled and the run ends Canceled', async () => {
    const adId = uniqueAdId('cancel-temporal');
    await h.withWorker(async (taskQueue) => {
      const handle = await h.startAd(taskQueue, { adId, review: { enabled: true, windowMs: 120_000, onTimeout: 'fail' } });
      await waitForStatus(handle, (s) => s.stage === 'review', 'the review stage', 30_000);
      const { subTaskId } = await handle.executeUpdate(editUpdate, { args: [{ kind: 'video', storyboardIndex: 1, prompt: 'never mind' }] });
      await waitUntil(async () => (await h.vidu.getCreations(subTaskId)).state === 'processing', 'Vidu processing the edit');
      await handle.cancel();
      const err = await handle.result().then(
        () => assert.fail('the ad should end cancelled'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure, `got ${String(err)}`);
      assert.ok(isAdCancelledError(err));
      assert.equal((await handle.describe()).status.name, 'CANCELLED');

      assert.equal((await h.vidu.getCreations(subTaskId)).state, 'canceled');
      const status = await handle.query(statusQuery);
      assert.equal(status.stage, 'cancelled');
      assert.equal(status.edits[0]!.state, 'failed');
      assert.equal(status.edits[0]!.error, 'cancelled');
      const perAd = h.sim.counters().perAd[status.mainTaskId!]!;
      assert.equal(status.creditsSpent, perAd.creditsCharged, 'the cancelled edit is not charged');
    });
  });

  it('gives up on a task that outlives its deadline, cancels it and fails clearly', async () => {
    const adId = uniqueAdId('deadline');
    await h.withWorker(async (taskQueue) => {
      const handle = await h.startAd(taskQueue, { adId, taskDeadlineMs: 5_000 });
      const err = await failedRun(handle, 'the ad should fail');
      assert.equal(err.cause.type, FAILURE_TYPES.taskDeadline);
      assert.match(err.cause.message, /did not finish within 5000 ms/);
      assert.equal(isAdCancelledError(err), false);
      const status = await handle.query(statusQuery);
      assert.equal(status.stage, 'failed');
      assert.equal((await h.vidu.getCreations(status.mainTaskId!)).state, 'canceled', 'the Vidu task stops spending');
      assert.equal(status.creditsSpent, 0);
    });
  });

  it('cancels the Vidu task when the wait ends on an error Vidu will not take back', async () => {
    const adId = uniqueAdId('wait-error');
    await h.withWorker(async (taskQueue) => {
      const handle = await h.startAd(taskQueue, { adId, polling: { initialMs: 1_000, maxMs: 1_000 } });
      const generating = await waitForStatus(handle, (s) => s.stage === 'generating' && s.mainTaskId !== undefined, 'generating');
      h.sim.setFaults({ http: [{ endpoint: 'creations', taskId: generating.mainTaskId!, error: { status: 404, code: 'TaskNotFound' }, times: 1 }] });
      try {
        const err = await failedRun(handle, 'the ad should fail');
        assert.equal(err.cause.type, 'TaskNotFound');
        assert.equal((await h.vidu.getCreations(generating.mainTaskId!)).state, 'canceled', 'the task left behind is cancelled, not billed');
      } finally {
        h.sim.setFaults({});
      }
    });
  });
});
