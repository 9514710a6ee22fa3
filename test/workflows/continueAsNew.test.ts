// Continue-as-new at any stage: an ad whose history grows while it waits
// (here: polling every second through a slow generation and a slow edit)
// hands its state to a new run and finishes there, spending exactly what it
// would have.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusQuery } from '../../src/workflows/ad/contract';
import { suiteHarness, uniqueAdId } from './harness';

describe('continue-as-new while waiting', () => {
  const h = suiteHarness({ timing: { queueMs: 20, processingMs: 6_000, progressSteps: 3 } });

  it('continues as new during generation and editing, keeps its state, and charges once', async () => {
    await h.withWorker(async (taskQueue) => {
      const handle = await h.startAd(taskQueue, {
        adId: uniqueAdId('long-wait'),
        continueAsNewAfterEvents: 50,
        polling: { initialMs: 1_000, maxMs: 1_000 },
        edits: [{ kind: 'video', storyboardIndex: 0, prompt: 'edited across runs' }],
      });
      const result = await handle.result();
      const latest = await h.env.client.workflow.getHandle(handle.workflowId).describe();
      assert.notEqual(latest.runId, handle.firstExecutionRunId, 'the ad continued as new');
      const status = await h.env.client.workflow.getHandle(handle.workflowId).query(statusQuery);
      assert.ok(status.runNumber >= 3, `continued in generation and again while editing (run number ${status.runNumber})`);
      assert.equal(status.stage, 'done');
      assert.equal(result.outcome, 'composed', 'the edit made in an earlier run is in the final video');
      assert.equal(result.editTaskIds.length, 1);
      const perAd = h.sim.counters().perAd[result.mainTaskId]!;
      assert.deepEqual({ creates: perAd.creates, edits: perAd.edits, composes: perAd.composes }, { creates: 1, edits: 1, composes: 1 });
      assert.equal(result.creditsSpent, perAd.creditsCharged);
      const first = await h.env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory();
      assert.ok((first.events?.length ?? 0) < 100, `the first run stayed short (${first.events?.length} events)`);
    });
  });
});
