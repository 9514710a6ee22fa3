// The credits policy of the activities that spend credits, against the
// simulator, without a Temporal server: which failures are repeated inside
// an attempt, which are final, and how a retry of an edit or compose finds
// the task its earlier attempt created instead of paying for another.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { failureOf } from '../support/activityFailure';
import { ActivityCancellationDetails, ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { compactRecords } from '../../src/activities/readTasks';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { startViduSimulator, type ViduSimulator } from '../../src/simulator';
import { ViduClient } from '../../src/vidu/viduClient';
import type { AdActivities, AdRecords, StartEditInput } from '../../src/workflows/ad/activityContract';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';

const WORKFLOW = { workflowId: 'ad-policy-test', runId: 'run-1' };
// Expected failures would flood the output; TEST_LOG_LEVEL=INFO shows them.
const QUIET = new DefaultLogger((process.env.TEST_LOG_LEVEL as 'INFO' | undefined) ?? 'ERROR');

/** Heartbeats the creates recorded through Temporal, with the simulator's create count at that moment. */
const recorded: Array<{ details: unknown; createsBefore: number }> = [];
let heartbeatTrouble: Error | undefined;
let sim: ViduSimulator;
async function recordHeartbeat(_taskToken: Uint8Array, details: unknown): Promise<void> {
  if (heartbeatTrouble) throw heartbeatTrouble;
  recorded.push({ details, createsBefore: sim.counters().apiCalls.create });
}

/** Runs an activity as attempt `n` of the same workflow. */
function attempt<A extends unknown[], R>(n: number, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return new MockActivityEnvironment({ attempt: n, workflowExecution: WORKFLOW }, { logger: QUIET }).run(fn, ...args) as Promise<R>;
}


describe('credit-spending activities', () => {
  let vidu: ViduClient;
  let dir: string;
  let activities: AdActivities;
  let adTaskId: string;
  let records: AdRecords;

  before(async () => {
    sim = await startViduSimulator({ timing: { queueMs: 10, processingMs: 60, progressSteps: 2 }, media: 'placeholder' });
    vidu = new ViduClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 500 });
    dir = await mkdtemp(path.join(tmpdir(), 'ad-activities-'));
    activities = createActivities({
      vidu,
      artifacts: new LocalArtifactStore(dir),
      recordHeartbeat,
      rejectionBackoff: { initialMs: 10, maxMs: 40, tries: 4 },
      recordLookupMs: 1_500,
    });
    // One finished ad to edit and compose.
    adTaskId = (await attempt(1, activities.createAdTask, { adId: 'policy', images: ['https://example.com/a.png'], duration: 15 })).taskId;
    for (let i = 0; i < 200 && (await vidu.getCreations(adTaskId)).state !== 'success'; i += 1) await new Promise((r) => setTimeout(r, 20));
    records = compactRecords(await vidu.getAdSubRecords(adTaskId));
  });
  after(async () => {
    await vidu?.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    sim.setFaults({});
    heartbeatTrouble = undefined;
  });

  it('reads the sub-records compactly, with the first composed video as the initial selection', () => {
    assert.equal(records.storyboards.length, 3);
    assert.ok(records.storyboards.every((takes) => takes.length > 0 && takes.every((t) => t.id && t.state === 'success')));
    assert.equal(records.composedIds.length, 1);
    assert.equal(records.firstSelection?.videoTaskIds.length, 3);
    assert.ok(records.narration.some((t) => t.id === records.firstSelection?.narrationTaskId));
    assert.ok(!JSON.stringify(records).includes('http'), 'no short-lived URLs');
  });

  it('repeats a rate-limited create inside the attempt and creates one task', async () => {
    sim.setFaults({ http: [{ endpoint: 'create', error: { status: 429, code: 'QuotaExceeded' }, times: 2 }] });
    const before = sim.counters();
    const created = await attempt(1, activities.createAdTask, { adId: 'rate', images: ['https://example.com/a.png'] });
    const after = sim.counters();
    assert.ok(created.taskId);
    assert.equal(after.apiCalls.create - before.apiCalls.create, 3);
    assert.equal(after.tasksCreated.ad - before.tasksCreated.ad, 1);
  });

  it('records its evidence through Temporal before the create request leaves', async () => {
    recorded.length = 0;
    const before = sim.counters().apiCalls.create;
    await attempt(1, activities.createAdTask, { adId: 'evidence', images: ['https://example.com/a.png'], attemptMarker: 'marker-1' });
    assert.deepEqual(recorded, [{ details: { attemptMarker: 'marker-1', callbacks: false }, createsBefore: before }]);
    assert.equal(sim.counters().apiCalls.create, before + 1);
  });

  it('sends no create when Temporal cannot confirm its evidence, and asks to be tried again', async () => {
    heartbeatTrouble = new Error('frontend unavailable');
    const before = sim.counters().apiCalls.create;
    const err = await failureOf(attempt(1, activities.createAdTask, { adId: 'no-evidence', images: ['https://example.com/a.png'], attemptMarker: 'marker-2' }));
    assert.equal(err.type, FAILURE_TYPES.retryLater);
    assert.equal(err.nonRetryable, false);
    assert.match(err.message, /not sent.*frontend unavailable/);
    assert.equal(sim.counters().apiCalls.create, before, 'nothing was sent');
  });

  it('fails a create whose answer was lost with a non-retryable ViduCreateOutcomeUnknown', async () => {
    for (const drop of ['reset', 'timeout'] as const) {
      sim.setFaults({ http: [{ endpoint: 'create', applyThenDrop: drop, times: 1 }] });
      const before = sim.counters();
      const failure = await failureOf(attempt(1, activities.createAdTask, { adId: 'lost', images: ['https://example.com/a.png'] }));
      assert.equal(failure.type, FAILURE_TYPES.createOutcomeUnknown, drop);
      assert.equal(failure.nonRetryable, true);
      assert.equal(sim.counters().tasksCreated.ad - before.tasksCreated.ad, 1, `${drop}: the task exists, and only one`);
    }
  });

  it('never repeats a create answered with a 5xx: the server may have made the task before failing', async () => {
    for (const status of [500, 503]) {
      sim.setFaults({ http: [{ endpoint: 'create', error: { status, code: 'InternalServiceFailure' }, times: 1 }] });
      const before = sim.counters().apiCalls.create;
      const failure = await failureOf(attempt(1, activities.createAdTask, { adId: 'server-error', images: ['https://example.com/a.png'] }));
      assert.equal(failure.type, FAILURE_TYPES.createOutcomeUnknown, String(status));
      assert.equal(failure.nonRetryable, true);
      assert.equal(sim.counters().apiCalls.create - before, 1, `${status}: sent once`);
    }
  });

  it('treats an edit answered with a 5xx as unclear: the retry looks for its record before sending again', async () => {
    sim.setFaults({ http: [{ endpoint: 'edit', error: { status: 500, code: 'InternalServiceFailure' }, times: 1 }] });
    const input: StartEditInput = {
      mainTaskId: adTaskId,
      kind: 'narration',
      prompt: 'after a server error',
      marker: 'marker-after-500',
      knownRecordIds: records.narration.map((t) => t.id),
    };
    const before = sim.counters();
    const unclear = await failureOf(attempt(1, activities.startEdit, input));
    assert.equal(unclear.type, FAILURE_TYPES.outcomeUnknown);
    assert.equal(unclear.nonRetryable, false);
    assert.equal(sim.counters().apiCalls.edit - before.apiCalls.edit, 1, 'not repeated inside the attempt');
    const retried = await attempt(2, activities.startEdit, input);
    assert.equal(retried.recovered, false, 'the 500 made nothing, so the lookup found nothing and the edit was sent');
    assert.equal(sim.counters().perAd[adTaskId]!.edits - before.perAd[adTaskId]!.edits, 1);
  });

  it('fails a create Vidu refuses for good with its code, without repeating it', async () => {
    sim.setFaults({ http: [{ endpoint: 'create', error: { status: 400, code: 'CreditInsufficient' }, times: 1 }] });
    const before = sim.counters().apiCalls.create;
    const failure = await failureOf(attempt(1, activities.createAdTask, { adId: 'poor', images: ['https://example.com/a.png'] }));
    assert.equal(failure.type, 'CreditInsufficient');
    assert.equal(failure.nonRetryable, true);
    assert.equal(sim.counters().apiCalls.create - before, 1);
    const invalid = await failureOf(attempt(1, activities.createAdTask, { adId: 'bad', images: ['ftp://example.com/a.png'] }));
    assert.equal(invalid.type, FAILURE_TYPES.viduValidation);
    const missing = await failureOf(attempt(1, activities.createAdTask, { adId: 'gone', images: [`stored:images/${'0'.repeat(64)}.png`] }));
    assert.equal(missing.type, 'StoredImageUnavailable');
  });

  it('finds the edit an earlier attempt made instead of paying again', async () => {
    const input: StartEditInput = {
      mainTaskId: adTaskId,
      kind: 'video',
      storyboardIndex: 1,
      prompt: 'answer lost',
      marker: 'marker-lost-answer',
      knownRecordIds: records.storyboards[1]!.map((t) => t.id),
    };
    sim.setFaults({ http: [{ endpoint: 'edit', applyThenDrop: 'reset', times: 1 }] });
    const before = sim.counters().perAd[adTaskId]!.edits;
    const unclear = await failureOf(attempt(1, activities.startEdit, input));
    assert.equal(unclear.type, FAILURE_TYPES.outcomeUnknown);
    assert.equal(unclear.nonRetryable, false, 'Temporal retries it');
    const retried = await attempt(2, activities.startEdit, input);
    assert.equal(retried.recovered, true);
    assert.equal(sim.counters().perAd[adTaskId]!.edits - before, 1, 'one edit, one charge');
    const subRecords = await vidu.getAdSubRecords(adTaskId);
    assert.ok(subRecords.data_records.storyboards[1]!.records.some((r) => r.id === retried.subTaskId));
  });

  it('sends the edit again when the lookup finds nothing (the first request never took effect)', async () => {
    const before = sim.counters().perAd[adTaskId]!.edits;
    const sent = await attempt(2, activities.startEdit, {
      mainTaskId: adTaskId,
      kind: 'bgm',
      prompt: 'never arrived',
      marker: 'marker-never-sent',
      knownRecordIds: records.bgm.map((t) => t.id),
    });
    assert.equal(sent.recovered, false);
    assert.equal(sim.counters().perAd[adTaskId]!.edits - before, 1);
  });

  it('finds a compose that only shows up once it finishes', async () => {
    const input = {
      mainTaskId: adTaskId,
      selection: records.firstSelection!,
      storyboardCount: records.storyboards.length,
      marker: 'marker-compose',
      knownComposeIds: records.composedIds,
    };
    sim.setFaults({ http: [{ endpoint: 'compose', applyThenDrop: 'timeout', times: 1 }] });
    const before = sim.counters().perAd[adTaskId]!.composes;
    const unclear = await failureOf(attempt(1, activities.startCompose, input));
    assert.equal(unclear.type, FAILURE_TYPES.outcomeUnknown);
    const retried = await attempt(2, activities.startCompose, input);
    assert.equal(retried.recovered, true);
    assert.equal(sim.counters().perAd[adTaskId]!.composes - before, 1);
  });

  it('refuses a compose that does not name one video take per storyboard, sending nothing', async () => {
    const selection = records.firstSelection!;
    const before = sim.counters().apiCalls.compose;
    const failure = await failureOf(
      attempt(1, activities.startCompose, {
        mainTaskId: adTaskId,
        selection: { ...selection, videoTaskIds: selection.videoTaskIds.slice(1) },
        storyboardCount: records.storyboards.length,
        marker: 'marker-short',
        knownComposeIds: records.composedIds,
      }),
    );
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /video_task_ids/);
    assert.equal(sim.counters().apiCalls.compose, before);
  });

  it('fails an edit Vidu refuses for good with its code, once', async () => {
    const before = sim.counters().apiCalls.edit;
    const failure = await failureOf(
      attempt(1, activities.startEdit, { mainTaskId: adTaskId, kind: 'video', storyboardIndex: 9, prompt: 'no such storyboard', marker: 'm9', knownRecordIds: [] }),
    );
    assert.equal(failure.type, 'FieldInvalid');
    assert.equal(failure.nonRetryable, true);
    assert.equal(sim.counters().apiCalls.edit - before, 1);
  });

  it('reports a worker shutdown during a rate-limit wait as "retry later", and a real cancel as a cancel', async () => {
    for (const [reason, expected] of [
      ['WORKER_SHUTDOWN', 'retry'],
      ['CANCELLED', 'cancel'],
    ] as const) {
      sim.setFaults({ http: [{ endpoint: 'create', error: { status: 429, code: 'TooManyRequests' } }] });
      const env = new MockActivityEnvironment({ attempt: 1, workflowExecution: WORKFLOW }, { logger: QUIET });
      const slowBackoff = createActivities({ vidu, artifacts: new LocalArtifactStore(dir), recordHeartbeat, rejectionBackoff: { initialMs: 5_000, maxMs: 5_000, tries: 3 } });
      const before = sim.counters().tasksCreated.ad;
      const running = env.run(slowBackoff.createAdTask, { adId: 'interrupted', images: ['https://example.com/a.png'] });
      await new Promise((resolve) => setTimeout(resolve, 100));
      env.cancel(reason, new ActivityCancellationDetails({ workerShutdown: reason === 'WORKER_SHUTDOWN', cancelRequested: reason === 'CANCELLED' }));
      const err = await running.then(
        () => assert.fail('the activity should stop'),
        (e: unknown) => e,
      );
      if (expected === 'retry') {
        assert.ok(err instanceof ApplicationFailure, `got ${String(err)}`);
        assert.equal(err.type, FAILURE_TYPES.retryLater);
        assert.equal(err.nonRetryable, false);
      } else {
        assert.ok(err instanceof CancelledFailure, `got ${String(err)}`);
      }
      assert.equal(sim.counters().tasksCreated.ad, before, 'nothing was created');
    }
  });

  it('answers a refused cancel instead of failing', async () => {
    const outcome = await attempt(1, activities.cancelViduTask, adTaskId);
    assert.equal(outcome.cancelled, false);
    assert.match(outcome.detail ?? '', /already success/);
  });
});
