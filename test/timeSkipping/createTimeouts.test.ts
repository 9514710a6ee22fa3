// Create attempts that time out, under the time-skipping test server: the
// worker died or hung mid-attempt, and Temporal ends the attempt with a
// heartbeat timeout. If the attempt had recorded its evidence heartbeat (as
// the real activity does, confirmed by Temporal, before its request leaves),
// the request may have reached Vidu: with callbacks on, the ad adopts the
// task the callback carrying the attempt's marker names, and creates nothing
// more. Without the evidence nothing left the worker, and the create is
// simply tried again.
//
// These take about 10 s of wall time each: the test server holds its clock
// while an activity is outstanding (it skips time only when nothing but
// timers is pending), so the heartbeat timeout, 10 s at the least
// (heartbeatTimeoutMs), passes in real time. Everything after it is skipped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import { suiteTimeSkippingEnv } from '../support/timeSkippingEnv';
import { adInput, awaitingCreateCallback, eventually, sendCreateCallbacks, withAd } from './adRun';
import { CHARGES, FakeVidu } from './fakeVidu';

describe('create attempts that time out (time-skipping, stubbed activities)', { timeout: 120_000 }, () => {
  const ts = suiteTimeSkippingEnv();

  it('adopts the task after a create attempt that timed out once its evidence heartbeat was recorded (a worker that died mid-request)', async () => {
    const vidu = new FakeVidu({ create: () => ({ hang: 'after-evidence' }) }, (taskToken, details) => ts.env.client.activity.heartbeat(taskToken, details));
    await withAd(ts, vidu, adInput('adopt-after-timeout', { heartbeatTimeoutMs: 10_000 }), async (handle) => {
      await eventually(() => vidu.evidenceRecorded.length === 1, 'the attempt to record its evidence');
      // 30 s of workflow time, past the heartbeat timeout and short of the adopt window's two hours
      // (the hung attempt holds the server's clock until it times out: about 10 s of wall time).
      await ts.env.sleep(30_000);
      const marker = await awaitingCreateCallback(handle, vidu);
      assert.deepEqual(vidu.evidenceRecorded, [{ attemptMarker: marker, callbacks: true }]);
      const events = (await handle.fetchHistory()).events ?? [];
      const timeouts = events.flatMap((e) => (e.activityTaskTimedOutEventAttributes ? [e.activityTaskTimedOutEventAttributes.failure?.timeoutFailureInfo?.timeoutType] : []));
      assert.deepEqual(timeouts, [temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT], 'the create attempt timed out on its heartbeat');
      await sendCreateCallbacks(handle, vidu.made('ad')[0]!.id, marker);

      const result = await handle.result();
      assert.equal(result.mainTaskId, vidu.made('ad')[0]!.id);
      assert.equal(vidu.calls.createAdTask.length, 1, 'no second create');
      assert.equal(result.creditsSpent, CHARGES.ad);
    });
  });

  it('tries the create again when the attempt timed out before recording its evidence (nothing left the worker)', async () => {
    const vidu = new FakeVidu({ create: (call) => (call === 1 ? { hang: 'before-evidence' } : 'send') });
    await withAd(ts, vidu, adInput('never-sent', { heartbeatTimeoutMs: 10_000 }), async (handle) => {
      const result = await handle.result();
      assert.equal(vidu.calls.createAdTask.length, 2, 'tried again');
      assert.notEqual(vidu.calls.createAdTask[0]!.attemptMarker, vidu.calls.createAdTask[1]!.attemptMarker, 'as a new attempt');
      assert.equal(vidu.made('ad').length, 1, 'Vidu made one task');
      assert.equal(result.mainTaskId, vidu.made('ad')[0]!.id);
      assert.equal(result.creditsSpent, CHARGES.ad);
    });
  });
});
