import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ViduSimulator } from '../../src/simulator/index';
import { seededRandom } from '../../src/simulator/seededRandom';
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

test('callback reorder: a task`s callbacks arrive newest first', async () => {
  const receiver = await startReceiver(sim.apiKey);
  try {
    sim.setFaults({ callbacks: { reorder: true } });
    await createAd(sim, { callback_url: receiver.url });
    await waitFor('three callbacks', () => receiver.received.length === 3);
    assert.deepEqual(receiver.received.map((c) => c.body.state), ['success', 'processing', 'queueing']);
  } finally {
    await receiver.close();
  }
});

test('a callback fault with taskId touches only that task`s callbacks', async () => {
  // Tasks that stay processing until cancelled, so the callbacks before and
  // after the fault is set are known exactly.
  const slow = await startFastSimulator({ timing: { queueMs: 0, processingMs: 60_000, progressSteps: 1 } });
  const receiver = await startReceiver(slow.apiKey);
  const other = await startReceiver(slow.apiKey);
  try {
    const target = await createAd(slow, { callback_url: receiver.url });
    await waitFor('the target`s queueing and processing callbacks', () => receiver.received.length === 2);
    slow.setFaults({ callbacks: { taskId: target, drop: 1 } });
    const bystander = await createAd(slow, { callback_url: other.url });
    await waitFor('the bystander`s queueing and processing callbacks', () => other.received.length === 2);
    assert.equal((await api(slow, 'POST', `/ent/v2/tasks/${target}/cancel`)).status, 200);
    assert.equal((await api(slow, 'POST', `/ent/v2/tasks/${bystander}/cancel`)).status, 200);
    await waitFor('the bystander`s canceled callback', () => other.received.length === 3);
    assert.equal(slow.counters().callbacks.dropped, 1, 'the target`s canceled callback');
    assert.deepEqual(receiver.received.map((c) => [c.body.id, c.body.state]), [
      [target, 'queueing'],
      [target, 'processing'],
    ]);
    assert.deepEqual(other.received.map((c) => [c.body.id, c.body.state]), [
      [bystander, 'queueing'],
      [bystander, 'processing'],
      [bystander, 'canceled'],
    ]);
  } finally {
    await slow.close();
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

test('task failure faults with adId fail only that ad`s edits and composes', async () => {
  const spared = await createSucceededAd(sim);
  const doomed = await createSucceededAd(sim);
  sim.setFaults({
    taskFailures: [
      { kind: 'edit', adId: doomed, errCode: 'TaskPromptPolicyViolation' },
      { kind: 'compose', adId: doomed, errCode: 'InternalServiceFailure' },
    ],
  });
  const editOf = async (adId: string) => {
    const answer = await api(sim, 'POST', '/ent/v2/ad-one-click/edit', { ad_one_click_task_id: adId, type: 'generate_bgm', prompt: 'calm' });
    assert.equal(answer.status, 200);
    return String(answer.body.sub_task_id);
  };
  const composeOf = async (adId: string) => {
    const r = (await api<{ data_records: { storyboards: Array<{ records: Array<{ id: string }> }>; bgm_records: Array<{ id: string }>; narration_records: Array<{ id: string }> } }>(sim, 'GET', `/ent/v2/ad-one-click/${adId}`)).body.data_records;
    const answer = await api(sim, 'POST', '/ent/v2/ad-one-click/compose', {
      ad_one_click_task_id: adId,
      video_task_ids: r.storyboards.map((s) => s.records[0]!.id),
      bgm_task_id: r.bgm_records[0]!.id,
      narration_task_id: r.narration_records[0]!.id,
    });
    assert.equal(answer.status, 200);
    return String(answer.body.compose_sub_task_id);
  };
  // The other ad first: a rule that matched it would be spent before the doomed ad's turn.
  await waitForState(sim, await editOf(spared), 'success');
  await waitForState(sim, await composeOf(spared), 'success');
  assert.equal((await waitForState(sim, await editOf(doomed), 'failed')).err_code, 'TaskPromptPolicyViolation');
  assert.equal((await waitForState(sim, await composeOf(doomed), 'failed')).err_code, 'InternalServiceFailure');
  // Each rule fires once (times defaults to 1).
  await waitForState(sim, await editOf(doomed), 'success');
});

test('setFaults checks a task failure`s adId', () => {
  assert.throws(() => sim.setFaults({ taskFailures: [{ kind: 'edit', adId: '', errCode: 'X' }] }), /adId/);
  assert.throws(() => sim.setFaults({ taskFailures: [{ kind: 'ad', adId: '123', errCode: 'X' }] }), /adId with kind ad/);
  assert.throws(() => sim.setFaults({ taskFailures: [{ kind: 'compose', adId: 42 as never, errCode: 'X' }] }), /adId/);
  assert.throws(() => sim.setFaults({ taskFailures: [{ kind: 'compose', editType: 'generate_bgm', errCode: 'X' }] }), /editType/);
  sim.setFaults({ taskFailures: [{ kind: 'compose', adId: '123', errCode: 'X' }] });
});

test('a request held by a latency fault gets no answer when reset() ends its simulation', async () => {
  sim.setFaults({ http: [{ endpoint: 'credits', latencyMs: 60_000 }] });
  const held = fetch(`${sim.url}/ent/v2/credits`, { headers: { Authorization: `Token ${sim.apiKey}` } });
  await waitFor('the request to arrive', () => sim.counters().apiCalls.credits === 1);
  sim.reset();
  // Before the fix this resolved with a 500 "This operation was aborted".
  await assert.rejects(held, (error: unknown) => error instanceof TypeError && /fetch failed/.test(error.message));
  assert.equal((await api(sim, 'GET', '/ent/v2/credits')).status, 200, 'the fresh simulation answers');
});

test('with a seed, a fault rate between 0 and 1 fires on the requests its seeded rolls pick, again after reset()', async () => {
  const SEED = 20_240_601;
  const N = 40;
  const seeded = await startFastSimulator({ seed: SEED });
  try {
    const roll = seededRandom(SEED);
    const expected = Array.from({ length: N }, (_, i) => i).filter(() => roll() < 0.5);
    const failedRequests = async () => {
      seeded.setFaults({ http: [{ endpoint: 'credits', rate: 0.5, error: { status: 500, code: 'InternalServiceFailure' } }] });
      const failed: number[] = [];
      for (let i = 0; i < N; i++) {
        const answer = await api(seeded, 'GET', '/ent/v2/credits');
        if (answer.status === 500) failed.push(i);
        else assert.equal(answer.status, 200);
      }
      return failed;
    };
    const first = await failedRequests();
    assert.ok(first.length > 0 && first.length < N, `some but not all of ${N} fail (got ${first.length})`);
    assert.deepEqual(first, expected);
    seeded.reset();
    assert.deepEqual(await failedRequests(), expected, 'reset() restarts the seeded sequence');
  } finally {
    await seeded.close();
  }
});
