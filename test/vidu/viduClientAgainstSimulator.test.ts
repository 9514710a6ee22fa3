// The client against the Vidu simulator: every endpoint, end to end, with the
// simulator's real validation, lifecycle, signed media URLs and fault injection.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { isFinalState, type TaskCreations } from '../../src/vidu/apiTypes';
import { ViduAbortError, ViduApiError, ViduNetworkError, ViduValidationError } from '../../src/vidu/errors';
import { ViduClient, downloadMedia } from '../../src/vidu/viduClient';
import { startViduSimulator, type SimEndpoint, type ViduSimulator } from '../../src/simulator';
import { dataUri, tinyPng } from './tinyImages';

let sim: ViduSimulator;
let client: ViduClient;

before(async () => {
  sim = await startViduSimulator({ timing: { queueMs: 5, processingMs: 30, progressSteps: 2 }, media: 'placeholder' });
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

  const media = await downloadMedia(final.creations[0]!.url, { trustedOrigins: [client.origin] });
  assert.equal(media.contentType, 'video/mp4');
  const bytes = await readAll(media.body);
  assert.ok(bytes.length > 0);
  assert.equal(bytes.length, media.contentLength);
  const cover = await downloadMedia(final.creations[0]!.cover_url, { trustedOrigins: [client.origin] });
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
  const timedOut = await client.getCreations('123', { timeoutMs: 150, deadlineMs: 10_000 }).catch((err: unknown) => err);
  assert.ok(timedOut instanceof ViduNetworkError, String(timedOut));
  assert.equal(timedOut.code, 'UND_ERR_HEADERS_TIMEOUT');
  assert.equal(timedOut.retryable, true);
});

test('a tampered media URL answers 403: MediaUnavailable, not retryable', async () => {
  const created = await client.createAd({ images: ['https://cdn.example.com/product.png'] });
  const task = await waitForFinal(created.task_id);
  const tampered = task.creations[0]!.url.replace(/sig=[^&]+/, 'sig=forged');
  const err = await downloadMedia(tampered, { trustedOrigins: [client.origin] }).catch((e: unknown) => e);
  assert.ok(err instanceof ViduApiError);
  assert.deepEqual([err.status, err.code, err.retryable], [403, 'MediaUnavailable', false]);
});

const IMAGE = 'https://cdn.example.com/product.png';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return assert.fail('expected the call to fail');
}

/** Waits until the simulator has routed `count` requests to `endpoint` (the deadline only guards against a hang). */
async function untilCalled(endpoint: SimEndpoint, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (sim.counters().apiCalls[endpoint] < count) {
    if (Date.now() > deadline) assert.fail(`the simulator never saw call ${count} to ${endpoint}`);
    await sleep(5);
  }
}

test('ViduAbortError: aborting a call the simulator holds (latency fault) stops it and keeps the reason', async () => {
  sim.setFaults({ http: [{ endpoint: 'credits', latencyMs: 60_000 }] });
  const controller = new AbortController();
  const call = failure(client.getCredits({ signal: controller.signal }));
  await untilCalled('credits', 1);
  const reason = new Error('activity cancelled');
  controller.abort(reason);
  const err = await call;
  assert.ok(err instanceof ViduAbortError, String(err));
  assert.equal(err.reason, reason);
  assert.equal(err.retryable, false);
  assert.equal(err.endpoint, 'GET /ent/v2/credits');
  // The client is still usable once the fault is gone.
  sim.setFaults({});
  assert.ok((await client.getCredits()).remains.length > 0);
});

test('ViduValidationError: a request breaking a rule never reaches the simulator', async () => {
  const createsBefore = sim.counters().apiCalls.create;
  const create = await failure(client.createAd({ images: ['http://127.0.0.1:4010/product.png'], duration: 9 }));
  assert.ok(create instanceof ViduValidationError, String(create));
  assert.deepEqual(
    create.issues.map((i) => i.field),
    ['images[0]', 'duration'],
  );
  assert.match(create.issues[0]!.rule, /127\.0\.0\.1 is a private or loopback address/);
  assert.equal(create.retryable, false);

  const edit = await failure(client.edit({ ad_one_click_task_id: 'main-1', type: 'generate_bgm', storyboard_video_index: 0, prompt: 'jazz' }));
  assert.ok(edit instanceof ViduValidationError, String(edit));
  assert.equal(edit.issues[0]!.field, 'storyboard_video_index');

  const counters = sim.counters();
  assert.equal(counters.apiCalls.create, createsBefore);
  assert.equal(counters.apiCalls.edit, 0);
  assert.equal(counters.tasksCreated.ad, 0);
});

