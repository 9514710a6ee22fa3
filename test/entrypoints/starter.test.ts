// The starter library against the real dev server. Most tests start ads on a
// task queue no worker polls, so nothing runs or spends: they look at what was
// started (one workflow per ad id, its input and search attributes) and what
// was not. The bad-input test uses the queue a live worker and simulator serve.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { LocalArtifactStore } from '../../src/artifacts/artifactStore';
import { AdInputError, AdNotFoundError, getAdHandle, startAd, type StartAdRequest } from '../../src/starter';
import { AD_ID, AD_STAGE } from '../../src/workflows/searchAttributes';
import type { AdFilmInput } from '../../src/workflows/messages';
import type { TemporalTestEnv } from '../support/temporalTestEnv';
import { historyPayloadTexts } from './historyPayloads';
import { openLiveRig, type LiveRig } from './liveRig';

const SAMPLE = path.resolve(__dirname, '..', '..', 'samples', 'sneaker.png');

let rig: LiveRig;
let env: TemporalTestEnv;
let artifactDir: string;
let artifacts: LocalArtifactStore;
const started: string[] = [];

function uniqueAdId(label: string): string {
  return `${label}-${process.pid}-${Date.now().toString(36)}`;
}

async function startedInput(workflowId: string): Promise<AdFilmInput> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  return defaultPayloadConverter.fromPayload(payload);
}

async function filesIn(dir: string): Promise<string[]> {
  return readdir(dir, { recursive: true }).catch(() => []);
}

