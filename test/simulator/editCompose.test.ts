import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ViduSimulator } from '../../src/simulator/index';
import { api, createAd, createSucceededAd, creations, startFastSimulator, waitForState } from './helpers';

let sim: ViduSimulator;
before(async () => {
  sim = await startFastSimulator();
});
after(() => sim.close());

interface Rec {
  id: string;
  type: string;
  state: string;
  creation_url: string;
  prompt: string;
}
interface SubRecordsWire {
  data_records: {
    storyboards: Array<{ stroyboard_id: number; records: Rec[] }>;
    narration_records: Rec[];
    bgm_records: Rec[];
    completed_creation_records: Array<{ id: string; state: string; creation_url: string; params: Record<string, unknown> }>;
  };
}

async function subRecords(id: string): Promise<SubRecordsWire['data_records']> {
  return (await api<SubRecordsWire>(sim, 'GET', `/ent/v2/ad-one-click/${id}`)).body.data_records;
}

async function edit(body: Record<string, unknown>) {
  return api(sim, 'POST', '/ent/v2/ad-one-click/edit', body);
}

async function compose(body: Record<string, unknown>) {
  return api(sim, 'POST', '/ent/v2/ad-one-click/compose', body);
}

test('a storyboard edit creates a sub-task shown at once in its storyboard, then succeeds with media and its payload', async () => {
  const adId = await createSucceededAd(sim);
  const answer = await edit({ ad_one_click_task_id: adId, type: 'generate_video', storyboard_video_index: 1, prompt: 'slower pan', payload: 'edit#1' });
  assert.equal(answer.status, 200);
  const subTaskId = String(answer.body.sub_task_id);
  assert.deepEqual(answer.body, { ad_one_click_task_id: adId, sub_task_id: subTaskId, state: 'created', err_code: '', credits: 200 });
  const running = (await subRecords(adId)).storyboards[1]!.records.at(-1)!;
  assert.equal(running.id, subTaskId);
  assert.notEqual(running.state, 'success');
  assert.equal(running.creation_url, '');
  assert.equal(running.prompt, 'slower pan');

  const done = await waitForState(sim, subTaskId, 'success');
  assert.equal(done.payload, 'edit#1');
  assert.equal(done.credits, 200);
  assert.match(done.creations[0]!.url, /\.mp4\?/);
  const finished = (await subRecords(adId)).storyboards[1]!.records;
  assert.equal(finished.length, 2);
  assert.equal(finished[1]!.state, 'success');
  assert.match(finished[1]!.creation_url, /\.mp4\?/);
  assert.deepEqual(sim.counters().perAd[adId], { creates: 1, edits: 1, composes: 0, creditsCharged: 800 });
});

test('narration and bgm edits land in their lists and cost by prompt length and duration', async () => {
  const adId = await createSucceededAd(sim, { duration: 20 });
  const narration = await edit({ ad_one_click_task_id: adId, type: 'generate_narration', prompt: 'n'.repeat(1001) });
  assert.equal(narration.body.credits, 30);
  const bgm = await edit({ ad_one_click_task_id: adId, type: 'generate_bgm', prompt: 'calm piano' });
  assert.equal(bgm.body.credits, 40);
  const records = await subRecords(adId);
  assert.deepEqual(records.narration_records.map((r) => r.id).at(-1), narration.body.sub_task_id);
  assert.deepEqual(records.bgm_records.map((r) => r.id).at(-1), bgm.body.sub_task_id);
  assert.equal(records.narration_records.at(-1)!.type, 'generate_narration');
  assert.equal(records.storyboards.length, 4);
});

test('edit errors: unknown ad 404, unfinished ad 400, index out of range, missing or bad fields', async () => {
  const adId = await createSucceededAd(sim);
  const unknown = await edit({ ad_one_click_task_id: '999999999999999999', type: 'generate_bgm', prompt: 'x' });
  assert.deepEqual([unknown.status, unknown.body.reason], [404, 'TaskNotFound']);

  const runningAd = await createAd(sim);
  const unfinished = await edit({ ad_one_click_task_id: runningAd, type: 'generate_bgm', prompt: 'x' });
  assert.deepEqual([unfinished.status, unfinished.body.reason], [400, 'BadRequest']);
  assert.match(String(unfinished.body.message), /main task not finished/);

  const outOfRange = await edit({ ad_one_click_task_id: adId, type: 'generate_video', storyboard_video_index: 3, prompt: 'x' });
  assert.deepEqual([outOfRange.status, outOfRange.body.reason], [400, 'FieldInvalid']);
  assert.match(String(outOfRange.body.message), /storyboard_video_index/);

  const noIndex = await edit({ ad_one_click_task_id: adId, type: 'generate_video', prompt: 'x' });
  assert.deepEqual([noIndex.body.reason, noIndex.body.message], ['FieldLacking', 'storyboard_video_index is required']);
  const noPrompt = await edit({ ad_one_click_task_id: adId, type: 'generate_bgm' });
  assert.equal(noPrompt.body.reason, 'FieldLacking');
  const noType = await edit({ ad_one_click_task_id: adId, prompt: 'x' });
  assert.equal(noType.body.reason, 'FieldLacking');
  const badType = await edit({ ad_one_click_task_id: adId, type: 'generate_cat', prompt: 'x' });
  assert.equal(badType.body.reason, 'FieldInvalid');
  const noAd = await edit({ type: 'generate_bgm', prompt: 'x' });
  assert.equal(noAd.body.reason, 'FieldLacking');
  const bigPayload = await edit({ ad_one_click_task_id: adId, type: 'generate_bgm', prompt: 'x', payload: 'p'.repeat(1_048_577) });
  assert.equal(bigPayload.body.reason, 'FieldInvalid');
  assert.equal(sim.counters().perAd[adId]!.edits, 0, 'rejected edits create nothing');
});

