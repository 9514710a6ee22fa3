// The notify activity's answers without a Temporal server: which receiver
// answers end it (delivered, or a final refusal) and which Temporal retries,
// and that a worker without a signing secret fails it permanently and clearly.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { notifyAdFinishedActivity, NOTIFY_FAILURES } from '../../src/activities/notifyAdFinished';
import type { ActivityDeps } from '../../src/activities/deps';
import type { NotifyAdFinishedInput } from '../../src/workflows/activityTypes';
import { startWebhookReceiver, type WebhookReceiver } from '../notify/webhookReceiver';

const SECRET = `whsec_${Buffer.from('another test secret, 24+ bytes long').toString('base64')}`;
const QUIET = new DefaultLogger('ERROR');

function run(notify: ActivityDeps['notify'], input: NotifyAdFinishedInput) {
  const activity = notifyAdFinishedActivity({ notify } as ActivityDeps);
  return new MockActivityEnvironment({}, { logger: QUIET }).run(activity, input);
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => assert.fail('the activity should fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApplicationFailure, `got ${String(err)}`);
  return err;
}

describe('notifyAdFinished activity', () => {
  let receiver: WebhookReceiver;
  let input: NotifyAdFinishedInput;
  before(async () => {
    receiver = await startWebhookReceiver(SECRET);
    input = { url: receiver.url, webhookId: 'msg_ad-1_run-1', notification: { type: 'ad.finished', timestamp: new Date().toISOString(), data: { adId: 'ad-1', stage: 'done' } } };
  });
  after(async () => {
    await receiver?.close();
  });

  it('answers the status of a 2xx and sends the signed body', async () => {
    receiver.script = [204];
    assert.deepEqual(await run({ signingSecret: SECRET, allowPrivateHosts: true }, input), { status: 204 });
    const last = receiver.received.at(-1)!;
    assert.equal(last.verifiedId, 'msg_ad-1_run-1');
    assert.deepEqual(JSON.parse(last.body), input.notification);
  });

  it('leaves 5xx, 408 and 429 to Temporal to retry, and gives up on 404', async () => {
    receiver.script = [503, 408, 429, 404];
    const notify = { signingSecret: SECRET, allowPrivateHosts: true };
    for (const status of [503, 408, 429]) {
      const failure = await failureOf(run(notify, input));
      assert.equal(failure.type, NOTIFY_FAILURES.notDelivered);
      assert.equal(failure.nonRetryable, false, `HTTP ${status} is retried`);
    }
    const final = await failureOf(run(notify, input));
    assert.equal(final.type, NOTIFY_FAILURES.rejected);
    assert.equal(final.nonRetryable, true);
    assert.match(final.message, /HTTP 404/);
  });

  it('retries when nothing answers', async () => {
    const failure = await failureOf(run({ signingSecret: SECRET, allowPrivateHosts: true }, { ...input, url: 'http://127.0.0.1:9/closed' }));
    assert.equal(failure.type, NOTIFY_FAILURES.notDelivered);
    assert.equal(failure.nonRetryable, false);
  });

  it('fails permanently without a signing secret, and for a private host unless allowed', async () => {
    const sent = receiver.received.length;
    const missing = await failureOf(run(undefined, input));
    assert.equal(missing.type, NOTIFY_FAILURES.secretMissing);
    assert.equal(missing.nonRetryable, true);
    assert.match(missing.message, /NOTIFY_SIGNING_SECRET/);
    const refused = await failureOf(run({ signingSecret: SECRET }, input));
    assert.equal(refused.type, NOTIFY_FAILURES.targetRefused);
    assert.equal(refused.nonRetryable, true);
    assert.equal(receiver.received.length, sent, 'nothing was sent');
  });
});
