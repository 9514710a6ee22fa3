// Vidu queueing a task for longer than the processing deadline: the deadline
// counts from when Vidu reports the task processing, so a long queue (here:
// an account that runs one task at a time, with ads lined up behind each
// other) fails nothing. Its own rig, because the simulator's concurrency
// limit is fixed at start.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { NO_EDIT_CHARGES } from './adPlans';
import { FaultRig } from './rig';
import { SUITE } from './suiteSize';

/** The smallest deadline the input allows. */
const TASK_DEADLINE_MS = 5_000;
const PROCESSING_MS = 2_000;

describe(`fault suite (${SUITE.name}): queueing longer than the processing deadline`, { timeout: 15 * 60_000 }, () => {
  let rig: FaultRig;
  before(async () => {
    rig = await FaultRig.open({ name: 'queueing', simulator: { concurrencyLimit: 1, processingMs: PROCESSING_MS } });
  });
  beforeEach(() => rig.beginCase());
  afterEach(() => rig.endCase());
  after(() => rig?.close());

  it(`finishes ${SUITE.queuedAds} ads queued one behind the other, each processing well within a ${TASK_DEADLINE_MS / 1000} s deadline`, { timeout: SUITE.caseTimeoutMs }, async () => {
    const startedAt = Date.now();
    const ads = await rig.startAds(SUITE.queuedAds, 'queued', { input: { taskDeadlineMs: TASK_DEADLINE_MS } });
    const finishedAfter: number[] = [];
    for (const ad of ads) {
      await rig.expectExactlyOnce(ad, NO_EDIT_CHARGES);
      finishedAfter.push(Date.now() - startedAt);
    }
    // One task at a time: the last ad's task waited for all the others' processing.
    const queuedAtLeast = (SUITE.queuedAds - 1) * PROCESSING_MS;
    assert.ok(queuedAtLeast > TASK_DEADLINE_MS, 'the case is built so that the last ad queues longer than the deadline');
    assert.ok(Math.max(...finishedAfter) > queuedAtLeast, `the last ad finished after its queue (${JSON.stringify(finishedAfter)} ms)`);
  });

  it('wrote no API key or signed media URL to any log or history', async () => {
    await rig.expectNoSecrets();
  });
});
