// Edits during review, under the time-skipping test server: an edit whose
// answer was lost is retried by Temporal, and the retry finds the record the
// first attempt made (by the edit's marker, in the ad's sub-records) instead
// of paying again; an edit the ad's budget cannot hold is refused by the
// `edit` update's validator, before anything is sent or recorded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure, WorkflowUpdateFailedError } from '@temporalio/client';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import { approveUpdate, editUpdate, statusQuery, type AdFilmInput } from '../../src/workflows/ad/contract';
import { suiteTimeSkippingEnv } from '../support/timeSkippingEnv';
import { adInput, advanceUntil, withAd } from './adRun';
import { CHARGES, FakeVidu, failures } from './fakeVidu';

const HOUR = 60 * 60_000;
/** A day to review; an ad that is not approved fails, so a window that closed by mistake shows. */
const REVIEW: AdFilmInput['review'] = { enabled: true, windowMs: 24 * HOUR, onTimeout: 'fail' };

describe('edits during review (time-skipping, stubbed activities)', { timeout: 120_000 }, () => {
  const ts = suiteTimeSkippingEnv();

  it('finds an edit whose answer was lost by its marker in the sub-records, and charges it once', async () => {
    // The first attempt reaches Vidu (the edit is made and billed) and its answer is lost.
    const vidu = new FakeVidu({ edit: (_call, _input, attempt) => (attempt === 1 ? { sendThenLose: failures.outcomeUnknown('edit') } : 'send') });
    await withAd(ts, vidu, adInput('lost-edit', { maxCredits: 2_000, review: REVIEW }), async (handle) => {
      await advanceUntil(ts, handle, (s) => s.stage === 'review', 'the review');
      const answer = await handle.executeUpdate(editUpdate, { args: [{ kind: 'video', storyboardIndex: 1, prompt: 'a closer shot of the label', requestId: 'closer' }], updateId: 'closer' });

      const made = vidu.made('edit');
      assert.equal(made.length, 1, 'Vidu made one edit');
      assert.deepEqual(answer, { requestId: 'closer', subTaskId: made[0]!.id }, 'the update answers with the edit the retry found');
      const [first, retry] = vidu.calls.startEdit;
      assert.equal(vidu.calls.startEdit.length, 2, 'the unclear attempt was retried once');
      assert.equal(retry!.marker, first!.marker, 'the retry carries the same marker');
      assert.equal(made[0]!.marker, first!.marker);
      assert.ok(retry!.knownRecordIds.includes(`${vidu.made('ad')[0]!.id}-sb1`), 'the takes known before the edit are not candidates');

      await handle.executeUpdate(approveUpdate.name, { args: [{ requestId: 'approve' }] });
      const result = await handle.result();
      const status = await handle.query(statusQuery);
      assert.equal(result.outcome, 'composed');
      assert.deepEqual(result.editTaskIds, [made[0]!.id]);
      assert.equal(result.selection.videoTaskIds[1], made[0]!.id, 'the edit took storyboard 1');
      assert.equal(vidu.made('edit').length, 1, 'no second edit');
      const charges = CHARGES.ad + CHARGES.video + CHARGES.compose;
      assert.equal(result.creditsSpent, charges);
      assert.equal(vidu.charged(), charges);
      assert.deepEqual(status.credits, { estimated: 600 + 200 + 1, reserved: 0, spent: charges, limit: 2_000, overrun: 0 });
      assert.equal(status.edits[0]?.state, 'succeeded');
    });
  });

  it("refuses in the update's validator an edit the budget cannot hold: nothing sent, nothing recorded", async () => {
    const vidu = new FakeVidu();
    await withAd(ts, vidu, adInput('edit-over-budget', { maxCredits: 700, review: REVIEW }), async (handle) => {
      await advanceUntil(ts, handle, (s) => s.stage === 'review', 'the review');
      const refused = await handle.executeUpdate(editUpdate, { args: [{ kind: 'video', storyboardIndex: 0, prompt: 'a wider shot', requestId: 'wider' }], updateId: 'wider' }).then(
        () => assert.fail('the edit should be refused'),
        (err: unknown) => err,
      );
      assert.ok(refused instanceof WorkflowUpdateFailedError, `got ${String(refused)}`);
      assert.ok(refused.cause instanceof ApplicationFailure);
      assert.equal(refused.cause.type, FAILURE_TYPES.editRejected);
      // The create settled at 560 and the compose holds 1: 561 of 700, and a storyboard edit costs about 200.
      assert.equal(refused.cause.message, 'ad budget maxCredits=700: 561 reserved or spent, this storyboard edit would cost about 200');

      assert.equal(vidu.calls.startEdit.length, 0, 'nothing was sent');
      const status = await handle.query(statusQuery);
      assert.deepEqual({ edits: status.edits, editsUsed: status.editsUsed }, { edits: [], editsUsed: 0 });
      const events = (await handle.fetchHistory()).events ?? [];
      assert.ok(!events.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes || e.workflowExecutionUpdateAdmittedEventAttributes), 'a refused update leaves no trace in history');

      await handle.executeUpdate(approveUpdate.name, { args: [{ requestId: 'approve' }] });
      const result = await handle.result();
      assert.equal(result.outcome, 'first-video');
      assert.equal(vidu.calls.startCompose.length, 0);
      assert.deepEqual((await handle.query(statusQuery)).credits, { estimated: 600, reserved: 0, spent: CHARGES.ad, limit: 700, overrun: 0 });
    });
  });
});
