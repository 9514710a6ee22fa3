// Outage waits under the time-skipping test server: a create that Vidu
// refuses for now (ViduRateLimited, ViduRetryLater: nothing was made) is
// waited out on durable timers for hours of workflow time, in seconds of
// wall time, and sent again until it goes through, with one charge; when the
// refusals outlast the ad's outage budget, the ad fails as
// ViduOutageBudgetExhausted and holds no credits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import { statusQuery } from '../../src/workflows/ad/contract';
import { suiteTimeSkippingEnv } from '../support/timeSkippingEnv';
import { adFailure, adInput, advanceUntil, withAd, workflowTimeMs } from './adRun';
import { CHARGES, FakeVidu, failures } from './fakeVidu';

const HOUR = 60 * 60_000;

describe('outage waits (time-skipping, stubbed activities)', { timeout: 120_000 }, () => {
  const ts = suiteTimeSkippingEnv();

  it('waits out two hours of rate limits and retry-laters on the create, then creates once and is charged once', async () => {
    let refusedUntil = 0;
    const vidu = new FakeVidu({
      // Vidu refuses every create for two hours of workflow time, from the first attempt on.
      create: async (call) => {
        const now = await ts.env.currentTimeMs();
        if (call === 1) refusedUntil = now + 2 * HOUR;
        if (now >= refusedUntil) return 'send';
        return { refuse: call % 2 === 0 ? failures.retryLater() : failures.rateLimited() };
      },
    });
    const started = Date.now();
    await withAd(ts, vidu, adInput('rate-limited', { maxCredits: 1_000 }), async (handle) => {
      const waiting = await advanceUntil(ts, handle, (s) => /refused for now/.test(s.waitingFor ?? ''), 'the rate-limit wait in the status');
      assert.match(waiting.waitingFor!, /^creating the ad at Vidu: Vidu refused for now \((ViduRateLimited|ViduRetryLater): .*\) for (\d+m)?(\d+s)?, retrying in (\d+m)?(\d+s)?$/);
      assert.equal(waiting.stage, 'creating');
      assert.equal(waiting.credits?.reserved, 600 + 1, 'the create and one compose are held meanwhile');

      const result = await handle.result();
      const wallMs = Date.now() - started;
      const workflowMs = await workflowTimeMs(handle);
      const status = await handle.query(statusQuery);

      const creates = vidu.calls.createAdTask.length;
      assert.ok(creates > 10, `the create was refused and sent again many times (${creates} calls)`);
      assert.equal(vidu.made('ad').length, 1, 'Vidu made one task');
      assert.equal(new Set(vidu.calls.createAdTask.map((c) => c.attemptMarker)).size, 1, 'a refusal made nothing: the tries share one attempt marker');
      assert.equal(result.mainTaskId, vidu.made('ad')[0]!.id);
      assert.equal(result.creditsSpent, CHARGES.ad, 'charged once');
      assert.deepEqual(status.credits, { estimated: 600, reserved: 0, spent: CHARGES.ad, limit: 1_000, overrun: 0 });
      assert.equal(status.waitingFor, undefined, 'the wait is cleared once the create went through');
      assert.ok(workflowMs >= 2 * HOUR, `two hours of workflow time passed (${Math.round(workflowMs / 60_000)} min)`);
      assert.ok(wallMs < 60_000, `in seconds of wall time (${wallMs} ms)`);

      // Each refusal was waited out on a durable timer that names it.
      const timers = ((await handle.fetchHistory()).events ?? []).filter((e) => e.timerStartedEventAttributes);
      assert.ok(timers.length >= creates - 1, `a timer per refusal (${timers.length} timers, ${creates} creates)`);
    });
  });

  it('fails as ViduOutageBudgetExhausted once the refusals outlast the outage budget, and refunds the reservation', async () => {
    const vidu = new FakeVidu({ create: () => ({ refuse: failures.rateLimited() }) });
    await withAd(ts, vidu, adInput('outage-budget', { maxCredits: 1_000, outageBudgetMs: HOUR }), async (handle) => {
      const failure = await adFailure(handle.result());
      assert.equal(failure.type, FAILURE_TYPES.outageBudgetExhausted);
      assert.match(failure.message, /creating the ad at Vidu: Vidu kept failing for 60m, past the outage budget of 60m \(ViduRateLimited/);

      const workflowMs = await workflowTimeMs(handle);
      assert.ok(workflowMs >= HOUR && workflowMs < HOUR + 10 * 60_000, `the ad gave up after its hour (${Math.round(workflowMs / 60_000)} min)`);
      const status = await handle.query(statusQuery);
      assert.equal(status.stage, 'failed');
      assert.match(status.lastError ?? '', /outage budget/);
      assert.equal(vidu.made('ad').length, 0, 'Vidu made nothing');
      assert.ok(vidu.calls.createAdTask.length > 5);
      // A refused create spent nothing: its reservation and the compose's are released.
      assert.deepEqual(status.credits, { estimated: 0, reserved: 0, spent: 0, limit: 1_000, overrun: 0 });
    });
  });
});