test('compose with an edited take appends a completed creation with the params; /creations of the compose id has the video', async () => {
  const adId = await createSucceededAd(sim);
  const edited = await edit({ ad_one_click_task_id: adId, type: 'generate_video', storyboard_video_index: 2, prompt: 'closer' });
  await waitForState(sim, String(edited.body.sub_task_id), 'success');
  const records = await subRecords(adId);
  const videoIds = [records.storyboards[0]!.records[1]!.id, records.storyboards[1]!.records[0]!.id, String(edited.body.sub_task_id)];
  const params = { video_task_ids: videoIds, bgm_task_id: records.bgm_records[0]!.id, narration_task_id: records.narration_records[0]!.id };
  const answer = await compose({ ad_one_click_task_id: adId, ...params, payload: 'compose#1' });
  assert.equal(answer.status, 200);
  const composeId = String(answer.body.compose_sub_task_id);
  assert.deepEqual(answer.body, { ad_one_click_task_id: adId, compose_sub_task_id: composeId, state: 'created', credits: 1 });

  const done = await waitForState(sim, composeId, 'success');
  assert.equal(done.payload, 'compose#1');
  assert.match(done.creations[0]!.url, /\.mp4\?/);
  const completed = (await subRecords(adId)).completed_creation_records;
  assert.equal(completed.length, 2);
  assert.equal(completed[1]!.id, composeId);
  assert.deepEqual(completed[1]!.params, params);
  assert.equal(new URL(completed[1]!.creation_url).pathname, new URL(done.creations[0]!.url).pathname);
  // The main task keeps answering with the first composed video.
  const main = await creations(sim, adId);
  assert.equal(new URL(main.creations[0]!.url).pathname, new URL(completed[0]!.creation_url).pathname);
});

test('compose errors: wrong count, wrong storyboard, wrong type, other ad, unfinished record, missing fields', async () => {
  const adId = await createSucceededAd(sim);
  const otherAd = await createSucceededAd(sim);
  const r = await subRecords(adId);
  const other = await subRecords(otherAd);
  const good = {
    ad_one_click_task_id: adId,
    video_task_ids: r.storyboards.map((s) => s.records[0]!.id),
    bgm_task_id: r.bgm_records[0]!.id,
    narration_task_id: r.narration_records[0]!.id,
  };
  const expect400 = async (body: Record<string, unknown>, code: string, message?: RegExp) => {
    const answer = await compose(body);
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.equal(answer.body.reason, code);
    if (message) assert.match(String(answer.body.message), message);
  };
  await expect400({ ...good, video_task_ids: good.video_task_ids.slice(0, 2) }, 'FieldItemCountOutOfRange');
  const swapped = [good.video_task_ids[1]!, good.video_task_ids[0]!, good.video_task_ids[2]!];
  await expect400({ ...good, video_task_ids: swapped }, 'FieldInvalid', new RegExp(swapped[0]!));
  await expect400({ ...good, narration_task_id: good.bgm_task_id }, 'FieldInvalid', new RegExp(`narration_task_id.*${good.bgm_task_id}`));
  await expect400({ ...good, bgm_task_id: good.narration_task_id }, 'FieldInvalid', /bgm_task_id/);
  await expect400({ ...good, bgm_task_id: other.bgm_records[0]!.id }, 'FieldInvalid', new RegExp(other.bgm_records[0]!.id));
  const foreign = [other.storyboards[0]!.records[0]!.id, ...good.video_task_ids.slice(1)];
  await expect400({ ...good, video_task_ids: foreign }, 'FieldInvalid', new RegExp(foreign[0]!));
  await expect400({ ...good, video_task_ids: ['123', ...good.video_task_ids.slice(1)] }, 'FieldInvalid', /video_task_ids\[0\] 123/);
  const pending = await edit({ ad_one_click_task_id: adId, type: 'generate_video', storyboard_video_index: 0, prompt: 'x' });
  await expect400({ ...good, video_task_ids: [String(pending.body.sub_task_id), ...good.video_task_ids.slice(1)] }, 'FieldInvalid', /not success/);
  await expect400({ ...good, bgm_task_id: undefined }, 'FieldLacking', /bgm_task_id/);
  await expect400({ ...good, video_task_ids: undefined }, 'FieldLacking', /video_task_ids/);
  const unknown = await compose({ ...good, ad_one_click_task_id: '999999999999999999' });
  assert.deepEqual([unknown.status, unknown.body.reason], [404, 'TaskNotFound']);
  assert.equal(sim.counters().perAd[adId]!.composes, 0);
  const ok = await compose(good);
  assert.equal(ok.status, 200);
});
