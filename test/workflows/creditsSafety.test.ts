// Credits are never spent twice: requests that took effect although the
// answer was lost ("apply then drop") are found again instead of repeated,
// a create with an unknown outcome fails with a type that says so, rate
// limits are retried, and a final rejection fails only the edit it concerns.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { FAILURE_TYPES } from '../../src/workflows/failures';
import { statusQuery } from '../../src/workflows/messages';
import { openAdHarness, uniqueAdId, type AdHarness } from './harness';

describe('credits safety', () => {
  let h: AdHarness;
  before(async () => {
    // A short client timeout, so that "apply then drop: timeout" ends quickly.
    h = await openAdHarness({ viduTimeoutMs: 1_000 });
  });
  after(async () => {
    await h?.close();
  });

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

  it('fails with ViduCreateOutcomeUnknown, and creates nothing more, when the create answer is lost', async () => {
    h.sim.setFaults({ http: [{ endpoint: 'create', applyThenDrop: 'reset', times: 1 }] });
    try {
      await h.withWorker(async (taskQueue) => {
        const createdBefore = h.sim.counters().tasksCreated.ad;
        const handle = await h.startAd(taskQueue, { adId: uniqueAdId('create-unknown') });
        const err = await handle.result().then(
          () => assert.fail('the ad should fail'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure);
        assert.equal(err.cause.type, FAILURE_TYPES.createOutcomeUnknown);
        assert.match(err.cause.message, /may exist and be billed/);
        assert.equal(h.sim.counters().tasksCreated.ad, createdBefore + 1, 'the one task Vidu made, and no second');
        assert.equal((await handle.query(statusQuery)).stage, 'failed');
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
