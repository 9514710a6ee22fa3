// Our own infrastructure down while ads wait: the Temporal dev server stopped
// and started again on its SQLite file, and the webhook receiver down while
// Vidu calls back. Callbacks made meanwhile are lost or refused (Vidu gives
// up after its retries); polling finds the outcome, and every ad ends done,
// charged once.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { ONE_EDIT, ONE_EDIT_CHARGES } from './adPlans';
import { FaultRig } from './rig';
import { SUITE } from './suiteSize';

const N = SUITE.adsPerCase;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`fault suite (${SUITE.name}): Temporal and the receiver down`, { timeout: 15 * 60_000 }, () => {
  let rig: FaultRig;
  before(async () => {
    rig = await FaultRig.open({ name: 'temporal-receiver-down', ownTemporal: true });
  });
  beforeEach(() => rig.beginCase());
  afterEach(async () => {
    await rig.temporal.start();
    await rig.endCase();
  });
  after(() => rig?.close());

  it(`finishes ads whose Temporal server was down ${SUITE.temporalDownMs / 1000} s and came back on its SQLite file`, { timeout: SUITE.caseTimeoutMs }, async () => {
    const ads = await rig.startAds(N, 'temporal-down', { input: { edits: ONE_EDIT } });
    for (const ad of ads) await rig.waitForStage(ad, 'generating');
    await rig.temporal.stop();
    await sleep(SUITE.temporalDownMs);
    const tasks = (await rig.sim.ads()).filter((task) => ads.some((ad) => task.images.includes(ad.image)));
    assert.ok(
      tasks.length === N && tasks.every((task) => task.state === 'success'),
      `Vidu finished the ads while Temporal was down (${tasks.map((t) => t.state).join(', ')})`,
    );
    await rig.temporal.start();
    // A worker that gave up while the server was away is started again, as a supervisor would.
    await rig.startWorker();
    for (const ad of ads) await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
  });

  it('finishes by polling the ads whose callbacks found the receiver down', { timeout: SUITE.caseTimeoutMs }, async () => {
    await rig.stopReceiver();
    const before = await rig.sim.counters();
    const ads = await rig.startAds(N, 'receiver-down', { input: { edits: ONE_EDIT, polling: { initialMs: 1_000, maxMs: 2_000 } } });
    for (const ad of ads) await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
    const afterwards = await rig.sim.counters();
    assert.equal(afterwards.callbacks.delivered - before.callbacks.delivered, 0, 'no callback got through');
    assert.ok(afterwards.callbacks.failed - before.callbacks.failed >= 3 * N, 'Vidu tried to call back and gave up');
  });

  it('wrote no API key or signed media URL to any log or history', async () => {
    await rig.expectNoSecrets();
  });
});
