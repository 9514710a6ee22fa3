// The spend protocol of the real ad workflow, under the time-skipping test
// server with stubbed activities (fakeVidu.ts): every create, edit and
// compose reserves its estimate, is sent once, records Vidu's charge, is
// awaited (polls minutes apart, skipped), and is settled with what Vidu
// reports, or refunded when Vidu reports the task failed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import { statusQuery } from '../../src/workflows/ad/contract';
import { suiteTimeSkippingEnv } from '../support/timeSkippingEnv';
import { adFailure, adInput, withAd, workflowTimeMs } from './adRun';
import { CHARGES, FakeVidu } from './fakeVidu';

/** The workflow's estimates for a 15 s ad (src/workflows/shared/prices.ts): create 40/s, compose 1, narration 10, storyboard edit 200. */
const ESTIMATES = { create: 600, compose: 1, narration: 10, video: 200 };

describe('the ad spend protocol (time-skipping, stubbed activities)', { timeout: 120_000 }, () => {
  const ts = suiteTimeSkippingEnv();

  it('creates once, polls to success, composes the edited selection and settles every reservation to what Vidu charged', async () => {
    const vidu = new FakeVidu();
    const input = adInput('spend', { maxCredits: 2_000, edits: [{ kind: 'narration', prompt: 'a calmer voice' }] });
    await withAd(ts, vidu, input, async (handle) => {
      const result = await handle.result();
      const status = await handle.query(statusQuery);

      assert.equal(vidu.calls.createAdTask.length, 1, 'exactly one create');
      assert.equal(vidu.calls.checkAccountCredits.length, 1, 'the account was checked before the create');
      assert.equal(vidu.calls.startEdit.length, 1);
      assert.equal(vidu.calls.startCompose.length, 1);
      assert.equal(vidu.calls.cancelViduTask.length, 0, 'nothing was cancelled');
      assert.deepEqual(
        vidu.calls.saveResult.map((s) => s.label),
        ['composed'],
      );

      assert.equal(result.outcome, 'composed');
      assert.equal(result.mainTaskId, vidu.made('ad')[0]!.id);
      assert.equal(result.composeTaskId, vidu.made('compose')[0]!.id);
      const charged = CHARGES.ad + CHARGES.narration + CHARGES.compose;
      assert.equal(result.creditsSpent, charged);
      assert.equal(vidu.charged(), charged, 'what Vidu billed is what the ad counted');
      assert.equal(status.stage, 'done');
      assert.equal(status.waitingFor, undefined);
      // Settled to Vidu's charges (the create's 560, not its 600 estimate); nothing held any more.
      assert.deepEqual(status.credits, { estimated: ESTIMATES.create + ESTIMATES.narration + ESTIMATES.compose, reserved: 0, spent: charged, limit: 2_000, overrun: 0 });
      // Three tasks, each polled to its end minutes of workflow time apart (10 s, then 20 s): skipped.
      assert.ok((await workflowTimeMs(handle)) >= 3 * 30_000, 'the polls waited in workflow time');
    });
  });

  it('refunds the create when Vidu reports the main task failed, and fails the ad as ViduTaskFailed with nothing held', async () => {
    const vidu = new FakeVidu({ finalState: (task) => (task.kind === 'ad' ? 'failed' : 'success') });
    await withAd(ts, vidu, adInput('main-failed', { maxCredits: 2_000 }), async (handle) => {
      const failure = await adFailure(handle.result());
      assert.equal(failure.type, FAILURE_TYPES.taskFailed);
      assert.match(failure.message, /ad task ad-\d+ ended failed/);

      const status = await handle.query(statusQuery);
      assert.equal(status.stage, 'failed');
      assert.equal(vidu.calls.createAdTask.length, 1);
      assert.equal(vidu.calls.readSubRecords.length, 0, 'a failed ad reads no storyboards');
      assert.equal(vidu.calls.cancelViduTask.length, 0, 'a task that ended is not cancelled');
      assert.equal(status.creditsSpent, 0, 'Vidu does not charge a failed task');
      assert.deepEqual(status.credits, { estimated: 0, reserved: 0, spent: 0, limit: 2_000, overrun: 0 });
    });
  });

  it('refunds an edit whose Vidu task failed, and the final credits are the sum of the charges', async () => {
    const vidu = new FakeVidu({ finalState: (task) => (task.kind === 'edit' && task.editKind === 'video' ? 'failed' : 'success') });
    const input = adInput('edit-failed', {
      maxCredits: 2_000,
      edits: [
        { kind: 'video', storyboardIndex: 0, prompt: 'a wider shot', requestId: 'wider' },
        { kind: 'narration', prompt: 'a calmer voice', requestId: 'calmer' },
      ],
    });
    await withAd(ts, vidu, input, async (handle) => {
      const result = await handle.result();
      const status = await handle.query(statusQuery);

      assert.equal(vidu.calls.startEdit.length, 2, 'each edit sent once');
      const byRequest = Object.fromEntries(status.edits.map((e) => [e.requestId, e]));
      assert.equal(byRequest.wider?.state, 'failed');
      assert.match(byRequest.wider?.error ?? '', /ended failed/);
      assert.equal(byRequest.calmer?.state, 'succeeded');
      assert.equal(status.storyboards[0]!.selectedTakeId, `${result.mainTaskId}-sb0`, 'the failed edit left the first take selected');

      const charges = CHARGES.ad + CHARGES.narration + CHARGES.compose;
      assert.equal(result.outcome, 'composed');
      assert.equal(result.creditsSpent, charges);
      assert.equal(status.creditsSpent, charges);
      assert.equal(vidu.charged(), charges);
      // The failed edit's 200 was refunded: it is in neither the estimate nor the spend.
      assert.deepEqual(status.credits, { estimated: ESTIMATES.create + ESTIMATES.narration + ESTIMATES.compose, reserved: 0, spent: charges, limit: 2_000, overrun: 0 });
    });
  });
});
