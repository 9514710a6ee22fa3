// Faults the fault suite needs beyond the basic ones: callbacks whose body
// lies, media downloads refused as expired or held, the list of ad tasks by
// what their create carried, and the count of sub-record reads made before
// an ad succeeded.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFaultConfig } from '../../src/simulator/faultConfigSchema';
import type { ViduSimulator } from '../../src/simulator/index';
import { api, createAd, createSucceededAd, creations, SAMPLE_IMAGE, startFastSimulator, startReceiver, waitFor } from './helpers';

let sim: ViduSimulator;
before(async () => {
  // Processing long enough that the lies surely arrive while the task still runs.
  sim = await startFastSimulator({ timing: { queueMs: 0, processingMs: 300, progressSteps: 2 } });
});
after(() => sim.close());
beforeEach(() => sim.reset());

test('callback lies: signed extra callbacks claim success, failure and another task while the task still processes', async () => {
  const receiver = await startReceiver(sim.apiKey);
  try {
    sim.setFaults({ callbacks: { lies: ['success', 'failed', 'other-task'] } });
    const id = await createAd(sim, { callback_url: receiver.url });
    await waitFor('the lies', () => receiver.received.length >= 5);
    const [queueing, processing, ...lies] = receiver.received.slice(0, 5);
    assert.deepEqual([queueing!.body.state, processing!.body.state], ['queueing', 'processing']);
    assert.deepEqual(
      lies.map((c) => [c.body.id, c.body.state, c.body.progress]),
      [
        [id, 'success', 100],
        [id, 'failed', processing!.body.progress],
        [`9${id}`, 'success', 100],
      ],
    );
    assert.ok(lies.every((c) => c.verified.ok), 'a lie is signed like any callback: the signature covers the URL, not the body');
    assert.equal((await creations(sim, id)).state, 'processing', 'the query API still tells the truth');
    await waitFor('the real success', () => receiver.received.length === 6);
    assert.equal(receiver.received[5]!.body.state, 'success');
    assert.equal(sim.counters().callbacks.lied, 3);
  } finally {
    await receiver.close();
  }
});

test('media expireNext: the next N downloads answer 403 expired, later ones are served', async () => {
  const id = await createSucceededAd(sim);
  const url = (await creations(sim, id)).creations[0]!.url;
  sim.setFaults({ media: { expireNext: 2 } });
  for (let i = 0; i < 2; i += 1) {
    const refused = await fetch(url);
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /Request has expired/);
  }
  const served = await fetch(url);
  assert.equal(served.status, 200);
  await served.arrayBuffer();
  assert.deepEqual(sim.counters().media, { served: 1, expired: 2, denied: 0 });
  const forged = await fetch(url.replace(/sig=[^&]+/, 'sig=forged'));
  await forged.arrayBuffer();
  assert.equal(forged.status, 403);
  assert.equal(sim.counters().media.denied, 1);
});

test('media latencyMs holds each download before answering', async () => {
  const id = await createSucceededAd(sim);
  const url = (await creations(sim, id)).creations[0]!.url;
  sim.setFaults({ media: { latencyMs: 300 } });
  const started = Date.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  assert.equal(response.status, 200);
  assert.ok(Date.now() - started >= 290, `held ${Date.now() - started} ms`);
});

test('the schema takes lies and media faults and refuses empty or unknown ones', () => {
  assert.ok(checkFaultConfig({ callbacks: { lies: ['success'] }, media: { expireNext: 1, latencyMs: 5 } }).ok);
  const unknownLie = checkFaultConfig({ callbacks: { lies: ['maybe'] } });
  assert.ok(!unknownLie.ok && /lies/.test(unknownLie.reason));
  const emptyMedia = checkFaultConfig({ media: {} });
  assert.ok(!emptyMedia.ok && /media has no effect/.test(emptyMedia.reason));
  const typo = checkFaultConfig({ media: { expire: 1 } });
  assert.ok(!typo.ok && /expire/.test(typo.reason));
});

test('GET /_simulator/ads lists each ad task with the images and callback URL its create carried', async () => {
  const plain = await createAd(sim);
  const tagged = await createAd(sim, { images: ['https://images.example/ad-42.png'], callback_url: 'http://127.0.0.1:9/cb?workflowId=ad-42' });
  const response = await fetch(`${sim.url}/_simulator/ads`);
  const { ads } = (await response.json()) as { ads: Array<{ taskId: string; images: string[]; callbackUrl?: string; state: string }> };
  assert.deepEqual(
    ads.map((a) => [a.taskId, a.images, a.callbackUrl]),
    [
      [plain, [SAMPLE_IMAGE], undefined],
      [tagged, ['https://images.example/ad-42.png'], 'http://127.0.0.1:9/cb?workflowId=ad-42'],
    ],
  );
  assert.deepEqual(
    sim.ads().map((a) => a.taskId),
    [plain, tagged],
    'the in-process list is the same',
  );
  assert.ok(ads.every((a) => typeof a.state === 'string'));
});

test('sub-record reads before the ad succeeded are counted; reads after are not', async () => {
  const id = await createAd(sim);
  assert.equal((await api(sim, 'GET', `/ent/v2/ad-one-click/${id}`)).status, 200);
  assert.equal(sim.counters().subRecordReadsBeforeSuccess, 1);
  await waitFor('success', async () => (await creations(sim, id)).state === 'success');
  await api(sim, 'GET', `/ent/v2/ad-one-click/${id}`);
  assert.equal(sim.counters().subRecordReadsBeforeSuccess, 1);
});

test('the ads list gives each ad its edits and composes, and when each task finished', async () => {
  const before = Date.now();
  const id = await createSucceededAd(sim);
  const edit = await api<{ sub_task_id: string }>(sim, 'POST', '/ent/v2/ad-one-click/edit', { ad_one_click_task_id: id, type: 'generate_bgm', prompt: 'calm' });
  const running = sim.ads().find((a) => a.taskId === id)!;
  assert.equal(running.state, 'success');
  assert.ok(running.finishedAt! >= before && running.finishedAt! <= Date.now());
  assert.deepEqual(
    running.subTasks.map((t) => [t.taskId, t.kind, t.finishedAt]),
    [[edit.body.sub_task_id, 'edit', undefined]],
    'an edit just made has not finished',
  );
  await waitFor('the edit to finish', () => sim.ads().find((a) => a.taskId === id)!.subTasks[0]!.state === 'success');
  assert.ok(sim.ads().find((a) => a.taskId === id)!.subTasks[0]!.finishedAt! >= running.finishedAt!);
});
