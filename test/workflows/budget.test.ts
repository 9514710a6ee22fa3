// Credit budgets in a running ad: an edit that would go past `maxCredits` is
// refused by the update's validator (and, sent as a signal, recorded as
// refused) before anything reaches Vidu; accepted edits settle to what Vidu
// reports (a failed one is refunded); and the account's balance is read before
// the create, so an account that cannot pay makes the ad wait for a top-up or
// fail, as the worker is configured.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { AdWorkerOptions } from '../../src/worker/adWorker';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import { approveSignal, cancelAdSignal, editUpdate, requestEditSignal, statusQuery, type AdStatus } from '../../src/workflows/ad/contract';
import { QUICK_ACTIVITY_TUNING } from '../support/testAdWorker';
import { failedRun, FAST_POLLING, suiteHarness, uniqueAdId, waitForStatus } from './harness';

const REVIEW = { enabled: true, windowMs: 120_000, onTimeout: 'fail' as const };

function shortfall(onShortfall: 'wait' | 'fail'): Partial<AdWorkerOptions> {
  return { activityTuning: { ...QUICK_ACTIVITY_TUNING, accountShortfall: { onShortfall, recheckMs: 1_000 } } };
}

const finished = (status: AdStatus, prompt: string) => status.edits.some((e) => e.prompt === prompt && (e.state === 'succeeded' || e.state === 'failed'));

