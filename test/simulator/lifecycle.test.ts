import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ViduSimulator } from '../../src/simulator/index';
import { api, createAd, createSucceededAd, creations, SAMPLE_IMAGE, startFastSimulator, startReceiver, waitFor } from './helpers';

let sim: ViduSimulator;
before(async () => {
  sim = await startFastSimulator({ timing: { queueMs: 10, processingMs: 400, progressSteps: 4 } });
});
after(() => sim.close());

interface SubRecordsWire {
  id: string;
  state: string;
  err_code: string;
  data_records: {
    storyboards: Array<{ stroyboard_id: number; records: Array<{ id: string; type: string; prompt: string; creation_url: string; state: string; err_code: string }> }>;
    narration_records: Array<{ id: string; type: string; creation_url: string; state: string }>;
    bgm_records: Array<{ id: string; type: string; creation_url: string; state: string }>;
    completed_creation_records: Array<{ id: string; state: string; creation_url: string; params: { video_task_ids: string[]; bgm_task_id: string; narration_task_id: string } }>;
  };
}

test('create answers the documented shape with defaults, and ids are increasing numeric strings', async () => {
  const answer = await api(sim, 'POST', '/ent/v2/ad-one-click', { images: [SAMPLE_IMAGE], prompt: 'a red kettle' });
  assert.equal(answer.status, 200);
  const { task_id, ...rest } = answer.body;
  assert.match(String(task_id), /^\d{18}$/);
  assert.deepEqual(rest, { state: 'created', images: [SAMPLE_IMAGE], prompt: 'a red kettle', duration: 15, aspect_ratio: '16:9', language: 'zh', credits: 600 });
  const next = await createAd(sim, { duration: 20, aspect_ratio: '9:16', language: 'en' });
  assert.ok(BigInt(next) > BigInt(String(task_id)), 'later tasks get larger ids');
  const again = await creations(sim, next);
  assert.equal(again.credits, 800);
});

test('a task goes queueing -> processing -> success with progress rising to 100', async () => {
  const receiver = await startReceiver(sim.apiKey);
  try {
    const id = await createAd(sim, { callback_url: receiver.url });
    const seen: Array<{ state: string; progress: number }> = [];
    await waitFor('success', async () => {
      const current = await creations(sim, id);
      seen.push({ state: current.state, progress: current.progress });
      return current.state === 'success';
    });
    await waitFor('three callbacks', () => receiver.received.length === 3);
    assert.deepEqual(receiver.received.map((c) => c.body.state), ['queueing', 'processing', 'success']);
    const order = ['created', 'queueing', 'processing', 'success'];
    const ranks = seen.map((s) => order.indexOf(s.state));
    assert.ok(ranks.every((rank, i) => rank >= 0 && (i === 0 || rank >= ranks[i - 1]!)), `states out of order: ${JSON.stringify(seen)}`);
    const progress = seen.map((s) => s.progress);
    assert.ok(progress.every((p, i) => i === 0 || p >= progress[i - 1]!), `progress went down: ${progress.join(',')}`);
    assert.ok(progress.every((p) => [0, 25, 50, 75, 100].includes(p)), `unexpected progress values ${progress.join(',')}`);
    assert.ok(progress.some((p) => p > 0 && p < 100), `never saw intermediate progress: ${progress.join(',')}`);
    assert.equal(progress.at(-1), 100);
  } finally {
    await receiver.close();
  }
});

test('before success the sub-records are empty and mirror the main state', async () => {
  const id = await createAd(sim);
  const early = await api<SubRecordsWire>(sim, 'GET', `/ent/v2/ad-one-click/${id}`);
  assert.equal(early.status, 200);
  assert.notEqual(early.body.state, 'success');
  assert.deepEqual(early.body.data_records, { storyboards: [], narration_records: [], bgm_records: [], completed_creation_records: [] });
  const running = await creations(sim, id);
  assert.deepEqual(running.creations, []);
});

