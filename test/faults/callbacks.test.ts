// Vidu's callbacks misbehaving: dropped, duplicated, delayed, reordered, or
// lying in the body (the signature covers the URL, not the body). Callbacks
// only hint; the query API decides, and polling covers for silence. Each case
// ends with every ad done and charged exactly once.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { CallbackFault } from '../../src/simulator';
import { ONE_EDIT, ONE_EDIT_CHARGES } from './adPlans';
import { FaultRig, type AdRun } from './rig';
import { SUITE } from './suiteSize';

describe(`fault suite (${SUITE.name}): callbacks`, { timeout: 15 * 60_000 }, () => {
  let rig: FaultRig;
  before(async () => {
    rig = await FaultRig.open({ name: 'callbacks' });
  });
  beforeEach(() => rig.beginCase());
  afterEach(() => rig.endCase());
  after(() => rig?.close());

  /** Runs the case's ads under the callback fault; returns the counters' callback figures for the case. */
  async function adsUnder(label: string, callbacks: CallbackFault): Promise<{ ads: AdRun[]; dropped: number; delivered: number; lied: number }> {
    const before = (await rig.sim.counters()).callbacks;
    await rig.setFaults({ callbacks });
    const ads = await rig.startAds(SUITE.adsPerCase, label, { input: { edits: ONE_EDIT } });
    for (const ad of ads) await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
    const afterwards = (await rig.sim.counters()).callbacks;
    return { ads, dropped: afterwards.dropped - before.dropped, delivered: afterwards.delivered - before.delivered, lied: afterwards.lied - before.lied };
  }

  it('finishes by polling when every callback is dropped', { timeout: SUITE.caseTimeoutMs }, async () => {
    const figures = await adsUnder('cb-dropped', { drop: 1 });
    assert.ok(figures.dropped >= 3 * SUITE.adsPerCase, `callbacks were dropped (${figures.dropped})`);
    assert.equal(figures.delivered, 0, 'none got through');
  });

  it('is not moved twice by callbacks that arrive twice', { timeout: SUITE.caseTimeoutMs }, async () => {
    const figures = await adsUnder('cb-duplicated', { duplicate: 1 });
    assert.ok(figures.delivered >= 2 * 3 * SUITE.adsPerCase, `each callback came twice (${figures.delivered} delivered)`);
  });

  it('takes late callbacks for tasks it has moved past in its stride', { timeout: SUITE.caseTimeoutMs }, async () => {
    await adsUnder('cb-delayed', { delayMs: 3_000 });
  });

  it('is not confused by callbacks that arrive newest first', { timeout: SUITE.caseTimeoutMs }, async () => {
    await adsUnder('cb-reordered', { reorder: true });
  });

  it('believes no callback body until the query API agrees', { timeout: SUITE.caseTimeoutMs }, async () => {
    const readsBefore = (await rig.sim.counters()).subRecordReadsBeforeSuccess;
    const figures = await adsUnder('cb-lying', { lies: ['success', 'failed', 'other-task'] });
    assert.ok(figures.lied >= 3 * SUITE.adsPerCase, `lies were told (${figures.lied})`);
    const readsAfter = (await rig.sim.counters()).subRecordReadsBeforeSuccess;
    assert.equal(readsAfter - readsBefore, 0, 'no ad read its storyboards before Vidu said the ad had succeeded');
    // Each step that follows a task began only after Vidu had really finished that task, whatever the lies said before.
    for (const ad of figures.ads) {
      const vidu = await rig.viduAdOf(ad);
      const edit = vidu.subTasks.find((t) => t.kind === 'edit')!;
      const compose = vidu.subTasks.find((t) => t.kind === 'compose')!;
      const steps: Array<[string, RegExp, number]> = [
        ['reading the storyboards', /subrecord/i, vidu.finishedAt!],
        ['composing', /compose/i, edit.finishedAt!],
        ['saving', /^saveResult$/, compose.finishedAt!], // (saveTakes copies takes earlier, by design)
      ];
      for (const [what, activity, notBefore] of steps) {
        const scheduled = await rig.activitiesScheduled(ad, activity);
        assert.ok(scheduled.length > 0, `${ad.adId}: found ${what} (${activity}) in the history`);
        assert.ok(Math.min(...scheduled) >= notBefore, `${ad.adId}: ${what} began ${notBefore - Math.min(...scheduled)} ms before Vidu finished the task before it`);
      }
    }
  });

  it('wrote no API key or signed media URL to any log or history', async () => {
    await rig.expectNoSecrets();
  });
});
