import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ViduSimulator } from '../../src/simulator/index';
import { api, createAd, createSucceededAd, creations, SAMPLE_IMAGE, startFastSimulator, startReceiver, waitFor, waitForState } from './helpers';

let sim: ViduSimulator;
before(async () => {
  sim = await startFastSimulator();
});
after(() => sim.close());
beforeEach(() => sim.reset());

const createBody = { images: [SAMPLE_IMAGE] };

test('an HTTP error fault answers the error `times` times and the request has no effect', async () => {
  sim.setFaults({ http: [{ endpoint: 'create', error: { status: 500, code: 'InternalServiceFailure', message: 'boom' }, times: 2 }] });
  const first = await api(sim, 'POST', '/ent/v2/ad-one-click', createBody);
  const second = await api(sim, 'POST', '/ent/v2/ad-one-click', createBody);
  assert.deepEqual([first.status, first.body.reason, first.body.message, first.body.code], [500, 'InternalServiceFailure', 'boom', 500]);
  assert.equal(second.status, 500);
  assert.equal(sim.counters().tasksCreated.ad, 0);
  assert.equal(sim.counters().creditsCharged, 0);
  const third = await api(sim, 'POST', '/ent/v2/ad-one-click', createBody);
  assert.equal(third.status, 200, 'the rule is spent');
  assert.equal(sim.counters().apiCalls.create, 3);
  assert.equal(sim.counters().tasksCreated.ad, 1);
});

test('HTTP faults can target one task, every endpoint, or a rate of 0', async () => {
  const a = await createAd(sim);
  const b = await createAd(sim);
  sim.setFaults({
    http: [
      { endpoint: 'creations', taskId: a, error: { status: 429, code: 'TooManyRequests' } },
      { endpoint: 'credits', rate: 0, error: { status: 500, code: 'InternalServiceFailure' } },
    ],
  });
  assert.equal((await api(sim, 'GET', `/ent/v2/tasks/${a}/creations`)).body.reason, 'TooManyRequests');
  assert.equal((await api(sim, 'GET', `/ent/v2/tasks/${b}/creations`)).status, 200);
  assert.equal((await api(sim, 'GET', '/ent/v2/credits')).status, 200);
  sim.setFaults({ http: [{ endpoint: '*', error: { status: 503, code: 'SystemThrottling' } }] });
  assert.equal((await api(sim, 'GET', '/ent/v2/credits')).status, 503);
  assert.equal((await api(sim, 'GET', `/ent/v2/ad-one-click/${a}`)).status, 503);
  sim.setFaults({ http: [{ endpoint: 'edit', taskId: a, error: { status: 500, code: 'InternalServiceFailure' } }] });
  await waitForState(sim, a, 'success');
  const editA = await api(sim, 'POST', '/ent/v2/ad-one-click/edit', { ad_one_click_task_id: a, type: 'generate_bgm', prompt: 'x' });
  assert.equal(editA.status, 500, 'matched through ad_one_click_task_id in the body');
});