test('a successful ad has storyboards (stroyboard_id), takes, narration, bgm and a first composed video of the first takes', async () => {
  const id = await createSucceededAd(sim, { duration: 15 });
  const { body } = await api<SubRecordsWire>(sim, 'GET', `/ent/v2/ad-one-click/${id}`);
  assert.equal(body.id, id);
  assert.equal(body.state, 'success');
  const { storyboards, narration_records, bgm_records, completed_creation_records } = body.data_records;
  assert.deepEqual(storyboards.map((s) => s.stroyboard_id), [0, 1, 2]);
  assert.deepEqual(storyboards.map((s) => s.records.length), [2, 1, 2]);
  for (const record of storyboards.flatMap((s) => s.records)) {
    assert.equal(record.type, 'generate_video');
    assert.equal(record.state, 'success');
    assert.equal(record.err_code, '');
    assert.match(record.creation_url, /\/media\/\d+\.mp4\?/);
    assert.ok(record.prompt.length > 0);
  }
  assert.equal(narration_records.length, 1);
  assert.equal(narration_records[0]!.type, 'generate_narration');
  assert.equal(bgm_records.length, 1);
  assert.equal(bgm_records[0]!.type, 'generate_bgm');
  assert.equal(completed_creation_records.length, 1);
  const first = completed_creation_records[0]!;
  assert.equal(first.state, 'success');
  assert.deepEqual(first.params, {
    video_task_ids: storyboards.map((s) => s.records[0]!.id),
    bgm_task_id: bgm_records[0]!.id,
    narration_task_id: narration_records[0]!.id,
  });

  const main = await creations(sim, id);
  assert.equal(main.progress, 100);
  assert.equal(main.payload, '');
  assert.equal(main.creations.length, 1);
  const creation = main.creations[0]!;
  assert.match(creation.url, /\.mp4\?/);
  assert.match(creation.cover_url, /\.png\?/);
  assert.match(String(creation.watermarked_url), /\.mp4\?/);
  assert.equal(new URL(creation.url).pathname, new URL(first.creation_url).pathname, 'the main creation is the first composed video');

  // Sub-record ids are task ids too.
  const take = await creations(sim, storyboards[1]!.records[0]!.id);
  assert.equal(take.state, 'success');
  assert.match(take.creations[0]!.url, /\.mp4\?/);
  const narration = await creations(sim, narration_records[0]!.id);
  assert.match(narration.creations[0]!.url, /\.mp3\?/);
  const composed = await creations(sim, first.id);
  assert.equal(new URL(composed.creations[0]!.url).pathname, new URL(creation.url).pathname);
});

test('storyboard count follows the duration (10 s -> 2, 60 s -> 12)', async () => {
  const [short, long] = await Promise.all([createSucceededAd(sim, { duration: 10 }), createSucceededAd(sim, { duration: 60 })]);
  const shortRecords = await api<SubRecordsWire>(sim, 'GET', `/ent/v2/ad-one-click/${short}`);
  const longRecords = await api<SubRecordsWire>(sim, 'GET', `/ent/v2/ad-one-click/${long}`);
  assert.equal(shortRecords.body.data_records.storyboards.length, 2);
  assert.equal(longRecords.body.data_records.storyboards.length, 12);
});

test('401 without or with a wrong key, 404 for unknown paths and tasks, with Vidu error bodies', async () => {
  const missing = await api(sim, 'GET', '/ent/v2/credits', undefined, null);
  assert.equal(missing.status, 401);
  assert.equal(missing.body.reason, 'Unauthorized');
  assert.equal(missing.body.code, 401);
  assert.match(String((missing.body.metadata as { trace_id: string }).trace_id), /^[0-9a-f]{32}$/);
  const wrong = await api(sim, 'POST', '/ent/v2/ad-one-click', { images: [SAMPLE_IMAGE] }, 'not-the-key');
  assert.equal(wrong.status, 401);
  const unknownPath = await api(sim, 'GET', '/ent/v2/nothing-here');
  assert.equal(unknownPath.status, 404);
  assert.equal(unknownPath.body.reason, 'NotFound');
  const unknownTask = await api(sim, 'GET', '/ent/v2/tasks/123456789012345678/creations');
  assert.equal(unknownTask.status, 404);
  assert.equal(unknownTask.body.reason, 'TaskNotFound');
  const subRecordsOfSubTask = await api(sim, 'GET', '/ent/v2/ad-one-click/123456789012345678');
  assert.equal(subRecordsOfSubTask.body.reason, 'TaskNotFound');
});

test('a wrong key creates nothing', async () => {
  const before = sim.counters().tasksCreated.ad;
  const wrong = await api(sim, 'POST', '/ent/v2/ad-one-click', { images: [SAMPLE_IMAGE] }, 'not-the-key');
  assert.equal(wrong.status, 401);
  assert.equal(sim.counters().tasksCreated.ad, before);
});
