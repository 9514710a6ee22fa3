// The ad lifecycle end to end on the real dev server and the simulator:
// no edits, edits from the input, lost / duplicated / reordered callbacks,
// a failed main task and a failed edit.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { AD_ID, AD_STAGE, VIDU_TASK_ID } from '../../src/workflows/ad/searchAttributes';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import { statusQuery, type ViduCallbackSignal } from '../../src/workflows/ad/contract';
import { tinyPng } from '../vidu/tinyImages';
import { historyPayloadTexts } from '../entrypoints/historyPayloads';
import { signalsOf } from '../entrypoints/signalHistory';
import { isFinalState } from '../../src/vidu/apiTypes';
import { CALLBACKS_ONLY, failedRun, FAST_POLLING, suiteHarness, uniqueAdId } from './harness';

async function sha256Of(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

describe('ad lifecycle', () => {
  const h = suiteHarness();

  it('makes an ad with no edits from a stored image, carried by callbacks alone', async () => {
    h.sim.setFaults({});
    const image = tinyPng(64, 48);
    const imageRef = await h.artifacts.putImage(image, 'image/png');
    const adId = uniqueAdId('plain');
    await h.withWorker(async (taskQueue) => {
      const relayedBefore = h.relay.stats().signalled;
      const handle = await h.startAd(taskQueue, { adId, images: [imageRef], polling: CALLBACKS_ONLY });
      const result = await handle.result();

      assert.equal(result.adId, adId);
      assert.equal(result.outcome, 'first-video');
      assert.equal(result.composeTaskId, undefined);
      assert.deepEqual(result.editTaskIds, []);
      const perAd = h.sim.counters().perAd[result.mainTaskId];
      assert.deepEqual(perAd && { creates: perAd.creates, edits: perAd.edits, composes: perAd.composes }, { creates: 1, edits: 0, composes: 0 });
      assert.equal(result.creditsSpent, perAd!.creditsCharged, 'the ad tallies exactly what Vidu charged');
      assert.ok(result.creditsSpent > 0);
      assert.ok(h.relay.stats().signalled > relayedBefore, 'callbacks reached the workflow');

      for (const file of [result.video, result.cover]) {
        assert.ok(file.path.includes(adId), `${file.path} is filed under the ad id`);
        assert.equal(await sha256Of(file.path), file.sha256);
        assert.ok(file.bytes > 0);
      }
      assert.match(result.video.contentType, /^video\//);
      assert.match(result.cover.contentType, /^image\//);

      const status = await handle.query(statusQuery);
      assert.equal(status.stage, 'done');
      assert.equal(status.progress, 100);
      assert.deepEqual(status.result, result);
      assert.equal(status.storyboards.length, result.selection.videoTaskIds.length);
      assert.deepEqual(
        status.storyboards.map((s) => s.selectedTakeId),
        result.selection.videoTaskIds,
      );

      const metadata = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
      assert.match(metadata.currentDetails, new RegExp(`\\*\\*done\\*\\*[\\s\\S]*${result.mainTaskId}`), 'the Web UI details say where the ad stands');

      const description = await handle.describe();
      assert.equal(description.typedSearchAttributes.get(AD_STAGE), 'done');
      assert.equal(description.typedSearchAttributes.get(VIDU_TASK_ID), result.mainTaskId);
      assert.equal(description.typedSearchAttributes.get(AD_ID), adId);

      // Decoded payloads: the reference must be visible in them, the image bytes must not.
      const { workflowInput, activityInputs } = historyPayloadTexts(await handle.fetchHistory());
      assert.ok(workflowInput.some((text) => text.includes(imageRef)), 'the workflow input holds the stored reference');
      assert.ok(activityInputs.some((text) => text.includes(imageRef)), 'the create activity gets the stored reference');
      for (const text of [...workflowInput, ...activityInputs]) {
        assert.ok(!text.includes('data:image'), `no data URI in a history payload: ${text.slice(0, 200)}`);
        assert.ok(!text.includes(image.toString('base64').slice(0, 40)), `no image base64 in a history payload: ${text.slice(0, 200)}`);
      }
    });
  });

  it('applies the edits given in the input and composes the new selection', async () => {
    h.sim.setFaults({});
    const adId = uniqueAdId('input-edits');
    await h.withWorker(async (taskQueue) => {
      const handle = await h.startAd(taskQueue, {
        adId,
        polling: CALLBACKS_ONLY,
        edits: [
          { kind: 'video', storyboardIndex: 1, prompt: 'the bottle in the rain' },
          { kind: 'video', storyboardIndex: 2, prompt: 'the bottle at sunset' },
          { kind: 'narration', prompt: 'Stay fresh all day.' },
        ],
      });
      const result = await handle.result();
      assert.equal(result.outcome, 'composed');
      assert.ok(result.composeTaskId);
      assert.equal(result.editTaskIds.length, 3);
      const status = await handle.query(statusQuery);
      const [rain, sunset, narration] = status.edits;
      assert.deepEqual(
        status.edits.map((e) => e.state),
        ['succeeded', 'succeeded', 'succeeded'],
      );
      assert.equal(result.selection.videoTaskIds[1], rain!.subTaskId);
      assert.equal(result.selection.videoTaskIds[2], sunset!.subTaskId);
      assert.equal(result.selection.narrationTaskId, narration!.subTaskId);
      assert.equal(result.selection.videoTaskIds[0], status.storyboards[0]!.takes[0]!.id, 'storyboard 0 keeps its first take');

      const perAd = h.sim.counters().perAd[result.mainTaskId]!;
      assert.deepEqual({ creates: perAd.creates, edits: perAd.edits, composes: perAd.composes }, { creates: 1, edits: 3, composes: 1 });
      assert.equal(result.creditsSpent, perAd.creditsCharged);
    });
  });

  it('finishes by polling when every callback is lost', async () => {
    h.sim.setFaults({ callbacks: { drop: 1 } });
    const adId = uniqueAdId('no-callbacks');
    try {
      await h.withWorker(async (taskQueue) => {
        const droppedBefore = h.sim.counters().callbacks.dropped;
        const relayedBefore = h.relay.stats().signalled;
        const handle = await h.startAd(taskQueue, {
          adId,
          polling: FAST_POLLING,
          edits: [{ kind: 'video', storyboardIndex: 0, prompt: 'close-up of the cap' }],
        });
        const result = await handle.result();
        assert.equal(result.outcome, 'composed');
        assert.ok(h.sim.counters().callbacks.dropped > droppedBefore, 'the simulator dropped callbacks');
        assert.equal(h.relay.stats().signalled, relayedBefore, 'no callback reached the workflow');
        const perAd = h.sim.counters().perAd[result.mainTaskId]!;
        assert.deepEqual({ creates: perAd.creates, edits: perAd.edits, composes: perAd.composes }, { creates: 1, edits: 1, composes: 1 });
      });
    } finally {
      h.sim.setFaults({});
    }
  });

  it('is unharmed by duplicated and reordered callbacks', async () => {
    h.sim.setFaults({ callbacks: { duplicate: 1, reorder: true } });
    const adId = uniqueAdId('messy-callbacks');
    try {
      await h.withWorker(async (taskQueue) => {
        const handle = await h.startAd(taskQueue, {
          adId,
          polling: CALLBACKS_ONLY,
          edits: [{ kind: 'bgm', prompt: 'calm piano' }],
        });
        const result = await handle.result();
        assert.equal(result.outcome, 'composed');
        const status = await handle.query(statusQuery);
        assert.equal(status.lastError, undefined);
        assert.equal(status.edits[0]!.state, 'succeeded');
        const perAd = h.sim.counters().perAd[result.mainTaskId]!;
        assert.deepEqual({ creates: perAd.creates, edits: perAd.edits, composes: perAd.composes }, { creates: 1, edits: 1, composes: 1 });
        assert.equal(result.creditsSpent, perAd.creditsCharged);

        // The faults really happened: the workflow got more callbacks than there were state
        // changes, and the main task's final state reached it before its earlier states.
        const callbacks = (await signalsOf(h.env.client, handle.workflowId))
          .filter((s) => s.name === 'viduCallback')
          .map((s) => s.args[0] as ViduCallbackSignal);
        const stateChanges = new Set(callbacks.map(({ nonce: _nonce, ...change }) => JSON.stringify(change)));
        assert.ok(callbacks.length > stateChanges.size, `duplicates reached the workflow: ${callbacks.length} callbacks, ${stateChanges.size} distinct`);
        const mainStates = callbacks.filter((b) => b.taskId === result.mainTaskId).map((b) => b.state ?? '');
        const firstFinal = mainStates.findIndex((state) => isFinalState(state));
        assert.ok(firstFinal >= 0, `the main task's final callback arrived: ${mainStates.join(', ')}`);
        assert.ok(
          mainStates.slice(firstFinal + 1).some((state) => !isFinalState(state)),
          `an earlier state arrived after the final one: ${mainStates.join(', ')}`,
        );
      });
    } finally {
      h.sim.setFaults({});
    }
  });

  it('fails the ad with ViduTaskFailed when the main task fails', async () => {
    h.sim.setFaults({ taskFailures: [{ kind: 'ad', errCode: 'AuditSubmitIllegal' }] });
    const adId = uniqueAdId('failed-main');
    try {
      await h.withWorker(async (taskQueue) => {
        const handle = await h.startAd(taskQueue, { adId, polling: CALLBACKS_ONLY });
        const err = await failedRun(handle, 'the ad should fail');
        assert.equal(err.cause.type, FAILURE_TYPES.taskFailed);
        assert.match(err.cause.message, /AuditSubmitIllegal/);
        const status = await handle.query(statusQuery);
        assert.equal(status.stage, 'failed');
        assert.equal(status.creditsSpent, 0, 'a failed task is not charged');
        assert.equal((await handle.describe()).typedSearchAttributes.get(AD_STAGE), 'failed');
      });
    } finally {
      h.sim.setFaults({});
    }
  });

  it('reports a failed edit, keeps the previous take and still finishes', async () => {
    h.sim.setFaults({ taskFailures: [{ kind: 'edit', errCode: 'CreationPolicyViolation', editType: 'generate_video' }] });
    const adId = uniqueAdId('failed-edit');
    try {
      await h.withWorker(async (taskQueue) => {
        const handle = await h.startAd(taskQueue, {
          adId,
          polling: CALLBACKS_ONLY,
          edits: [
            { kind: 'video', storyboardIndex: 0, prompt: 'this one fails' },
            { kind: 'bgm', prompt: 'this one works' },
          ],
        });
        const result = await handle.result();
        const status = await handle.query(statusQuery);
        const [failed, works] = status.edits;
        assert.equal(failed!.state, 'failed');
        assert.match(failed!.error ?? '', /CreationPolicyViolation/);
        assert.equal(works!.state, 'succeeded');
        assert.match(status.lastError ?? '', /storyboard 0/);
        assert.equal(result.outcome, 'composed');
        assert.notEqual(result.selection.videoTaskIds[0], failed!.subTaskId, 'the failed take is not selected');
        assert.equal(result.selection.videoTaskIds[0], status.storyboards[0]!.takes[0]!.id);
        assert.equal(result.selection.bgmTaskId, works!.subTaskId);
        const perAd = h.sim.counters().perAd[result.mainTaskId]!;
        assert.equal(result.creditsSpent, perAd.creditsCharged, 'the failed edit is not counted');
      });
    } finally {
      h.sim.setFaults({});
    }
  });
});