describe('starter', () => {
  before(async () => {
    rig = await openLiveRig();
    env = rig.env;
    artifactDir = await mkdtemp(path.join(tmpdir(), 'starter-test-'));
    artifacts = new LocalArtifactStore(artifactDir);
  });

  after(async () => {
    for (const workflowId of started) await env.client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
    await rig?.close();
    await rm(artifactDir, { recursive: true, force: true });
  });

  it('starts the same ad twice as one workflow, and never again once it has finished', async () => {
    const taskQueue = env.uniqueTaskQueue('starter');
    const adId = uniqueAdId('twice');
    const first = await startAd(env.client, { adId, images: ['https://example.com/a.png'], prompt: 'first' }, { taskQueue, artifacts });
    started.push(first.workflowId);
    const second = await startAd(env.client, { adId, images: ['https://example.com/b.png'], prompt: 'second' }, { taskQueue, artifacts });
    assert.equal(second.workflowId, first.workflowId);
    const runId = (await first.workflow.describe()).runId;
    assert.equal((await second.workflow.describe()).runId, runId);
    assert.equal((await startedInput(first.workflowId)).prompt, 'first', 'the second request must not replace the first');

    await first.workflow.terminate('finished for the test');
    const third = await startAd(env.client, { adId, images: ['https://example.com/c.png'] }, { taskQueue, artifacts });
    const description = await third.workflow.describe();
    assert.equal(description.runId, runId, 'a finished ad id must not start a second run');
    assert.equal(description.status.name, 'TERMINATED');
  });

  it('stores inline images and starts with references and the ad search attributes', async () => {
    const taskQueue = env.uniqueTaskQueue('starter');
    const adId = uniqueAdId('inline');
    const bytes = await readFile(SAMPLE);
    const request: StartAdRequest = {
      adId,
      images: [`data:image/png;base64,${bytes.toString('base64')}`, 'https://example.com/photo.jpg', SAMPLE],
      duration: 20,
      aspectRatio: '9:16',
    };
    const ad = await startAd(env.client, request, { taskQueue, artifacts, allowLocalFiles: true });
    started.push(ad.workflowId);
    const input = await startedInput(ad.workflowId);
    assert.equal(input.images[1], 'https://example.com/photo.jpg');
    assert.match(input.images[0]!, /^stored:images\/[0-9a-f]{64}\.png$/);
    assert.equal(input.images[2], input.images[0], 'the same bytes are stored once under one reference');
    assert.equal(await artifacts.readImageAsDataUri(input.images[0]!), request.images[0]);
    // Decoded payloads (the raw history holds them base64-encoded, which would hide the image's base64).
    const { workflowInput, activityInputs } = historyPayloadTexts(await ad.workflow.fetchHistory());
    assert.ok(workflowInput.some((text) => text.includes(input.images[0]!)), 'the decoded input holds the stored reference');
    for (const text of [...workflowInput, ...activityInputs]) {
      assert.ok(!text.includes('data:image'), 'no data URI may enter the history');
      assert.ok(!text.includes(bytes.toString('base64').slice(0, 100)), 'no base64 image may enter the history');
    }
    const attributes = (await ad.workflow.describe()).typedSearchAttributes;
    assert.equal(attributes.get(AD_ID), adId);
    assert.equal(attributes.get(AD_STAGE), 'creating');
  });

  it('rejects bad input before anything is stored, started or spent, naming each field', async () => {
    const taskQueue = rig.taskQueue; // a worker and the simulator serve this queue
    const adId = uniqueAdId('bad');
    const tall = Buffer.alloc(24);
    // A PNG header claiming 100x900 pixels: a 1:9 image, outside Vidu's 1:4..4:1.
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).copy(tall);
    tall.writeUInt32BE(100, 16);
    tall.writeUInt32BE(900, 20);
    const before = await filesIn(artifactDir);
    const bad = {
      adId,
      images: [`data:image/png;base64,${tall.toString('base64')}`, 'ftp://example.com/x.png', '/no/such/file.png'],
      duration: 5,
      aspectRatio: '4:3',
      edits: [{ kind: 'video', prompt: 'no index' }],
      colour: 'red',
    } as unknown as StartAdRequest;
    await assert.rejects(startAd(env.client, bad, { taskQueue, artifacts }), (err: unknown) => {
      assert.ok(err instanceof AdInputError);
      const fields = err.issues.map((i) => i.field).sort();
      assert.deepEqual(fields, ['aspectRatio', 'colour', 'duration', 'edits[0].storyboardIndex', 'images[0]', 'images[1]', 'images[2]']);
      assert.match(err.issues.find((i) => i.field === 'images[0]')!.rule, /aspect ratio/);
      return true;
    });
    await assert.rejects(getAdHandle(env.client, adId).workflow.describe(), WorkflowNotFoundError);
    assert.deepEqual(await filesIn(artifactDir), before, 'nothing may be stored for a rejected request');
    const calls = Object.values(rig.simulator.counters().apiCalls).reduce((a, b) => a + b, 0);
    assert.equal(calls, 0, 'Vidu must not have been called');
    assert.equal(rig.simulator.counters().creditsCharged, 0);
  });

  it('reads a local file only when allowed, and reports an unreadable one by its position', async () => {
    const taskQueue = env.uniqueTaskQueue('starter');
    await assert.rejects(startAd(env.client, { adId: uniqueAdId('file'), images: [SAMPLE] }, { taskQueue, artifacts }), (err: unknown) => {
      assert.ok(err instanceof AdInputError);
      assert.deepEqual(err.issues.map((i) => i.field), ['images[0]']);
      return true;
    });
    await assert.rejects(
      startAd(env.client, { adId: uniqueAdId('file'), images: ['https://example.com/a.png', 'missing.png'] }, { taskQueue, artifacts, allowLocalFiles: true }),
      (err: unknown) => err instanceof AdInputError && err.issues.length === 1 && err.issues[0]!.field === 'images[1]' && /ENOENT/.test(err.issues[0]!.rule),
    );
  });

  it('answers AdNotFoundError for an ad that does not exist', async () => {
    const ad = getAdHandle(env.client, uniqueAdId('ghost'));
    await assert.rejects(ad.approve(), AdNotFoundError);
    await assert.rejects(ad.edit({ kind: 'narration', prompt: 'hello' }), AdNotFoundError);
  });
});
