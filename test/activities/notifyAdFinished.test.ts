// The notify activity's answers without a Temporal server: which receiver
// answers end it (delivered, or a final refusal) and which Temporal retries,
// and that a worker without a signing secret fails it permanently and clearly.
import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { failureOf } from '../support/activityFailure';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { notifyAdFinishedActivity, NOTIFY_FAILURES } from '../../src/activities/notifyAdFinished';
import type { ActivityDeps } from '../../src/activities/deps';
import { PrivateAddressError, publicOnlyLookup } from '../../src/notify/webhookDelivery';
import type { NotifyAdFinishedInput } from '../../src/workflows/ad/activityContract';
import { startWebhookReceiver, type WebhookReceiver } from '../notify/webhookReceiver';

const SECRET = `whsec_${Buffer.from('another test secret, 24+ bytes long').toString('base64')}`;
const QUIET = new DefaultLogger('ERROR');

function run(notify: ActivityDeps['notify'], input: NotifyAdFinishedInput) {
  const activity = notifyAdFinishedActivity({ notify } as ActivityDeps);
  return new MockActivityEnvironment({}, { logger: QUIET }).run(activity, input);
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

  it('refuses a host name that resolves to a private or loopback address, looked up when connecting', async () => {
    // The machine's own name is a public-looking name that resolves to loopback here (a DNS answer could do the same).
    const name = hostname();
    const addresses = await lookup(name, { all: true }).catch(() => []);
    if (name === 'localhost' || addresses.length === 0 || !addresses.every((a) => a.address.startsWith('127.') || a.address === '::1')) return;
    const sent = receiver.received.length;
    const url = new URL(receiver.url);
    url.hostname = name;
    const refused = await failureOf(run({ signingSecret: SECRET, allowPrivateHosts: false }, { ...input, url: url.toString() }));
    assert.equal(refused.type, NOTIFY_FAILURES.targetRefused);
    assert.equal(refused.nonRetryable, true);
    assert.match(refused.message, /resolves to 127\./);
    assert.equal(receiver.received.length, sent, 'nothing was sent');
  });
});

describe('publicOnlyLookup', () => {
  it('refuses names that resolve to loopback and passes the answer through for the others', async () => {
    const answer = (name: string, all: boolean) =>
      new Promise<{ err: Error | null; address: unknown }>((resolve) => publicOnlyLookup(name, { all }, (err, address) => resolve({ err, address })));
    const loopback = await answer('localhost', false);
    assert.ok(loopback.err instanceof PrivateAddressError, String(loopback.err));
    const literal = await answer('93.184.216.34', false);
    assert.equal(literal.err, null);
    assert.equal(literal.address, '93.184.216.34');
    const all = await answer('93.184.216.34', true);
    assert.deepEqual(all.address, [{ address: '93.184.216.34', family: 4 }]);
  });
});

