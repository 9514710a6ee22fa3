// The operator's review: edits by update and by signal (and the updates the
// validator rejects before they reach history), take selection, approval,
// the three review-timeout outcomes, and continue-as-new in a long review.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import {
  approveSignal,
  editUpdate,
  requestEditSignal,
  selectTakeSignal,
  statusQuery,
  type AdStatus,
  type EditRequestInput,
} from '../../src/workflows/ad/contract';
import { AD_ID, AD_STAGE } from '../../src/workflows/ad/searchAttributes';
import { failedRun, suiteHarness, uniqueAdId, waitForStatus } from './harness';

async function rejection(handle: WorkflowHandle, request: EditRequestInput): Promise<ApplicationFailure> {
  const err = await handle.executeUpdate(editUpdate, { args: [request] }).then(
    () => assert.fail(`the update ${JSON.stringify(request).slice(0, 80)} should be rejected`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowUpdateFailedError, `got ${String(err)}`);
  assert.ok(err.cause instanceof ApplicationFailure);
  assert.equal(err.cause.type, FAILURE_TYPES.editRejected);
  return err.cause;
}

const allEditsDone = (status: AdStatus) => status.edits.length > 0 && status.edits.every((e) => e.state === 'succeeded' || e.state === 'failed');

describe('review', () => {
  const h = suiteHarness();

  it('takes edits by update and by signal, rejects bad updates before history, selects takes, composes on approval', async () => {
    const adId = uniqueAdId('review');
    await h.withWorker(async (taskQueue) => {
      const handle = await h.startAd(taskQueue, { adId, maxEdits: 3, review: { enabled: true, windowMs: 120_000, onTimeout: 'fail' } });
      const early = await rejection(handle, { kind: 'video', storyboardIndex: 0, prompt: 'too early' });
      assert.match(early.message, /during review only/);

      await waitForStatus(handle, (s) => s.stage === 'review', 'the review stage');
      assert.match((await rejection(handle, { kind: 'video', storyboardIndex: 99, prompt: 'no such storyboard' })).message, /storyboardIndex/);
      assert.match((await rejection(handle, { kind: 'video', prompt: 'no index' })).message, /storyboardIndex: is required/);
      assert.match((await rejection(handle, { kind: 'narration', prompt: '   ' })).message, /prompt: must not be empty/);
      assert.match((await rejection(handle, { kind: 'bgm', prompt: 'x'.repeat(2001) })).message, /at most 2000 characters/);

      const first = await handle.executeUpdate(editUpdate, { args: [{ kind: 'video', storyboardIndex: 0, prompt: 'first idea' }] });
      await handle.signal(requestEditSignal, { kind: 'video', storyboardIndex: 1, prompt: 'asked by signal' });
      const second = await handle.executeUpdate(editUpdate, { args: [{ kind: 'video', storyboardIndex: 0, prompt: 'better idea' }] });
      assert.notEqual(first.subTaskId, second.subTaskId);
      assert.match((await rejection(handle, { kind: 'bgm', prompt: 'one too many' })).message, /at most 3 edits/);

      const settled = await waitForStatus(handle, (s) => s.edits.length === 3 && allEditsDone(s), 'three finished edits');
      assert.deepEqual(
        settled.edits.map((e) => [e.prompt, e.state]),
        [
          ['first idea', 'succeeded'],
          ['asked by signal', 'succeeded'],
          ['better idea', 'succeeded'],
        ],
      );
      assert.equal(settled.storyboards[0]!.selectedTakeId, second.subTaskId, 'the later edit of storyboard 0 wins');
      const bySignal = settled.edits[1]!.subTaskId!;
      assert.equal(settled.storyboards[1]!.selectedTakeId, bySignal);
      assert.equal(settled.editsUsed, 3);

      const rejected = (status: AdStatus, requestId: string) => status.requests.find((r) => r.requestId === requestId && r.outcome === 'rejected');
      await handle.signal(selectTakeSignal, { kind: 'video', storyboardIndex: 2, takeId: 'no-such-take', requestId: 'bad-select' });
      const afterBadSelect = await waitForStatus(handle, (s) => rejected(s, 'bad-select') !== undefined, 'the rejected selection');
      assert.match(rejected(afterBadSelect, 'bad-select')!.reason!, /^takeId: no-such-take is not one of its takes/);
      const alternative = settled.storyboards[2]!.takes.find((t) => t.id !== settled.storyboards[2]!.selectedTakeId)!;
      await handle.signal(selectTakeSignal, { kind: 'video', storyboardIndex: 2, takeId: alternative.id });
      await handle.signal(requestEditSignal, { kind: 'video', storyboardIndex: 42, prompt: 'rejected signal', requestId: 'bad-edit' });
      const afterBadEdit = await waitForStatus(handle, (s) => rejected(s, 'bad-edit') !== undefined, 'the rejected edit signal');
      assert.match(rejected(afterBadEdit, 'bad-edit')!.reason!, /^storyboardIndex: /);

      await handle.signal(approveSignal);
      const result = await handle.result();
      assert.equal(result.outcome, 'composed');
      assert.deepEqual(result.selection.videoTaskIds, [second.subTaskId, bySignal, alternative.id]);
      assert.deepEqual(new Set(result.editTaskIds), new Set([first.subTaskId, second.subTaskId, bySignal]));
      const perAd = h.sim.counters().perAd[result.mainTaskId]!;
      assert.deepEqual({ creates: perAd.creates, edits: perAd.edits, composes: perAd.composes }, { creates: 1, edits: 3, composes: 1 });
      assert.equal(result.creditsSpent, perAd.creditsCharged);

      const events = (await handle.fetchHistory()).events ?? [];
      const accepted = events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
      assert.equal(accepted, 2, 'only the two accepted updates reached the history');
    });
  });

  it('ends a review nobody approves as the input says: compose, keep the first video, or fail', async () => {
    await h.withWorker(async (taskQueue) => {
      const review = (onTimeout: 'compose-selected' | 'keep-first-video' | 'fail') => ({ enabled: true, windowMs: 4_000, onTimeout });
      const compose = await h.startAd(taskQueue, { adId: uniqueAdId('timeout-compose'), review: review('compose-selected') });
      const keep = await h.startAd(taskQueue, { adId: uniqueAdId('timeout-keep'), review: review('keep-first-video') });
      const fail = await h.startAd(taskQueue, { adId: uniqueAdId('timeout-fail'), review: review('fail') });

      await waitForStatus(compose, (s) => s.stage === 'review', 'review (compose-selected)');
      await compose.signal(requestEditSignal, { kind: 'bgm', prompt: 'warmer music' });
      await waitForStatus(keep, (s) => s.stage === 'review', 'review (keep-first-video)');
      const keptEdit = await keep.executeUpdate(editUpdate, { args: [{ kind: 'narration', prompt: 'A new voice-over.' }] });

      const composed = await compose.result();
      assert.equal(composed.outcome, 'composed');
      const composeStatus = await compose.query(statusQuery);
      assert.equal(composed.selection.bgmTaskId, composeStatus.edits[0]!.subTaskId);

      const kept = await keep.result();
      assert.equal(kept.outcome, 'first-video');
      assert.equal(kept.composeTaskId, undefined);
      assert.notEqual(kept.selection.narrationTaskId, keptEdit.subTaskId, 'the first video keeps its own narration');
      const keptCounters = h.sim.counters().perAd[kept.mainTaskId]!;
      assert.equal(keptCounters.composes, 0);
      assert.equal(kept.creditsSpent, keptCounters.creditsCharged);

      const err = await failedRun(fail, 'the ad should fail');
      assert.equal(err.cause.type, FAILURE_TYPES.reviewTimedOut);
      assert.equal((await fail.query(statusQuery)).stage, 'failed');
    });
  });

  it('continues a long review as new, carrying its state', async () => {
    const adId = uniqueAdId('long-review');
    await h.withWorker(async (taskQueue) => {
      const handle = await h.startAd(taskQueue, {
        adId,
        continueAsNewAfterEvents: 150,
        review: { enabled: true, windowMs: 120_000, onTimeout: 'fail' },
      });
      const firstRunId = handle.firstExecutionRunId;
      const reviewing = await waitForStatus(handle, (s) => s.stage === 'review', 'the review stage');
      const edit = await handle.executeUpdate(editUpdate, { args: [{ kind: 'video', storyboardIndex: 0, prompt: 'before the new run' }] });
      const edited = await waitForStatus(
        handle,
        (s) => allEditsDone(s) && s.storyboards[0]!.takes.every((t) => t.media !== undefined),
        'the edit, with storyboard 0 takes kept',
      );

      // Each selection adds a few events; toggle until the history is long enough to continue as new.
      const takes = [edit.subTaskId, reviewing.storyboards[0]!.takes[0]!.id];
      let runId = firstRunId;
      for (let i = 0; i < 200 && runId === firstRunId; i += 1) {
        await handle.signal(selectTakeSignal, { kind: 'video', storyboardIndex: 0, takeId: takes[i % 2]! });
        runId = (await h.env.client.workflow.getHandle(handle.workflowId).describe()).runId;
      }
      assert.notEqual(runId, firstRunId, 'the review continued as new');

      const latest = h.env.client.workflow.getHandle(handle.workflowId);
      const carried = await waitForStatus(latest, (s) => s.stage === 'review', 'review in the new run');
      assert.equal(carried.editsUsed, 1);
      assert.equal(carried.edits[0]!.subTaskId, edit.subTaskId);
      assert.ok(carried.storyboards[0]!.takes.some((t) => t.id === edit.subTaskId), 'the edited take is still known');
      assert.deepEqual(carried.storyboards[0]!.takes, edited.storyboards[0]!.takes, 'the kept files of the takes carry over to the new run');
      const description = await latest.describe();
      assert.equal(description.typedSearchAttributes.get(AD_ID), adId);
      assert.equal(description.typedSearchAttributes.get(AD_STAGE), 'review');

      await latest.signal(selectTakeSignal, { kind: 'video', storyboardIndex: 0, takeId: edit.subTaskId });
      await latest.signal(approveSignal);
      const result = await handle.result();
      assert.equal(result.outcome, 'composed');
      assert.equal(result.selection.videoTaskIds[0], edit.subTaskId);
      const firstRun = await h.env.client.workflow.getHandle(handle.workflowId, firstRunId).fetchHistory();
      assert.ok(firstRun.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes, 'the first run ended by continuing as new');
    });
  });
});
