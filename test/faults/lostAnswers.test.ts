// "Apply then drop": Vidu makes (and charges) the task, then the answer is
// lost to a reset connection or a timeout. A create is adopted from the
// callback that carries its attempt marker when callbacks are on; without
// callbacks nothing can identify the task, so the ad fails saying so, with
// the marker to look for. Edits and composes find their record by the marker
// in its payload. Either way Vidu is never paid twice.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import { ONE_EDIT, ONE_EDIT_CHARGES } from './adPlans';
import { FaultRig, type WorkerMode } from './rig';
import { SUITE } from './suiteSize';

const N = SUITE.adsPerCase;

describe(`fault suite (${SUITE.name}): answers lost after Vidu applied the request`, { timeout: 15 * 60_000 }, () => {
  let rig: FaultRig;
  before(async () => {
    // A short client timeout, so that "apply then drop: timeout" ends quickly.
    rig = await FaultRig.open({ name: 'lost-answers', viduTimeoutMs: 1_500 });
  });
  beforeEach(() => rig.beginCase());
  afterEach(async () => {
    await rig.stopWorker('polling');
    await rig.endCase();
  });
  after(() => rig?.close());

  for (const drop of ['reset', 'timeout'] as const) {
    it(`adopts a create whose answer was lost (${drop}) from its callback, with one create`, { timeout: SUITE.caseTimeoutMs }, async () => {
      await rig.setFaults({ http: [{ endpoint: 'create', applyThenDrop: drop, times: N }] });
      // A bounded adopt window: an ad that never adopts fails within the case instead of waiting two hours.
      const ads = await rig.startAds(N, `drop-create-${drop}`, { input: { edits: ONE_EDIT, createAdoptWindowMs: 30_000 } });
      for (const ad of ads) await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
    });
  }

  it('fails an ad whose create answer was lost without callbacks, naming the attempt marker, with one create', { timeout: SUITE.caseTimeoutMs }, async () => {
    await rig.startWorker('polling');
    await rig.setFaults({ http: [{ endpoint: 'create', applyThenDrop: 'reset', times: N }] });
    const ads = await rig.startAds(N, 'drop-create-polling', { mode: 'polling' });
    for (const ad of ads) {
      const failure = await rig.failure(ad);
      assert.equal(failure.type, FAILURE_TYPES.createOutcomeUnknown);
      const details = (failure.details?.[0] ?? {}) as { attemptMarker?: unknown };
      assert.equal(typeof details.attemptMarker, 'string', `the failure names the attempt's marker: ${JSON.stringify(failure.details)}`);
      assert.ok((details.attemptMarker as string).length > 0);
      const tasks = await rig.viduTasksOf(ad);
      assert.equal(tasks.length, 1, 'Vidu made the one task, and no second');
      assert.equal((await rig.viduAdOf(ad)).callbackUrl, undefined, 'the polling worker gave Vidu no callback URL');
      assert.equal((await rig.sim.counters()).perAd[tasks[0]!]!.creates, 1);
      assert.equal((await rig.status(ad))?.stage, 'failed');
    }
  });

  const subTaskCases: Array<{ mode: WorkerMode; edit: 'reset' | 'timeout'; compose: 'reset' | 'timeout' }> = [
    { mode: 'callbacks', edit: 'reset', compose: 'timeout' },
    { mode: 'polling', edit: 'timeout', compose: 'reset' },
  ];
  for (const { mode, edit, compose } of subTaskCases) {
    it(`pays once for an edit (${edit}) and a compose (${compose}) whose answers were lost, ${mode === 'callbacks' ? 'with' : 'without'} callbacks`, { timeout: SUITE.caseTimeoutMs }, async () => {
      if (mode === 'polling') await rig.startWorker('polling');
      const before = await rig.sim.counters();
      await rig.setFaults({
        http: [
          { endpoint: 'edit', applyThenDrop: edit, times: N },
          { endpoint: 'compose', applyThenDrop: compose, times: N },
        ],
      });
      const ads = await rig.startAds(N, `drop-sub-${mode}`, { mode, input: { edits: ONE_EDIT } });
      for (const ad of ads) await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
      const afterwards = await rig.sim.counters();
      assert.ok(afterwards.apiCalls.edit - before.apiCalls.edit <= N, 'no edit was sent again: the retry found the record');
      assert.ok(afterwards.apiCalls.compose - before.apiCalls.compose <= N, 'no compose was sent again: the retry found the record');
    });
  }

  it('wrote no API key or signed media URL to any log or history', async () => {
    await rig.expectNoSecrets();
  });
});
