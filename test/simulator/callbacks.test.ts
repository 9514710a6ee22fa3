import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ViduSimulator } from '../../src/simulator/index';
import { api, createAd, createSucceededAd, creations, startFastSimulator, startReceiver, waitFor } from './helpers';

let sim: ViduSimulator;
before(async () => {
  sim = await startFastSimulator({ apiKey: 'callback-test-key', callbackRetryDelayMs: 10 });
});
after(() => sim.close());
// reset() also stops callbacks still in flight from the previous test, so counters start at zero.
beforeEach(() => sim.reset());

test('each state change is POSTed to callback_url, signed with the API key, carrying the /creations body', async () => {
  const receiver = await startReceiver(sim.apiKey);
  try {
    const id = await createAd(sim, { callback_url: receiver.url });
    await waitFor('success callback', () => receiver.received.some((c) => c.body.state === 'success'));
    assert.deepEqual(receiver.received.map((c) => c.body.state), ['queueing', 'processing', 'success']);
    for (const callback of receiver.received) {
      assert.equal(callback.verified.ok, true, JSON.stringify(callback.verified));
      assert.equal(callback.headers['x-hmac-access-key'], 'vidu');
      assert.equal(callback.headers['x-hmac-signed-headers'], 'Date;x-request-nonce');
      assert.equal(callback.body.id, id);
      assert.equal(callback.url, receiver.url);
    }
    const nonces = new Set(receiver.received.map((c) => c.headers['x-request-nonce']));
    assert.equal(nonces.size, 3, 'every delivery has a fresh nonce');
    const final = receiver.received.at(-1)!.body;
    const queried = await creations(sim, id);
    assert.deepEqual(Object.keys(final).sort(), Object.keys(queried).sort());
    assert.equal(final.progress, 100);
    assert.equal(final.creations.length, 1);
    assert.equal(final.credits, 600);

    // Signed with another key, the same callback does not verify.
    const otherKey = await startReceiver('some-other-key');
    try {
      await createAd(sim, { callback_url: otherKey.url });
      await waitFor('a callback', () => otherKey.received.length > 0);
      assert.equal(otherKey.received[0]!.verified.ok, false);
    } finally {
      await otherKey.close();
    }
  } finally {
    await receiver.close();
  }
});

test('edits and composes call back on their own callback_url', async () => {
  const receiver = await startReceiver(sim.apiKey);
  try {
    const adId = await createSucceededAd(sim);
    const edit = await api(sim, 'POST', '/ent/v2/ad-one-click/edit', {
      ad_one_click_task_id: adId,
      type: 'generate_narration',
      prompt: 'new words',
      payload: 'p-1',
      callback_url: receiver.url,
    });
    await waitFor('edit success callback', () => receiver.received.some((c) => c.body.state === 'success'));
    assert.ok(receiver.received.every((c) => c.body.id === edit.body.sub_task_id && c.verified.ok));
    assert.equal(receiver.received.at(-1)!.body.payload, 'p-1');
  } finally {
    await receiver.close();
  }
});

test('a final callback answered non-2xx is retried 3 times, intermediate ones are not', async () => {
  const receiver = await startReceiver(sim.apiKey, () => 500);
  try {
    const before = sim.counters().callbacks;
    await createAd(sim, { callback_url: receiver.url });
    await waitFor('4 success attempts', () => receiver.received.filter((c) => c.body.state === 'success').length === 4);
    await waitFor('the callback to be given up', () => sim.counters().callbacks.failed - before.failed === 3);
    assert.deepEqual(receiver.received.map((c) => c.body.state), ['queueing', 'processing', 'success', 'success', 'success', 'success']);
    const after = sim.counters().callbacks;
    assert.equal(after.sent - before.sent, 6);
    assert.equal(after.retried - before.retried, 3);
    assert.equal(after.delivered - before.delivered, 0);
    const nonces = new Set(receiver.received.map((c) => c.headers['x-request-nonce']));
    assert.equal(nonces.size, 6);
  } finally {
    await receiver.close();
  }
});

test('a retry that gets 2xx ends the retries', async () => {
  // The first two success attempts fail, the third is accepted.
  let successAttempts = 0;
  const receiver = await startReceiver(sim.apiKey, (_n, body) => (body.state === 'success' && ++successAttempts <= 2 ? 503 : 204));
  try {
    const before = sim.counters().callbacks;
    await createAd(sim, { callback_url: receiver.url });
    await waitFor('delivered success', () => receiver.received.some((c) => c.body.state === 'success' && c.status === 204));
    await waitFor('counters to settle', () => sim.counters().callbacks.delivered - before.delivered === 3);
    assert.equal(receiver.received.filter((c) => c.body.state === 'success').length, 3);
    const after = sim.counters().callbacks;
    assert.equal(after.retried - before.retried, 2);
    assert.equal(after.failed - before.failed, 0);
  } finally {
    await receiver.close();
  }
});

test('an unreachable callback_url counts as failed deliveries and does not disturb the task', async () => {
  const closed = await startReceiver(sim.apiKey);
  await closed.close();
  const before = sim.counters().callbacks;
  const id = await createAd(sim, { callback_url: closed.url });
  await waitFor('three failed callbacks', () => sim.counters().callbacks.failed - before.failed === 3);
  assert.equal(sim.counters().callbacks.retried - before.retried, 3);
  assert.equal((await creations(sim, id)).state, 'success');
});

test('onCallbackSent reports each attempt before it is posted, with the nonce the receiver sees', async () => {
  const sent: Array<{ taskId: string; state: string; nonce: string; sentAt: number }> = [];
  const watched = await startFastSimulator({ apiKey: sim.apiKey, onCallbackSent: (s) => sent.push(s) });
  const receiver = await startReceiver(watched.apiKey);
  try {
    const before = Date.now();
    const id = await createAd(watched, { callback_url: receiver.url });
    await waitFor('success callback', () => receiver.received.some((c) => c.body.state === 'success'));
    assert.deepEqual(sent.map((s) => s.state), ['queueing', 'processing', 'success']);
    assert.ok(sent.every((s) => s.taskId === id && s.sentAt >= before && s.sentAt <= Date.now()));
    assert.deepEqual(sent.map((s) => s.nonce), receiver.received.map((c) => c.headers['x-request-nonce']));
  } finally {
    await receiver.close();
    await watched.close();
  }
});