describe('credit budget', () => {
  const h = suiteHarness();

  it('refuses the edit that would break maxCredits before anything is sent, and settles accepted edits to what Vidu charged', async () => {
    const adId = uniqueAdId('budget');
    await h.withWorker(async (taskQueue) => {
      // 15 s: the create costs 600 and the compose 1; a storyboard edit 200, a narration edit 10.
      const handle = await h.startAd(taskQueue, { adId, maxCredits: 700, review: REVIEW, polling: FAST_POLLING });
      const inReview = await waitForStatus(handle, (s) => s.stage === 'review', 'the review stage');
      const mainTaskId = inReview.mainTaskId!;
      assert.deepEqual(inReview.credits, { estimated: 601, reserved: 1, spent: h.sim.counters().perAd[mainTaskId]!.creditsCharged, limit: 700, overrun: 0 });
      assert.equal(inReview.credits.spent, 600);

      const err = await handle.executeUpdate(editUpdate, { args: [{ kind: 'video', storyboardIndex: 0, prompt: 'a sunset', requestId: 'too-dear' }] }).then(
        () => assert.fail('the storyboard edit should be refused'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure, `got ${String(err)}`);
      assert.equal(err.cause.message, 'ad budget maxCredits=700: 601 reserved or spent, this storyboard edit would cost about 200');

      await handle.signal(requestEditSignal, { kind: 'bgm', prompt: 'a long violin piece', requestId: 'signal-fits' });
      await handle.signal(requestEditSignal, { kind: 'video', storyboardIndex: 1, prompt: 'a storm', requestId: 'signal-too-dear' });
      const afterSignals = await waitForStatus(
        handle,
        (s) => s.requests.some((r) => r.requestId === 'signal-too-dear') && s.edits.some((e) => e.requestId === 'signal-fits' && e.subTaskId !== undefined),
        'the refused signal, and the accepted one at Vidu',
      );
      const refused = afterSignals.requests.find((r) => r.requestId === 'signal-too-dear')!;
      assert.equal(refused.outcome, 'rejected');
      // The music edit (30) was accepted first: 631 committed.
      assert.equal(refused.reason, 'ad budget maxCredits=700: 631 reserved or spent, this storyboard edit would cost about 200');
      assert.equal(h.sim.counters().perAd[mainTaskId]!.edits, 1, 'only the music edit reached Vidu');

      // A narration edit Vidu fails: reserved, then refunded.
      h.sim.setFaults({ taskFailures: [{ kind: 'edit', editType: 'generate_narration', errCode: 'CreationPolicyViolation' }] });
      await handle.executeUpdate(editUpdate, { args: [{ kind: 'narration', prompt: 'a failing line' }] });
      const settled = await waitForStatus(handle, (s) => finished(s, 'a failing line') && finished(s, 'a long violin piece'), 'both edits final');
      h.sim.setFaults({});
      assert.deepEqual(
        settled.edits.map((e) => [e.prompt, e.state]),
        [
          ['a long violin piece', 'succeeded'],
          ['a failing line', 'failed'],
        ],
      );
      const charged = h.sim.counters().perAd[mainTaskId]!.creditsCharged;
      assert.equal(charged, 630, 'Vidu charged the create and the music edit; the failed narration was refunded');
      assert.deepEqual(settled.credits, { estimated: 631, reserved: 1, spent: charged, limit: 700, overrun: 0 });

      await handle.signal(approveSignal);
      const result = await handle.result();
      assert.equal(result.outcome, 'composed');
      const final = await handle.query('status');
      const perAd = h.sim.counters().perAd[mainTaskId]!;
      assert.deepEqual((final as AdStatus).credits, { estimated: 631, reserved: 0, spent: perAd.creditsCharged, limit: 700, overrun: 0 });
      assert.equal(perAd.creditsCharged, 631);
      assert.ok(perAd.creditsCharged <= 700);
    });
  });

  it('lets parallel edits take the room there is and no more, and releases every reservation when the ad is cancelled', async () => {
    const adId = uniqueAdId('budget-parallel');
    await h.withWorker(async (taskQueue) => {
      // 601 for the create and the compose, room for two narration edits (10 each).
      const handle = await h.startAd(taskQueue, { adId, maxCredits: 621, review: REVIEW, polling: FAST_POLLING });
      const inReview = await waitForStatus(handle, (s) => s.stage === 'review', 'the review stage');
      const mainTaskId = inReview.mainTaskId!;
      const answers = await Promise.allSettled(
        ['one', 'two', 'three'].map((word) => handle.executeUpdate(editUpdate, { args: [{ kind: 'narration', prompt: `line ${word}`, requestId: `parallel-${word}` }] })),
      );
      const refusals = answers.flatMap((a) => (a.status === 'rejected' ? [a.reason as unknown] : []));
      assert.equal(answers.filter((a) => a.status === 'fulfilled').length, 2, 'two edits fit');
      assert.equal(refusals.length, 1);
      const refusal = refusals[0];
      assert.ok(refusal instanceof WorkflowUpdateFailedError && refusal.cause instanceof ApplicationFailure);
      assert.equal(refusal.cause.message, 'ad budget maxCredits=621: 621 reserved or spent, this narration edit would cost about 10');
      assert.equal(h.sim.counters().perAd[mainTaskId]!.edits, 2);

      await handle.signal(cancelAdSignal, { reason: 'budget test' });
      await handle.result().then(
        () => assert.fail('the ad should end cancelled'),
        (e: unknown) => assert.ok(e instanceof WorkflowFailedError),
      );
      const final = (await handle.query(statusQuery)).credits!;
      const charged = h.sim.counters().perAd[mainTaskId]!.creditsCharged;
      assert.equal(final.reserved, 0, `nothing stays reserved: ${JSON.stringify(final)}`);
      assert.equal(final.spent, charged, 'spent is what Vidu kept (edits cancelled in flight are refunded)');
      assert.ok(final.spent <= 621);
    });
  });

  it('an ad cancelled while Vidu generates keeps nothing reserved: the create settles to what Vidu kept', async () => {
    const adId = uniqueAdId('budget-cancel-early');
    await h.withWorker(async (taskQueue) => {
      const handle = await h.startAd(taskQueue, { adId, maxCredits: 700, polling: FAST_POLLING });
      const generating = await waitForStatus(handle, (s) => s.mainTaskId !== undefined, 'the main task', 20_000);
      await handle.signal(cancelAdSignal, { reason: 'cancelled while generating' });
      await handle.result().then(
        () => assert.fail('the ad should end cancelled'),
        (e: unknown) => assert.ok(e instanceof WorkflowFailedError),
      );
      const final = (await handle.query(statusQuery)).credits!;
      assert.equal(final.reserved, 0, `nothing stays reserved: ${JSON.stringify(final)}`);
      assert.equal(final.spent, h.sim.counters().perAd[generating.mainTaskId!]!.creditsCharged);
    });
  });

  it('waits for a top-up when the account cannot pay for the create, then goes on (ACCOUNT_CREDITS_SHORTFALL=wait)', async () => {
    const adId = uniqueAdId('account-wait');
    h.sim.setCredits(250);
    const createsBefore = h.sim.counters().tasksCreated.ad;
    try {
      await h.withWorker(async (taskQueue) => {
        const handle = await h.startAd(taskQueue, { adId, polling: FAST_POLLING });
        const waiting = await waitForStatus(handle, (s) => s.waitingFor !== undefined, 'the account wait');
        assert.equal(waiting.stage, 'creating');
        assert.match(waiting.waitingFor!, /^the Vidu account has 250 credits left; creating this ad needs about 600: waiting for a top-up, checking again in 1s$/);
        assert.equal(h.sim.counters().tasksCreated.ad, createsBefore, 'nothing was created while the account was short');
        h.sim.setCredits(100_000);
        const result = await handle.result();
        assert.equal(result.outcome, 'first-video');
        assert.equal(result.creditsSpent, 600);
      }, shortfall('wait'));
    } finally {
      h.sim.setCredits(100_000);
    }
  });

  it('fails clearly, before sending anything, when the account cannot pay and ACCOUNT_CREDITS_SHORTFALL=fail', async () => {
    const adId = uniqueAdId('account-fail');
    h.sim.setCredits(250);
    const createsBefore = h.sim.counters().tasksCreated.ad;
    try {
      await h.withWorker(async (taskQueue) => {
        const handle = await h.startAd(taskQueue, { adId });
        const err = await failedRun(handle, 'the ad should fail');
        assert.equal(err.cause.type, FAILURE_TYPES.accountCreditsShort);
        assert.match(err.cause.message, /the Vidu account has 250 credits left; creating this ad needs about 600 \(ACCOUNT_CREDITS_SHORTFALL=fail\)/);
        assert.equal(h.sim.counters().tasksCreated.ad, createsBefore);
      }, shortfall('fail'));
    } finally {
      h.sim.setCredits(100_000);
    }
  });
});
