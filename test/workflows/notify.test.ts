// The completion webhook end to end: a signed POST to the ad's notifyUrl when
// it ends, retried after a 5xx under the same webhook-id; a failed ad
// notifies too (stage failed) and still fails with its own failure; a bad
// notifyUrl is refused, naming the field, by the starter and by the workflow.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CancelledFailure, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { adRequestIssues } from '../../src/starter/adRequest';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import { approveUpdate, editUpdate, statusQuery, type AdFinishedNotification } from '../../src/workflows/ad/contract';
import { startWebhookReceiver, type WebhookReceiver } from '../notify/webhookReceiver';
import { failedRun, FAST_POLLING, suiteHarness, uniqueAdId, waitForStatus } from './harness';

const SECRET = `whsec_${Buffer.from('a test secret of more than 24 bytes').toString('base64')}`;
const NOTIFY = { signingSecret: SECRET, allowPrivateHosts: true };

describe('completion webhook', () => {
  const h = suiteHarness();
  let receiver: WebhookReceiver;
  before(async () => {
    receiver = await startWebhookReceiver(SECRET);
  });
  after(async () => {
    await receiver?.close();
  });

  it('posts a signed notification when the ad is done, again after a 500, with the same webhook-id', async () => {
    const adId = uniqueAdId('notify-done');
    receiver.received.length = 0;
    receiver.script = [500];
    await h.withWorker(
      async (taskQueue) => {
        const handle = await h.startAd(taskQueue, { adId, polling: FAST_POLLING, notifyUrl: receiver.url });
        const result = await handle.result();

        assert.deepEqual(receiver.received.map((r) => r.answered), [500, 200]);
        const [first, second] = receiver.received;
        assert.ok(first!.verifiedId, 'the signature verifies with the shared secret');
        assert.equal(second!.verifiedId, first!.verifiedId, 'the retry carries the same webhook-id');
        assert.match(first!.verifiedId!, new RegExp(`^msg_${adId}_`));
        assert.equal(first!.body, second!.body, 'the retry sends the same body');
        const body = JSON.parse(second!.body) as AdFinishedNotification;
        assert.equal(body.type, 'ad.finished');
        assert.equal(body.data.adId, adId);
        assert.equal(body.data.stage, 'done');
        assert.deepEqual(body.data.result, result);
        assert.ok(!Number.isNaN(Date.parse(body.timestamp)));

        const status = await handle.query(statusQuery);
        assert.deepEqual(status.notification, { url: receiver.url, state: 'delivered', webhookId: first!.verifiedId });
        const takes = status.storyboards.flatMap((s) => s.takes).filter((t) => t.state === 'success');
        assert.ok(takes.length > 0 && takes.every((t) => t.media && t.cover), 'an ad without review keeps its takes before it is done');
      },
      { notify: NOTIFY },
    );
  });

  it('refuses requests to an ad that is done but still delivering its notification, in the words the API uses for a closed ad', async () => {
    const adId = uniqueAdId('notify-closing');
    receiver.received.length = 0;
    receiver.script = [500, 500];
    await h.withWorker(
      async (taskQueue) => {
        const handle = await h.startAd(taskQueue, { adId, polling: FAST_POLLING, notifyUrl: receiver.url });
        // Between stage done and the workflow's close, the notification's retries keep it running.
        await waitForStatus(handle, (s) => s.stage === 'done', 'stage done');
        const refusals = await Promise.all([
          handle.executeUpdate(editUpdate, { args: [{ kind: 'narration', prompt: 'too late' }] }).then(() => undefined, (e: unknown) => e),
          handle.executeUpdate(approveUpdate.name, { args: [{}] }).then(() => undefined, (e: unknown) => e),
        ]);
        for (const refusal of refusals) {
          assert.ok(refusal instanceof WorkflowUpdateFailedError, String(refusal));
          assert.match(refusal.cause?.message ?? '', /^stage: the ad has already finished \(done\)$/);
        }
        await handle.result();
      },
      { notify: NOTIFY },
    );
  });

  it('notifies a failed ad with stage failed and still fails with its own failure', async () => {
    const adId = uniqueAdId('notify-failed');
    receiver.received.length = 0;
    receiver.script = [];
    h.sim.setFaults({ taskFailures: [{ kind: 'ad', errCode: 'AuditSubmitIllegal' }] });
    try {
      await h.withWorker(
        async (taskQueue) => {
          const handle = await h.startAd(taskQueue, { adId, polling: FAST_POLLING, notifyUrl: receiver.url });
          const err = await failedRun(handle, 'the ad should fail');
          assert.equal(err.cause.type, FAILURE_TYPES.taskFailed);

          assert.equal(receiver.received.length, 1);
          const body = JSON.parse(receiver.received[0]!.body) as AdFinishedNotification;
          assert.equal(body.data.stage, 'failed');
          assert.equal(body.data.error?.type, FAILURE_TYPES.taskFailed);
          assert.match(body.data.error?.message ?? '', /AuditSubmitIllegal/);
          assert.equal(body.data.result, undefined);
          assert.equal((await handle.query(statusQuery)).notification?.state, 'delivered');
        },
        { notify: NOTIFY },
      );
    } finally {
      h.sim.setFaults({});
    }
  });

  it('notifies an ad cancelled through Temporal with stage cancelled', async () => {
    const adId = uniqueAdId('notify-cancelled');
    receiver.received.length = 0;
    receiver.script = [];
    await h.withWorker(
      async (taskQueue) => {
        const handle = await h.startAd(taskQueue, { adId, polling: FAST_POLLING, notifyUrl: receiver.url, review: { enabled: true, windowMs: 120_000, onTimeout: 'fail' } });
        await waitForStatus(handle, (s) => s.stage === 'review', 'the review stage');
        assert.equal((await handle.query(statusQuery)).notification?.state, 'pending');
        await handle.cancel();
        const err = await handle.result().then(
          () => assert.fail('the ad should end cancelled'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure, `got ${String(err)}`);
        assert.equal(receiver.received.length, 1);
        const body = JSON.parse(receiver.received[0]!.body) as AdFinishedNotification;
        assert.equal(body.data.stage, 'cancelled');
        assert.equal(body.data.error?.type, FAILURE_TYPES.adCancelled);
        assert.equal((await handle.query(statusQuery)).notification?.state, 'delivered');
      },
      { notify: NOTIFY },
    );
  });

  it('marks the notification failed, not the ad, when the worker refuses the host', async () => {
    const adId = uniqueAdId('notify-refused');
    receiver.received.length = 0;
    await h.withWorker(
      async (taskQueue) => {
        const handle = await h.startAd(taskQueue, { adId, polling: FAST_POLLING, notifyUrl: receiver.url });
        const result = await handle.result();
        assert.equal(result.adId, adId);
        const status = await handle.query(statusQuery);
        assert.equal(status.stage, 'done');
        assert.equal(status.notification?.state, 'failed');
        assert.match(status.notification?.error ?? '', /notifyUrl: must be a public http\(s\) URL \(127\.0\.0\.1 is a private or loopback address/);
        assert.equal(receiver.received.length, 0, 'nothing was sent');
      },
      { notify: { signingSecret: SECRET, allowPrivateHosts: false } },
    );
  });

  it('refuses a bad notifyUrl, naming the field, in the starter and in the workflow', async () => {
    const request = { adId: 'ok', images: ['https://example.com/a.png'] };
    for (const notifyUrl of ['ftp://example.com/hook', 'not a url', `https://example.com/${'x'.repeat(2048)}`, 42]) {
      const issues = adRequestIssues({ ...request, notifyUrl });
      assert.deepEqual(issues.map((i) => i.field), ['notifyUrl'], String(notifyUrl).slice(0, 40));
      assert.match(issues[0]!.rule, /absolute http\(s\) URL of at most 2048 characters/);
    }
    assert.deepEqual(adRequestIssues({ ...request, notifyUrl: 'https://hooks.example.com/ads?x=1' }), []);

    const adId = uniqueAdId('notify-bad-url');
    await h.withWorker(async (taskQueue) => {
      const handle = await h.startAd(taskQueue, { adId, notifyUrl: 'ftp://example.com/hook' });
      const err = await failedRun(handle, 'the ad should be refused');
      assert.equal(err.cause.type, FAILURE_TYPES.invalidInput);
      assert.match(err.cause.message, /^notifyUrl: must be an absolute http\(s\) URL/);
      assert.equal((await handle.query(statusQuery)).notification, undefined, 'no webhook for a URL that was refused');
    });
  });
});
