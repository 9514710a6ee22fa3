// The client against the Vidu simulator: every endpoint, end to end, with the
// simulator's real validation, lifecycle, signed media URLs and fault injection.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { isFinalState, type TaskCreations } from '../../src/vidu/apiTypes';
import { ViduApiError, ViduNetworkError } from '../../src/vidu/errors';
import { ViduClient, downloadMedia } from '../../src/vidu/viduClient';
import { startViduSimulator, type ViduSimulator } from '../../src/simulator';
import { dataUri, tinyPng } from './tinyImages';

let sim: ViduSimulator;
let client: ViduClient;

before(async () => {
  sim = await startViduSimulator({ timing: { queueMs: 5, processingMs: 30, progressSteps: 2 } });
  client = new ViduClient({ baseUrl: sim.url, apiKey: sim.apiKey });
});

after(async () => {
  await client.close();
  await sim.close();
});

beforeEach(() => sim.reset());

/** Polls until the task reaches a final state (the deadline only guards against a hang). */
async function waitForFinal(taskId: string): Promise<TaskCreations> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const task = await client.getCreations(taskId);
    if (isFinalState(task.state)) return task;
    if (Date.now() > deadline) assert.fail(`task ${taskId} still ${task.state}`);
    await sleep(10);
  }
}