test('a latency fault holds the request before it takes effect', async () => {
  sim.setFaults({ http: [{ endpoint: 'create', latencyMs: 60_000, times: 1 }, { endpoint: 'credits', latencyMs: 20 }] });
  const abort = new AbortController();
  let settled = false;
  const held = fetch(`${sim.url}/ent/v2/ad-one-click`, {
    method: 'POST',
    headers: { Authorization: `Token ${sim.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(createBody),
    signal: abort.signal,
  }).finally(() => {
    settled = true;
  });
  await waitFor('the request to arrive', () => sim.counters().apiCalls.create === 1);
  const slowCredits = await api(sim, 'GET', '/ent/v2/credits');
  assert.equal(slowCredits.status, 200, 'a short latency ends with the normal answer');
  assert.equal(sim.counters().tasksCreated.ad, 0, 'the held create has not been handled');
  assert.equal(settled, false);
  abort.abort();
  await assert.rejects(held);
  assert.equal((await api(sim, 'POST', '/ent/v2/ad-one-click', createBody)).status, 200, 'spent after one');
});

test('applyThenDrop reset: the create takes effect and is charged, then the connection is reset', async () => {
  sim.setFaults({ http: [{ endpoint: 'create', applyThenDrop: 'reset', times: 1 }] });
  await assert.rejects(fetch(`${sim.url}/ent/v2/ad-one-click`, {
    method: 'POST',
    headers: { Authorization: `Token ${sim.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(createBody),
  }));
  const counters = sim.counters();
  assert.equal(counters.tasksCreated.ad, 1);
  assert.equal(counters.creditsCharged, 600);
  assert.deepEqual(Object.values(counters.perAd), [{ creates: 1, edits: 0, composes: 0, creditsCharged: 600 }]);
  assert.equal((await api(sim, 'POST', '/ent/v2/ad-one-click', createBody)).status, 200, 'spent after one');
});

test('applyThenDrop timeout: the edit takes effect and is charged, and no answer ever comes', async () => {
  const adId = await createSucceededAd(sim);
  sim.setFaults({ http: [{ endpoint: 'edit', applyThenDrop: 'timeout' }] });
  const abort = new AbortController();
  let settled = false;
  const call = fetch(`${sim.url}/ent/v2/ad-one-click/edit`, {
    method: 'POST',
    headers: { Authorization: `Token ${sim.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ ad_one_click_task_id: adId, type: 'generate_video', storyboard_video_index: 0, prompt: 'x' }),
    signal: abort.signal,
  }).finally(() => {
    settled = true;
  });
  await waitFor('the edit to take effect', () => sim.counters().tasksCreated.edit === 1);
  // The sub-task runs to completion while the caller still waits.
  const records = await api<{ data_records: { storyboards: Array<{ records: Array<{ id: string }> }> } }>(sim, 'GET', `/ent/v2/ad-one-click/${adId}`);
  const subTaskId = records.body.data_records.storyboards[0]!.records.at(-1)!.id;
  await waitForState(sim, subTaskId, 'success');
  assert.equal(settled, false, 'still unanswered');
  assert.equal(sim.counters().perAd[adId]!.creditsCharged, 800);
  abort.abort();
  await assert.rejects(call);
});

test('callback drop: no callback is sent and each is counted as dropped', async () => {
  const receiver = await startReceiver(sim.apiKey);
  try {
    sim.setFaults({ callbacks: { drop: 1 } });
    const id = await createAd(sim, { callback_url: receiver.url });
    await waitForState(sim, id, 'success');
    await waitFor('three drops', () => sim.counters().callbacks.dropped === 3);
    assert.equal(sim.counters().callbacks.sent, 0);
    assert.equal(receiver.received.length, 0);
  } finally {
    await receiver.close();
  }
});

test('callback duplicate: every callback arrives twice with the same body and fresh nonces', async () => {
  const receiver = await startReceiver(sim.apiKey);
  try {
    sim.setFaults({ callbacks: { duplicate: 1 } });
    await createAd(sim, { callback_url: receiver.url });
    await waitFor('six callbacks', () => receiver.received.length === 6);
    assert.deepEqual(receiver.received.map((c) => c.body.state), ['queueing', 'queueing', 'processing', 'processing', 'success', 'success']);
    for (let i = 0; i < 6; i += 2) {
      const [a, b] = [receiver.received[i]!, receiver.received[i + 1]!];
      assert.deepEqual(a.body, b.body);
      assert.notEqual(a.headers['x-request-nonce'], b.headers['x-request-nonce']);
      assert.ok(a.verified.ok && b.verified.ok);
    }
  } finally {
    await receiver.close();
  }
});

test('callback delay: callbacks wait the delay while the task runs on, then arrive in order', async () => {
  const receiver = await startReceiver(sim.apiKey);
  try {
    sim.setFaults({ callbacks: { delayMs: 60_000 } });
    const held = await createAd(sim, { callback_url: receiver.url });
    await waitForState(sim, held, 'success');
    assert.equal(sim.counters().callbacks.sent, 0, 'a long delay holds every callback back');
    assert.equal(receiver.received.length, 0);

    sim.reset(); // drops the held callbacks
    sim.setFaults({ callbacks: { delayMs: 30 } });
    const id = await createAd(sim, { callback_url: receiver.url });
    await waitFor('three callbacks', () => receiver.received.length === 3);
    assert.deepEqual(receiver.received.map((c) => [c.body.id, c.body.state]), [
      [id, 'queueing'],
      [id, 'processing'],
      [id, 'success'],
    ]);
  } finally {
    await receiver.close();
  }
});

test('callback reorder: a task`s callbacks arrive newest first; taskId limits a callback fault to one task', async () => {
  const receiver = await startReceiver(sim.apiKey);
  const other = await startReceiver(sim.apiKey);
  try {
    sim.setFaults({ callbacks: { reorder: true } });
    await createAd(sim, { callback_url: receiver.url });
    await waitFor('three callbacks', () => receiver.received.length === 3);
    assert.deepEqual(receiver.received.map((c) => c.body.state), ['success', 'processing', 'queueing']);

    const target = await createAd(sim, { callback_url: receiver.url });
    sim.setFaults({ callbacks: { taskId: target, drop: 1 } });
    await createAd(sim, { callback_url: other.url });
    await waitFor('other task callbacks', () => other.received.length === 3);
    await waitForState(sim, target, 'success');
    assert.ok(receiver.received.slice(3).every((c) => c.body.id === target && c.body.state === 'queueing'), 'only its pre-fault callback');
    assert.ok(sim.counters().callbacks.dropped >= 2);
  } finally {
    await receiver.close();
    await other.close();
  }
});

test('task failure faults: the next N tasks of a kind fail with the err_code and are refunded', async () => {
  sim.setFaults({
    taskFailures: [
      { kind: 'ad', errCode: 'CreationPolicyViolation', times: 1 },
      { kind: 'edit', editType: 'generate_narration', errCode: 'TaskPromptPolicyViolation' },
      { kind: 'compose', errCode: 'InternalServiceFailure' },
    ],
  });
  const doomed = await createAd(sim);
  const failed = await waitForState(sim, doomed, 'failed');
  assert.equal(failed.err_code, 'CreationPolicyViolation');
  assert.equal(failed.credits, 0);
  assert.deepEqual(failed.creations, []);
  assert.equal(sim.counters().creditsCharged, 0);
  const subRecords = await api<{ state: string; err_code: string; data_records: { storyboards: unknown[] } }>(sim, 'GET', `/ent/v2/ad-one-click/${doomed}`);
  assert.deepEqual([subRecords.body.state, subRecords.body.err_code, subRecords.body.data_records.storyboards], ['failed', 'CreationPolicyViolation', []]);

  const adId = await createSucceededAd(sim);
  const video = await api(sim, 'POST', '/ent/v2/ad-one-click/edit', { ad_one_click_task_id: adId, type: 'generate_video', storyboard_video_index: 0, prompt: 'x' });
  const narration = await api(sim, 'POST', '/ent/v2/ad-one-click/edit', { ad_one_click_task_id: adId, type: 'generate_narration', prompt: 'x' });
  await waitForState(sim, String(video.body.sub_task_id), 'success');
  const narrationDone = await waitForState(sim, String(narration.body.sub_task_id), 'failed');
  assert.equal(narrationDone.err_code, 'TaskPromptPolicyViolation');
  const records = await api<{ data_records: { narration_records: Array<{ id: string; state: string; err_code: string; creation_url: string }> } }>(
    sim,
    'GET',
    `/ent/v2/ad-one-click/${adId}`,
  );
  assert.deepEqual(records.body.data_records.narration_records.at(-1), {
    ...records.body.data_records.narration_records.at(-1),
    state: 'failed',
    err_code: 'TaskPromptPolicyViolation',
    creation_url: '',
  });

  const r = (await api<{ data_records: { storyboards: Array<{ records: Array<{ id: string }> }>; bgm_records: Array<{ id: string }>; narration_records: Array<{ id: string }> } }>(sim, 'GET', `/ent/v2/ad-one-click/${adId}`)).body.data_records;
  const compose = await api(sim, 'POST', '/ent/v2/ad-one-click/compose', {
    ad_one_click_task_id: adId,
    video_task_ids: r.storyboards.map((s) => s.records[0]!.id),
    bgm_task_id: r.bgm_records[0]!.id,
    narration_task_id: r.narration_records[0]!.id,
  });
  const composeDone = await waitForState(sim, String(compose.body.compose_sub_task_id), 'failed');
  assert.equal(composeDone.err_code, 'InternalServiceFailure');
  assert.equal(sim.counters().perAd[adId]!.creditsCharged, 600 + 200, 'failed edit and compose are refunded');
  assert.equal((await creations(sim, adId)).state, 'success');
});

test('setFaults rejects a malformed config; reset clears faults', async () => {
  assert.throws(() => sim.setFaults({ http: [{ endpoint: 'nope' as never, latencyMs: 5 }] }), /bad fault config/);
  assert.throws(() => sim.setFaults({ http: [{ endpoint: 'create' }] }), /no effect/);
  assert.throws(() => sim.setFaults({ callbacks: { drop: 2 } }), /drop/);
  sim.setFaults({ http: [{ endpoint: 'credits', error: { status: 500, code: 'InternalServiceFailure' } }] });
  assert.equal((await api(sim, 'GET', '/ent/v2/credits')).status, 500);
  sim.reset();
  assert.equal((await api(sim, 'GET', '/ent/v2/credits')).status, 200);
});
