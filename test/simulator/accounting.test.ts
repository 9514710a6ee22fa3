import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, createAd, createSucceededAd, creations, startFastSimulator, startReceiver, waitFor, waitForState } from './helpers';

interface CreditsWire {
  remains: Array<{ type: string; credit_remain: number }>;
  concurrency_limit: number;
  current_concurrency: number;
  queue_count: number;
}

test('beyond the concurrency limit tasks wait in queueing, first come first served', async () => {
  // Tasks run "forever"; cancelling frees slots, so the order is checked without depending on time.
  const sim = await startFastSimulator({ concurrencyLimit: 2, timing: { queueMs: 0, processingMs: 600_000, progressSteps: 2 } });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await createAd(sim));
    const statesOf = () => Promise.all(ids.map(async (id) => (await creations(sim, id)).state));
    const busy = await waitFor('two running, three queued', async () => {
      const credits = (await api<CreditsWire>(sim, 'GET', '/ent/v2/credits')).body;
      return credits.current_concurrency === 2 && credits.queue_count === 3 && credits;
    });
    assert.equal(busy.concurrency_limit, 2);
    assert.deepEqual(await statesOf(), ['processing', 'processing', 'queueing', 'queueing', 'queueing']);

    await api(sim, 'POST', `/ent/v2/tasks/${ids[0]}/cancel`);
    await waitForState(sim, ids[2]!, 'processing');
    assert.deepEqual(await statesOf(), ['canceled', 'processing', 'processing', 'queueing', 'queueing']);
    await api(sim, 'POST', `/ent/v2/tasks/${ids[4]}/cancel`);
    await api(sim, 'POST', `/ent/v2/tasks/${ids[1]}/cancel`);
    await waitForState(sim, ids[3]!, 'processing');
    assert.deepEqual(await statesOf(), ['canceled', 'canceled', 'processing', 'processing', 'canceled']);
    const credits = (await api<CreditsWire>(sim, 'GET', '/ent/v2/credits')).body;
    assert.deepEqual([credits.current_concurrency, credits.queue_count], [2, 0]);
  } finally {
    await sim.close();
  }
});

test('a task finishing frees its slot for the next queued one', async () => {
  const sim = await startFastSimulator({ concurrencyLimit: 1 });
  try {
    const ids = [await createAd(sim), await createAd(sim), await createAd(sim)];
    for (const id of ids) await waitForState(sim, id, 'success');
    assert.equal((await api<CreditsWire>(sim, 'GET', '/ent/v2/credits')).body.current_concurrency, 0);
  } finally {
    await sim.close();
  }
});

test('credits are charged at creation, shown by /credits, and CreditInsufficient creates nothing', async () => {
  const sim = await startFastSimulator({ initialCredits: 1000 });
  try {
    const adId = await createSucceededAd(sim); // 600
    const second = await api(sim, 'POST', '/ent/v2/ad-one-click', { images: ['https://images.example/a.png'] });
    assert.deepEqual([second.status, second.body.reason], [400, 'CreditInsufficient']);
    assert.equal(sim.counters().tasksCreated.ad, 1);
    const credits = (await api<CreditsWire>(sim, 'GET', '/ent/v2/credits')).body;
    assert.deepEqual(credits.remains, [{ type: 'credit', credit_remain: 400 }]);
    const edit = await api(sim, 'POST', '/ent/v2/ad-one-click/edit', { ad_one_click_task_id: adId, type: 'generate_video', storyboard_video_index: 0, prompt: 'x' });
    assert.equal(edit.status, 200); // 200 credits
    const tooMuch = await api(sim, 'POST', '/ent/v2/ad-one-click/edit', { ad_one_click_task_id: adId, type: 'generate_video', storyboard_video_index: 0, prompt: 'y' });
    assert.equal(tooMuch.status, 200); // the last 200
    const broke = await api(sim, 'POST', '/ent/v2/ad-one-click/edit', { ad_one_click_task_id: adId, type: 'generate_bgm', prompt: 'z' });
    assert.deepEqual([broke.status, broke.body.reason], [400, 'CreditInsufficient']);
    const counters = sim.counters();
    assert.equal(counters.creditsCharged, 1000);
    assert.equal(counters.creditsRemaining, 0);
    assert.equal(counters.perAd[adId]!.creditsCharged, 1000);
    assert.equal(counters.tasksCreated.edit, 2);
  } finally {
    await sim.close();
  }
});

test('cancel: a running task becomes canceled, is refunded and calls back; finished tasks cannot be canceled', async () => {
  const sim = await startFastSimulator({ timing: { queueMs: 10, processingMs: 5_000, progressSteps: 5 } });
  const receiver = await startReceiver(sim.apiKey);
  try {
    const adId = await createAd(sim, { callback_url: receiver.url });
    await waitForState(sim, adId, 'processing');
    assert.equal(sim.counters().creditsCharged, 600);
    const canceled = await api(sim, 'POST', `/ent/v2/tasks/${adId}/cancel`);
    assert.equal(canceled.status, 200);
    assert.equal(canceled.body.state, 'canceled');
    const after = await creations(sim, adId);
    assert.equal(after.state, 'canceled');
    assert.equal(after.credits, 0);
    assert.equal(sim.counters().creditsCharged, 0);
    assert.equal(sim.counters().creditsRemaining, 100_000);
    await waitFor('canceled callback', () => receiver.received.some((c) => c.body.state === 'canceled'));
    const again = await api(sim, 'POST', `/ent/v2/tasks/${adId}/cancel`);
    assert.deepEqual([again.status, again.body.reason], [400, 'BadRequest']);
    const unknown = await api(sim, 'POST', '/ent/v2/tasks/999999999999999999/cancel');
    assert.deepEqual([unknown.status, unknown.body.reason], [404, 'TaskNotFound']);
    const credits = (await api<CreditsWire>(sim, 'GET', '/ent/v2/credits')).body;
    assert.equal(credits.current_concurrency, 0);
  } finally {
    await receiver.close();
    await sim.close();
  }
});

test('cancelling a queued edit refunds it and its record shows canceled', async () => {
  const sim = await startFastSimulator({ concurrencyLimit: 1, timing: { queueMs: 0, processingMs: 300, progressSteps: 2 } });
  try {
    const adId = await createSucceededAd(sim);
    const blocker = await createAd(sim); // occupies the only slot for a while
    const edit = await api(sim, 'POST', '/ent/v2/ad-one-click/edit', { ad_one_click_task_id: adId, type: 'generate_bgm', prompt: 'x' });
    const subTaskId = String(edit.body.sub_task_id);
    assert.equal(sim.counters().perAd[adId]!.creditsCharged, 630);
    const canceled = await api(sim, 'POST', `/ent/v2/tasks/${subTaskId}/cancel`);
    assert.equal(canceled.body.state, 'canceled');
    assert.equal(sim.counters().perAd[adId]!.creditsCharged, 600);
    const records = await api<{ data_records: { bgm_records: Array<{ id: string; state: string }> } }>(sim, 'GET', `/ent/v2/ad-one-click/${adId}`);
    const record = records.body.data_records.bgm_records.at(-1)!;
    assert.deepEqual([record.id, record.state], [subTaskId, 'canceled']);
    await waitForState(sim, blocker, 'success');
    // A produced record of a finished ad is finished too.
    const take = records.body.data_records.bgm_records[0]!.id;
    const refused = await api(sim, 'POST', `/ent/v2/tasks/${take}/cancel`);
    assert.equal(refused.status, 400);
  } finally {
    await sim.close();
  }
});
