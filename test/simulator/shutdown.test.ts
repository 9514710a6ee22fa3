import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAd, SAMPLE_IMAGE, startFastSimulator, startReceiver, waitFor } from './helpers';

test('close() stops running tasks, delayed callbacks and unanswered requests, and frees the port', async () => {
  const sim = await startFastSimulator({ timing: { queueMs: 0, processingMs: 60_000, progressSteps: 2 } });
  const receiver = await startReceiver(sim.apiKey);
  try {
    sim.setFaults({ callbacks: { delayMs: 60_000 }, http: [{ endpoint: 'create', applyThenDrop: 'timeout', times: 1 }] });
    const held = fetch(`${sim.url}/ent/v2/ad-one-click`, {
      method: 'POST',
      headers: { Authorization: `Token ${sim.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ images: [SAMPLE_IMAGE], callback_url: receiver.url }),
    });
    await waitFor('the held create to take effect', () => sim.counters().tasksCreated.ad === 1);
    await createAd(sim, { callback_url: receiver.url });
    await sim.close();
    await assert.rejects(held, 'the unanswered request fails once the simulator closes');
    await assert.rejects(fetch(`${sim.url}/ent/v2/credits`), 'nothing listens any more');
    assert.equal(receiver.received.length, 0);
  } finally {
    await sim.close();
    await receiver.close();
  }
});

test('close() drops a request held by a latency fault without answering it', async () => {
  const sim = await startFastSimulator();
  try {
    sim.setFaults({ http: [{ endpoint: 'credits', latencyMs: 60_000 }] });
    const held = fetch(`${sim.url}/ent/v2/credits`, { headers: { Authorization: `Token ${sim.apiKey}` } });
    await waitFor('the request to arrive', () => sim.counters().apiCalls.credits === 1);
    await sim.close();
    await assert.rejects(held, (error: unknown) => error instanceof TypeError && /fetch failed/.test(error.message));
  } finally {
    await sim.close();
  }
});
