// The starter library against the real dev server. Most tests start ads on a
// task queue no worker polls, so nothing runs or spends: they look at what was
// started (one workflow per ad id, its input and search attributes) and what
// was not. The bad-input test uses the queue a live worker and simulator serve,
// and so do the whole-ad tests at the end: a repeated request id spends once,
// and retryAd resumes from a paid task, refuses what it must, and creates
// again after an unknown create only when told to.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { watchAd } from '../../src/entrypoints/admin/adminActions';
import { AdInputError, AdNotFoundError, AdRetryRefusedError, getAdHandle, retryAd, startAd, type AdHandle, type StartAdRequest } from '../../src/starter';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import { AD_ID, AD_STAGE, VIDU_TASK_ID } from '../../src/workflows/ad/searchAttributes';
import { isFinishedStage, type AdFilmInput, type AdStatus } from '../../src/workflows/ad/contract';
import type { TemporalTestEnv } from '../support/temporalTestEnv';
import { historyPayloadTexts } from './historyPayloads';
import { FAST_POLLING, openLiveRig, type LiveRig } from './liveRig';

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

function apiCallCount(): number {
  return Object.values(rig.simulator.counters().apiCalls).reduce((a, b) => a + b, 0);
}

/** Starts an ad that the live worker and the simulator run (polling only: the rig's worker has no callback URL). */
async function startLiveAd(label: string, extra: Partial<StartAdRequest> = {}): Promise<AdHandle> {
  const ad = await startAd(
    env.client,
    { adId: uniqueAdId(label), images: ['https://example.com/bottle.png'], prompt: 'a bottle on a beach', polling: FAST_POLLING, ...extra },
    { taskQueue: rig.taskQueue, artifacts },
  );
  started.push(ad.workflowId);
  return ad;
}

/** Reads the status until `until` holds or the ad has finished. */
function waitFor(ad: AdHandle, until: (s: AdStatus) => boolean): Promise<AdStatus> {
  return watchAd(env.client, ad.adId, () => undefined, { intervalMs: 100, until: (s) => until(s) || isFinishedStage(s.stage) });
}