async function readAll(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

test('create, poll, read sub-records, edit all three kinds, compose, download and credits', async () => {
  const creditsBefore = await client.getCredits();
  assert.ok(creditsBefore.remains.length > 0);
  assert.equal(creditsBefore.concurrency_limit, 5);

  const created = await client.createAd({
    images: ['https://cdn.example.com/product.png', dataUri('image/png', tinyPng(200, 100))],
    prompt: 'Summer sale',
    duration: 10,
    aspect_ratio: '9:16',
    language: 'en',
  });
  assert.ok(created.task_id);
  assert.equal(created.duration, 10);
  assert.ok(created.credits > 0);

  const main = await waitForFinal(created.task_id);
  assert.equal(main.state, 'success');
  assert.equal(main.progress, 100);
  assert.ok(main.creations[0]?.url.startsWith(sim.url));

  const records = await client.getAdSubRecords(created.task_id);
  const { storyboards, narration_records, bgm_records } = records.data_records;
  assert.ok(storyboards.length > 0);
  assert.deepEqual(
    storyboards.map((s) => s.storyboard_id),
    storyboards.map((_, i) => i),
  );
  assert.ok(narration_records.length > 0 && bgm_records.length > 0);

  const video = await client.edit({ ad_one_click_task_id: created.task_id, type: 'generate_video', storyboard_video_index: 0, prompt: 'closer on the bottle' });
  const narration = await client.edit({ ad_one_click_task_id: created.task_id, type: 'generate_narration', prompt: 'Fresh for summer.', payload: 'n-1' });
  const bgm = await client.edit({ ad_one_click_task_id: created.task_id, type: 'generate_bgm', prompt: 'light jazz' });
  for (const edit of [video, narration, bgm]) assert.equal((await waitForFinal(edit.sub_task_id)).state, 'success');
  assert.equal((await client.getCreations(narration.sub_task_id)).payload, 'n-1');

  const videoIds = storyboards.map((s, i) => (i === 0 ? video.sub_task_id : s.records[0]!.id));
  const composed = await client.compose(
    { ad_one_click_task_id: created.task_id, video_task_ids: videoIds, narration_task_id: narration.sub_task_id, bgm_task_id: bgm.sub_task_id },
    { storyboardCount: storyboards.length },
  );
  const final = await waitForFinal(composed.compose_sub_task_id);
  assert.equal(final.state, 'success');

  const updated = await client.getAdSubRecords(created.task_id);
  assert.equal(updated.data_records.storyboards[0]!.records.at(-1)!.id, video.sub_task_id);
  const record = updated.data_records.completed_creation_records.find((r) => r.id === composed.compose_sub_task_id);
  assert.deepEqual(record?.params, { video_task_ids: videoIds, bgm_task_id: bgm.sub_task_id, narration_task_id: narration.sub_task_id });

  const media = await downloadMedia(final.creations[0]!.url);
  assert.equal(media.contentType, 'video/mp4');
  const bytes = await readAll(media.body);
  assert.ok(bytes.length > 0);
  assert.equal(bytes.length, media.contentLength);
  const cover = await downloadMedia(final.creations[0]!.cover_url);
  assert.equal(cover.contentType, 'image/png');
  await readAll(cover.body);

  const creditsAfter = await client.getCredits();
  assert.ok(creditsAfter.remains[0]!.credit_remain < creditsBefore.remains[0]!.credit_remain);
  assert.deepEqual(sim.counters().tasksCreated, { ad: 1, edit: 3, compose: 1 });
});

test('cancelTask cancels a running task', async () => {
  const created = await client.createAd({ images: ['https://cdn.example.com/product.png'] });
  await client.cancelTask(created.task_id);
  const task = await waitForFinal(created.task_id);
  assert.equal(task.state, 'canceled');
  assert.equal(sim.counters().apiCalls.cancel, 1);
});

test('Vidu errors arrive as ViduApiError with code, trace id and retryability', async () => {
  const missing = await client.getCreations('123456').catch((err: unknown) => err);
  assert.ok(missing instanceof ViduApiError);
  assert.deepEqual([missing.status, missing.code, missing.retryable], [404, 'TaskNotFound', false]);
  assert.ok(missing.traceId);

  const wrongKey = new ViduClient({ baseUrl: sim.url, apiKey: 'not-the-key' });
  try {
    const unauthorized = await wrongKey.getCredits().catch((err: unknown) => err);
    assert.ok(unauthorized instanceof ViduApiError);
    assert.deepEqual([unauthorized.status, unauthorized.code], [401, 'Unauthorized']);
  } finally {
    await wrongKey.close();
  }

  sim.setFaults({ http: [{ endpoint: 'create', error: { status: 429, code: 'QuotaExceeded' }, times: 1 }] });
  const throttled = await client.createAd({ images: ['https://cdn.example.com/p.png'] }).catch((err: unknown) => err);
  assert.ok(throttled instanceof ViduApiError);
  assert.deepEqual([throttled.status, throttled.code, throttled.retryable], [429, 'QuotaExceeded', true]);
  assert.equal(sim.counters().tasksCreated.ad, 0);
});

test('a create applied but never answered is an unknown outcome, not to be retried blindly', async () => {
  sim.setFaults({ http: [{ endpoint: 'create', applyThenDrop: 'reset', times: 1 }] });
  const reset = await client.createAd({ images: ['https://cdn.example.com/p.png'] }).catch((err: unknown) => err);
  assert.ok(reset instanceof ViduNetworkError, String(reset));
  assert.equal(reset.outcome, 'unknown');
  assert.equal(reset.retryable, false);
  // The simulator did create (and bill) the task.
  assert.equal(sim.counters().tasksCreated.ad, 1);

  sim.setFaults({ http: [{ endpoint: 'creations', applyThenDrop: 'timeout', times: 1 }] });
  const timedOut = await client.getCreations('123', { timeoutMs: 150 }).catch((err: unknown) => err);
  assert.ok(timedOut instanceof ViduNetworkError, String(timedOut));
  assert.equal(timedOut.code, 'UND_ERR_HEADERS_TIMEOUT');
  assert.equal(timedOut.retryable, true);
});

test('a tampered media URL answers 403: MediaUnavailable, not retryable', async () => {
  const created = await client.createAd({ images: ['https://cdn.example.com/product.png'] });
  const task = await waitForFinal(created.task_id);
  const tampered = task.creations[0]!.url.replace(/sig=[^&]+/, 'sig=forged');
  const err = await downloadMedia(tampered).catch((e: unknown) => e);
  assert.ok(err instanceof ViduApiError);
  assert.deepEqual([err.status, err.code, err.retryable], [403, 'MediaUnavailable', false]);
});
