// A create whose answer was lost, under the time-skipping test server: Vidu
// may have made (and billed) the task, and nothing the request carried can
// find it again. With callbacks on, the ad waits for Vidu's signed callback
// carrying the attempt's marker and adopts the task it names (no second
// create); with callbacks off, or when no such callback comes within the
// adopt window, it fails as ViduCreateOutcomeUnknown, its create reservation
// still held. (Create attempts that time out: createTimeouts.test.ts.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import { statusQuery } from '../../src/workflows/ad/contract';
import { suiteTimeSkippingEnv } from '../support/timeSkippingEnv';
import { adFailure, adInput, awaitingCreateCallback, sendCreateCallbacks, withAd, workflowTimeMs } from './adRun';
import { CHARGES, FakeVidu, failures } from './fakeVidu';

const HOUR = 60 * 60_000;

describe('a create whose answer was lost (time-skipping, stubbed activities)', { timeout: 120_000 }, () => {
  const ts = suiteTimeSkippingEnv();

  it('adopts the task named by the callback carrying the attempt marker after ViduCreateOutcomeUnknown (callbacks on): no second create', async () => {
    const vidu = new FakeVidu({ create: () => ({ sendThenLose: failures.createOutcomeUnknown(true) }) });
    await withAd(ts, vidu, adInput('adopt', { maxCredits: 1_000 }), async (handle) => {
      const marker = await awaitingCreateCallback(handle, vidu);
      const held = await handle.query(statusQuery);
      assert.equal(held.credits?.reserved, 600 + 1, 'the unclear create stays reserved while the ad waits');
      const made = vidu.made('ad');
      assert.equal(made.length, 1, 'Vidu made the task although the answer was lost');
      assert.equal(made[0]!.marker, marker);
      await sendCreateCallbacks(handle, made[0]!.id, marker);

      const result = await handle.result();
      assert.equal(result.mainTaskId, made[0]!.id, 'the task the callback named was adopted');
      assert.equal(vidu.calls.createAdTask.length, 1, 'no second create');
      assert.equal(vidu.made('ad').length, 1);
      assert.equal(vidu.calls.getTaskState[0], made[0]!.id, 'the query API confirmed the task before it was adopted');
      assert.ok(!vidu.calls.getTaskState.includes('ad-of-another-attempt'), "another attempt's callback was not followed");
      assert.equal(result.creditsSpent, CHARGES.ad);
      const status = await handle.query(statusQuery);
      assert.deepEqual(status.credits, { estimated: 600, reserved: 0, spent: CHARGES.ad, limit: 1_000, overrun: 0 });
    });
  });

  it('fails as ViduCreateOutcomeUnknown when no callback names the attempt within the adopt window, the create still reserved', async () => {
    const vidu = new FakeVidu({ create: () => ({ sendThenLose: failures.createOutcomeUnknown(true) }) });
    await withAd(ts, vidu, adInput('no-callback', { maxCredits: 1_000, createAdoptWindowMs: 2 * HOUR }), async (handle) => {
      const failure = await adFailure(handle.result());
      const marker = vidu.calls.createAdTask[0]!.attemptMarker!;
      assert.equal(failure.type, FAILURE_TYPES.createOutcomeUnknown);
      assert.match(failure.message, new RegExp(`no callback for attempt ${marker} within ${2 * HOUR} ms`));
      assert.deepEqual(failure.details, [{ attemptMarker: marker }]);
      assert.ok((await workflowTimeMs(handle)) >= 2 * HOUR, 'it waited the whole window');
      assert.equal(vidu.calls.createAdTask.length, 1, 'no second create');
      const status = await handle.query(statusQuery);
      assert.equal(status.stage, 'failed');
      // The task may exist and be billed: the create stays reserved; the compose is released.
      assert.deepEqual(status.credits, { estimated: 600, reserved: 600, spent: 0, limit: 1_000, overrun: 0 });
    });
  });

  it('fails as ViduCreateOutcomeUnknown at once, naming the attempt, when callbacks are off: no second create', async () => {
    const vidu = new FakeVidu({ create: () => ({ sendThenLose: failures.createOutcomeUnknown(false) }) });
    await withAd(ts, vidu, adInput('callbacks-off', { maxCredits: 1_000 }), async (handle) => {
      const failure = await adFailure(handle.result());
      const marker = vidu.calls.createAdTask[0]!.attemptMarker!;
      assert.equal(failure.type, FAILURE_TYPES.createOutcomeUnknown);
      assert.match(failure.message, new RegExp(`look for attempt ${marker} before starting this ad again`));
      assert.deepEqual(failure.details, [{ attemptMarker: marker }]);
      assert.ok((await workflowTimeMs(handle)) < 60_000, 'without callbacks there is nothing to wait for');
      assert.equal(vidu.calls.createAdTask.length, 1, 'no second create');
      assert.equal(vidu.calls.getTaskState.length, 0);
      const status = await handle.query(statusQuery);
      assert.equal(status.stage, 'failed');
      assert.equal(status.mainTaskId, undefined);
      assert.deepEqual(status.credits, { estimated: 600, reserved: 600, spent: 0, limit: 1_000, overrun: 0 });
    });
  });
});
