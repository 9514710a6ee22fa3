// Credits are never spent twice: requests that took effect although the
// answer was lost ("apply then drop") are found again instead of repeated,
// a create with an unknown outcome fails with a type that says so, rate
// limits are retried, and a final rejection fails only the edit it concerns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import { statusQuery } from '../../src/workflows/ad/contract';
import { failedRun, FAST_POLLING, suiteHarness, uniqueAdId, waitForStatus } from './harness';

describe('credits safety', () => {
  // A short client timeout, so that "apply then drop: timeout" ends quickly.
  const h = suiteHarness({ viduTimeoutMs: 1_000 });

  it('does not pay twice for an edit or a compose whose answer was lost', async () => {
    h.sim.setFaults({
      http: [
        { endpoint: 'edit', applyThenDrop: 'reset', times: 1 },
        { endpoint: 'compose', applyThenDrop: 'timeout', times: 1 },
      ],
    });
    try {
      await h.withWorker(async (taskQueue) => {
        const handle = await h.startAd(taskQueue, {
          adId: uniqueAdId('dropped-answers'),
          edits: [{ kind: 'video', storyboardIndex: 0, prompt: 'the answer to this one is lost' }],
        });
        const result = await handle.result();
        assert.equal(result.outcome, 'composed');
        const perAd = h.sim.counters().perAd[result.mainTaskId]!;
        assert.deepEqual({ creates: perAd.creates, edits: perAd.edits, composes: perAd.composes }, { creates: 1, edits: 1, composes: 1 });
        assert.equal(result.creditsSpent, perAd.creditsCharged);

        const events = (await handle.fetchHistory()).events ?? [];
        const scheduled = new Map(events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [[String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name]] : [])));
        const retried = events
          .filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1)
          .map((e) => scheduled.get(String(e.activityTaskStartedEventAttributes!.scheduledEventId)));
        assert.deepEqual(retried.sort(), ['startCompose', 'startEdit'], 'both were retried, and the retries found the first requests');
      });
    } finally {
      h.sim.setFaults({});
    }
  });

  it('adopts the task of a create whose answer was lost, from the callback carrying its attempt marker', async () => {
    h.sim.setFaults({ http: [{ endpoint: 'create', applyThenDrop: 'reset', times: 1 }] });
    try {
      await h.withWorker(async (taskQueue) => {
        const createdBefore = h.sim.counters().tasksCreated.ad;
        const handle = await h.startAd(taskQueue, { adId: uniqueAdId('create-adopted') });
        const result = await handle.result();
        assert.equal(h.sim.counters().tasksCreated.ad, createdBefore + 1, 'the one task Vidu made, and no second');
        const perAd = h.sim.counters().perAd[result.mainTaskId]!;
        assert.equal(perAd.creates, 1);
        assert.equal(result.creditsSpent, perAd.creditsCharged);
        assert.equal((await handle.query(statusQuery)).stage, 'done');
      });
    } finally {
      h.sim.setFaults({});
    }
  });

  it('without callbacks, fails with ViduCreateOutcomeUnknown naming the attempt, and creates nothing more', async () => {
    h.sim.setFaults({ http: [{ endpoint: 'create', applyThenDrop: 'reset', times: 1 }] });
    try {
      await h.withWorker(
        async (taskQueue) => {
          const createdBefore = h.sim.counters().tasksCreated.ad;
          const handle = await h.startAd(taskQueue, { adId: uniqueAdId('create-unknown'), polling: FAST_POLLING });
          const err = await failedRun(handle, 'the ad should fail');
          assert.equal(err.cause.type, FAILURE_TYPES.createOutcomeUnknown);
          assert.match(err.cause.message, /may exist and be billed/);
          const marker = (err.cause.details?.[0] as { attemptMarker?: string } | undefined)?.attemptMarker;
          assert.match(marker ?? '', /^[0-9a-f-]{36}$/, 'the failure names the attempt, so an operator can find the task');
          assert.equal(h.sim.counters().tasksCreated.ad, createdBefore + 1, 'the one task Vidu made, and no second');
          assert.equal((await handle.query(statusQuery)).stage, 'failed');
        },
        { callbackPublicUrl: undefined },
      );
    } finally {
      h.sim.setFaults({});
    }
  });

  it('waits out a burst of rate limits on create, showing it in the status, and creates once', async () => {
    h.sim.setFaults({ http: [{ endpoint: 'create', error: { status: 429, code: 'QuotaExceeded' }, times: 8 }] });
    try {
      await h.withWorker(async (taskQueue) => {
        const before = h.sim.counters();
        const handle = await h.startAd(taskQueue, { adId: uniqueAdId('quota') });
        const waiting = await waitForStatus(handle, (s) => /refused for now/.test(s.waitingFor ?? ''), 'the rate-limit wait in the status');
        assert.match(waiting.waitingFor!, /QuotaExceeded/);
        const result = await handle.result();
        const afterwards = h.sim.counters();
        assert.equal(afterwards.apiCalls.create - before.apiCalls.create, 9, 'eight refusals, then the create');
        assert.equal(afterwards.perAd[result.mainTaskId]!.creates, 1);
        assert.equal((await handle.query(statusQuery)).waitingFor, undefined, 'no longer waiting');
      });
    } finally {
      h.sim.setFaults({});
    }
  });

  it('retries a rate-limited create and fails only the edit Vidu refuses for good', async () => {
    h.sim.setFaults({
      http: [
        { endpoint: 'create', error: { status: 429, code: 'TooManyRequests' }, times: 2 },
        { endpoint: 'edit', error: { status: 400, code: 'CreditInsufficient', message: 'insufficient credits' }, times: 1 },
      ],
    });
    try {
      await h.withWorker(async (taskQueue) => {
        const before = h.sim.counters();
        const handle = await h.startAd(taskQueue, {
          adId: uniqueAdId('rate-limited'),
          edits: [{ kind: 'bgm', prompt: 'refused for lack of credits' }],
        });
        const result = await handle.result();
        const afterwards = h.sim.counters();
        assert.equal(afterwards.apiCalls.create - before.apiCalls.create, 3, 'two refusals, then the create');
        assert.equal(afterwards.tasksCreated.ad - before.tasksCreated.ad, 1);
        assert.equal(afterwards.apiCalls.edit - before.apiCalls.edit, 1, 'a final refusal is not repeated');

        const status = await handle.query(statusQuery);
        assert.equal(status.edits[0]!.state, 'failed');
        assert.match(status.edits[0]!.error ?? '', /CreditInsufficient/);
        assert.equal(result.outcome, 'first-video', 'nothing changed, so nothing is composed');
        assert.equal(afterwards.perAd[result.mainTaskId]!.composes, 0);
      });
    } finally {
      h.sim.setFaults({});
    }
  });
});