/** The ApplicationFailure an ad's run ended with. */
async function adFailure(ad: AdHandle): Promise<ApplicationFailure> {
  const err = await ad.result().then(
    () => assert.fail(`ad ${ad.adId} should have failed`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowFailedError, String(err));
  assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
  return err.cause;
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
    const callsBefore = apiCallCount();
    const creditsBefore = rig.simulator.counters().creditsCharged;
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
    assert.equal(apiCallCount(), callsBefore, 'Vidu must not have been called');
    assert.equal(rig.simulator.counters().creditsCharged, creditsBefore);
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

  it('answers AdNotFoundError for an ad that does not exist, and AdInputError for a malformed request id', async () => {
    const ghost = uniqueAdId('ghost');
    const ad = getAdHandle(env.client, ghost);
    await assert.rejects(ad.approve(), AdNotFoundError);
    await assert.rejects(ad.edit({ kind: 'narration', prompt: 'hello' }), AdNotFoundError);
    await assert.rejects(ad.signalCancel({ reason: 'nothing there' }), AdNotFoundError);
    await assert.rejects(retryAd(env.client, ghost), AdNotFoundError);
    await assert.rejects(ad.edit({ kind: 'narration', prompt: 'hello', requestId: 'not an id' }), (err: unknown) => err instanceof AdInputError && err.issues[0]!.field === 'requestId');
  });

  it('retryAd refuses a running ad; a terminated one that never got a task is started afresh', async () => {
    const taskQueue = env.uniqueTaskQueue('starter'); // no worker: nothing runs or spends
    const ad = await startAd(env.client, { adId: uniqueAdId('retry-running'), images: ['https://example.com/a.png'] }, { taskQueue, artifacts });
    started.push(ad.workflowId);
    await assert.rejects(retryAd(env.client, ad.adId), (err: unknown) => err instanceof AdRetryRefusedError && err.refusal === 'running' && /still running/.test(err.message));
    const firstRun = (await ad.workflow.describe()).runId;
    await ad.workflow.terminate('stopped for the test');
    const retried = await retryAd(env.client, ad.adId);
    assert.equal(retried.action, 'retried');
    assert.equal(retried.previous.status, 'TERMINATED');
    assert.notEqual(retried.runId, firstRun);
    const description = await ad.workflow.describe();
    assert.equal(description.runId, retried.runId);
    assert.equal(description.taskQueue, taskQueue, 'the new run goes to the queue the last one used');
    assert.equal((await startedInput(ad.workflowId)).resumeFromTaskId, undefined);
  });

  it('an edit repeated with the same request id answers the same sub-task and is paid once', async () => {
    const ad = await startLiveAd('edit-once', { review: { enabled: true, windowMs: 600_000, onTimeout: 'fail' } });
    const review = await waitFor(ad, (s) => s.stage === 'review');
    assert.equal(review.stage, 'review', `the ad should reach review: ${review.lastError ?? ''}`);
    const edit = { kind: 'video' as const, storyboardIndex: 0, prompt: 'closer on the bottle', requestId: `edit-once-${ad.adId}` };
    // Concurrent and sequential repeats, as a retrying caller would send them.
    const [first, concurrent] = await Promise.all([ad.edit(edit), ad.edit(edit)]);
    const later = await ad.edit(edit);
    assert.equal(first.requestId, edit.requestId);
    assert.equal(concurrent.subTaskId, first.subTaskId);
    assert.equal(later.subTaskId, first.subTaskId);
    // The same id through the signal is a repeat too: the workflow answers it with the first answer and spends nothing.
    assert.equal(await ad.signalEdit(edit), edit.requestId);
    // The signal is in history before this update is admitted, so the workflow has handled it once approve answers.
    await ad.approve({ requestId: `approve-${ad.adId}` });
    const result = await ad.result();
    assert.deepEqual(result.editTaskIds, [first.subTaskId]);
    assert.equal(rig.simulator.counters().perAd[result.mainTaskId]?.edits, 1, 'Vidu must have been asked for one edit');
  });

  it('retryAd resumes a failed ad from the Vidu task it already paid for, and refuses it once done', async () => {
    // The review closes unapproved and the ad fails: its main task had succeeded.
    const ad = await startLiveAd('resume', { review: { enabled: true, windowMs: 3_000, onTimeout: 'fail' } });
    const failure = await adFailure(ad);
    assert.equal(failure.type, FAILURE_TYPES.reviewTimedOut);
    const mainTaskId = (await ad.workflow.describe()).typedSearchAttributes.get(VIDU_TASK_ID);
    assert.ok(mainTaskId, 'the failed run should name its Vidu task');
    const createdBefore = rig.simulator.counters().tasksCreated.ad;

    const retried = await retryAd(env.client, ad.adId);
    assert.equal(retried.action, 'resumed');
    assert.equal(retried.resumedFromTaskId, mainTaskId);
    assert.equal(retried.previous.failure?.type, FAILURE_TYPES.reviewTimedOut);
    const input = await startedInput(ad.workflowId);
    assert.equal(input.resumeFromTaskId, mainTaskId);
    assert.equal(input.continued, undefined);

    const review = await waitFor(retried.ad, (s) => s.stage === 'review');
    assert.equal(review.stage, 'review', `the resumed ad should reach review: ${review.lastError ?? ''}`);
    await retried.ad.approve();
    const result = await retried.ad.result();
    assert.equal(result.mainTaskId, mainTaskId);
    assert.equal(rig.simulator.counters().tasksCreated.ad, createdBefore, 'resuming must create no Vidu task');
    assert.equal(rig.simulator.counters().perAd[mainTaskId]?.creates, 1);

    await assert.rejects(retryAd(env.client, ad.adId), (err: unknown) => err instanceof AdRetryRefusedError && err.refusal === 'done' && /is done/.test(err.message));
  });

  it('retryAd creates again after ViduCreateOutcomeUnknown only when the caller acknowledges a task may exist', async () => {
    // The create reaches Vidu (and is charged) but the answer is lost; without callbacks nothing can adopt the task.
    rig.simulator.setFaults({ http: [{ endpoint: 'create', applyThenDrop: 'reset', times: 1 }] });
    const ad = await startLiveAd('unknown-create');
    const failure = await adFailure(ad);
    rig.simulator.setFaults({});
    assert.equal(failure.type, FAILURE_TYPES.createOutcomeUnknown);
    const createdBefore = rig.simulator.counters().tasksCreated.ad;

    await assert.rejects(retryAd(env.client, ad.adId), (err: unknown) => {
      assert.ok(err instanceof AdRetryRefusedError, String(err));
      assert.equal(err.refusal, 'unknown-create-unacknowledged');
      assert.match(err.message, /may exist and be billed/);
      const marker = (failure.details?.[0] as { attemptMarker?: string } | undefined)?.attemptMarker;
      if (marker) assert.ok(err.message.includes(marker), 'the refusal should quote the attempt marker');
      return true;
    });
    assert.equal(rig.simulator.counters().tasksCreated.ad, createdBefore, 'a refused retry creates nothing');

    const retried = await retryAd(env.client, ad.adId, { acknowledgeUnknownCreate: true });
    assert.equal(retried.action, 'retried');
    const result = await retried.ad.result();
    assert.equal(rig.simulator.counters().tasksCreated.ad, createdBefore + 1);
    assert.equal(rig.simulator.counters().perAd[result.mainTaskId]?.creates, 1);
  });
});
