// The workflows' own last check, for callers that start them directly: a run
// takes `continued` (the carried-over state: ledger, edits, run number) only
// when it was continued as new, a campaign passes its ads none of the options
// that are not a caller's, and an input past a shared bound fails as invalid
// input before anything reaches Vidu.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { newAdState } from '../../src/workflows/ad/state';
import { campaignWorkflow } from '../../src/workflows/campaign/workflow';
import { workflowIdForCampaign } from '../../src/workflows/campaign/contract';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import { cancelUpdate, workflowIdForAd } from '../../src/workflows/ad/contract';
import { failedRun, FAST_POLLING, PRODUCT_IMAGE, suiteHarness, uniqueAdId, waitForStatus } from './harness';
import { retryLostUpdate } from '../../src/starter/adHandle';

/** The failure of a run that must fail as invalid input. */
async function invalidInput(handle: WorkflowHandle): Promise<ApplicationFailure> {
  const err = await failedRun(handle, 'the run should fail as invalid input');
  assert.equal(err.cause.type, FAILURE_TYPES.invalidInput);
  return err.cause;
}

describe('input a workflow refuses when started directly', { timeout: 120_000 }, () => {
  const h = suiteHarness();

  /** A one-variant campaign started directly, with `extra` in its brief. */
  function startOneVariantCampaign(taskQueue: string, campaignId: string, extra: Record<string, unknown>) {
    return h.env.client.workflow.start(campaignWorkflow, {
      taskQueue,
      workflowId: workflowIdForCampaign(campaignId),
      args: [{ campaignId, images: [PRODUCT_IMAGE], variants: { aspectRatios: ['16:9'], languages: ['en'], durations: [15] }, maxConcurrent: 1, ...extra }],
    });
  }

  it('refuses an ad started with a continued state it was not continued into, creating nothing at Vidu', async () => {
    const adId = uniqueAdId('forged-continued');
    const before = h.sim.counters().tasksCreated.ad;
    await h.withWorker(async (taskQueue) => {
      // A forged carry-over: a thousand edits allowed, a run number of its own.
      const handle = await h.startAd(taskQueue, { adId, continued: { state: newAdState(adId, 1_000), run: 7 } as never });
      const failure = await invalidInput(handle);
      assert.match(failure.message, /^continued: is set only by the workflow when it continues as new/);
    });
    assert.equal(h.sim.counters().tasksCreated.ad, before, 'no ad task was created');
  });

  it('refuses an ad whose input edits pass maxEdits and whose image URL is longer than a notifyUrl', async () => {
    const adId = uniqueAdId('past-bounds');
    const before = h.sim.counters().tasksCreated.ad;
    await h.withWorker(async (taskQueue) => {
      const edit = { kind: 'bgm' as const, prompt: 'calmer' };
      const handle = await h.startAd(taskQueue, { adId, images: [`https://example.com/${'x'.repeat(2_100)}.png`], maxEdits: 1, edits: [edit, edit] });
      const failure = await invalidInput(handle);
      assert.match(failure.message, /images\[0\]: an image URL must be at most 2048 characters/);
      assert.match(failure.message, /edits: must hold at most 1 edits, the ad's maxEdits \(got 2\)/);
    });
    assert.equal(h.sim.counters().tasksCreated.ad, before, 'no ad task was created');
  });

  it('refuses a campaign whose ads carry continued, and starts none of its ads', async () => {
    const campaignId = uniqueAdId('campaign-forged');
    await h.withWorker(async (taskQueue) => {
      const handle = await startOneVariantCampaign(taskQueue, campaignId, { ads: { polling: FAST_POLLING, continued: { state: newAdState('x', 1_000), run: 2 }, resumeFromTaskId: '384000874801790976' } as never });
      const failure = await invalidInput(handle);
      assert.match(failure.message, /ads\.continued: is set only by an ad when it continues as new/);
      assert.match(failure.message, /ads\.resumeFromTaskId: is set only by retryAd/);
    });
    await assert.rejects(h.env.client.workflow.getHandle(workflowIdForAd(`${campaignId}.16x9-en-15s`)).describe(), (e: unknown) => e instanceof WorkflowNotFoundError, 'its ad was never started');
  });

  it('refuses a campaign started with a continued state it was not continued into', async () => {
    const campaignId = uniqueAdId('campaign-continued');
    await h.withWorker(async (taskQueue) => {
      const handle = await startOneVariantCampaign(taskQueue, campaignId, { continued: { run: 3, variants: [], requests: [], ledger: { limit: 1_000_000, spent: 0, reserved: 0, overrun: 0, reservations: [] }, maxConcurrent: 1 } as never });
      const failure = await invalidInput(handle);
      assert.match(failure.message, /^continued: is set only by the workflow when it continues as new/);
    });
  });

  it("refuses a cancel update whose reason is past the bound, and takes one inside it", async () => {
    const adId = uniqueAdId('cancel-reason');
    await h.withWorker(async (taskQueue) => {
      const handle = await h.startAd(taskQueue, { adId });
      await waitForStatus(handle, (s) => s.stage !== 'creating', 'the ad under way');
      // Sent as the starter sends updates: again when Temporal lost the workflow task that carried one (a busy machine).
      const cancel = (reason: string) => retryLostUpdate(() => handle.executeUpdate(cancelUpdate.name, { args: [{ reason, requestId: `cancel-${reason.length}` }], updateId: `cancel-${reason.length}` }));
      await assert.rejects(cancel('r'.repeat(501)), (e: unknown) => /reason: must be a text of at most 500 characters/.test(String((e as Error & { cause?: Error }).cause?.message ?? e)));
      await cancel('r'.repeat(500));
      await handle.result().catch(() => undefined);
    });
  });
});