test('ViduNetworkError not-sent: a closed simulator refuses the connection, so even a create may be retried', async () => {
  const gone = await startViduSimulator();
  await gone.close();
  const closedClient = new ViduClient({ baseUrl: gone.url, apiKey: gone.apiKey });
  try {
    for (const call of [closedClient.createAd({ images: [IMAGE] }), closedClient.getCreations('123')]) {
      const err = await failure(call);
      assert.ok(err instanceof ViduNetworkError, String(err));
      assert.deepEqual([err.outcome, err.code, err.retryable], ['not-sent', 'ECONNREFUSED', true]);
    }
  } finally {
    await closedClient.close();
  }
});

test('CreditInsufficient: a create the balance cannot pay is a non-retryable ViduApiError and charges nothing', async () => {
  const poor = await startViduSimulator({ initialCredits: 100 });
  const poorClient = new ViduClient({ baseUrl: poor.url, apiKey: poor.apiKey });
  try {
    const err = await failure(poorClient.createAd({ images: [IMAGE], duration: 10 }));
    assert.ok(err instanceof ViduApiError, String(err));
    assert.deepEqual([err.status, err.code, err.retryable], [400, 'CreditInsufficient', false]);
    assert.ok(err.traceId);
    const counters = poor.counters();
    assert.deepEqual([counters.tasksCreated.ad, counters.creditsCharged, counters.creditsRemaining], [0, 0, 100]);
    assert.equal((await poorClient.getCredits()).remains[0]!.credit_remain, 100);
  } finally {
    await poorClient.close();
    await poor.close();
  }
});

test('retryable API errors: an injected 5xx and OperationInProcess, then the call succeeds', async () => {
  sim.setFaults({
    http: [
      { endpoint: 'credits', error: { status: 500, code: 'InternalServiceFailure' }, times: 1 },
      { endpoint: 'create', error: { status: 503, code: 'ServiceUnavailable', message: 'try again' }, times: 1 },
      { endpoint: 'edit', error: { status: 400, code: 'OperationInProcess' }, times: 1 },
    ],
  });
  const internal = await failure(client.getCredits());
  assert.ok(internal instanceof ViduApiError, String(internal));
  assert.deepEqual([internal.status, internal.code, internal.retryable], [500, 'InternalServiceFailure', true]);
  assert.ok(internal.traceId);

  const unavailable = await failure(client.createAd({ images: [IMAGE] }));
  assert.ok(unavailable instanceof ViduApiError, String(unavailable));
  assert.deepEqual([unavailable.status, unavailable.code, unavailable.viduMessage, unavailable.retryable], [503, 'ServiceUnavailable', 'try again', true]);
  assert.equal(sim.counters().tasksCreated.ad, 0);

  const busy = await failure(client.edit({ ad_one_click_task_id: 'main-1', type: 'generate_bgm', prompt: 'jazz' }));
  assert.ok(busy instanceof ViduApiError, String(busy));
  assert.deepEqual([busy.status, busy.code, busy.retryable], [400, 'OperationInProcess', true]);

  // Each fault fired once: the retries go through.
  assert.ok((await client.getCredits()).remains.length > 0);
  assert.ok((await client.createAd({ images: [IMAGE] })).task_id);
  assert.equal(sim.counters().tasksCreated.ad, 1);
});

test('401 Unauthorized: a wrong key is a non-retryable ViduApiError, and a create with it costs nothing', async () => {
  const wrongKey = new ViduClient({ baseUrl: sim.url, apiKey: 'not-the-key' });
  try {
    for (const call of [wrongKey.getCredits(), wrongKey.createAd({ images: [IMAGE] })]) {
      const err = await failure(call);
      assert.ok(err instanceof ViduApiError, String(err));
      assert.deepEqual([err.status, err.code, err.retryable], [401, 'Unauthorized', false]);
      assert.ok(!err.message.includes('not-the-key'));
    }
    assert.equal(sim.counters().tasksCreated.ad, 0);
  } finally {
    await wrongKey.close();
  }
});
