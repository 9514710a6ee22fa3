// A worker killed with SIGKILL in each stage of an ad (mid create request,
// during the generation, mid edit request, mid compose request, mid
// download), then a new worker process started: every ad ends done and
// Vidu charged it exactly once. The ads ask for a 10 s heartbeat timeout, so
// Temporal notices the dead worker's activities quickly.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { SimEndpoint } from '../../src/simulator';
import { ONE_EDIT, ONE_EDIT_CHARGES } from './adPlans';
import { FaultRig, type AdRun, type WorkerMode } from './rig';
import { SUITE } from './suiteSize';

/** Long enough to kill the worker while Vidu holds the request, short enough not to slow the case. */
const HELD_MS = 2_500;

/** The ad's saved result files (everything in its artifact folder but the take copies and unfinished writes). */
function resultFilesOf(rig: FaultRig, ad: AdRun): string[] {
  const folder = path.join(rig.artifactDir, ad.adId);
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((name) => name !== 'takes' && !name.endsWith('.tmp'));
}

describe(`fault suite (${SUITE.name}): worker killed with SIGKILL`, { timeout: 15 * 60_000 }, () => {
  let rig: FaultRig;
  before(async () => {
    rig = await FaultRig.open({ name: 'worker-kill' });
  });
  beforeEach(() => rig.beginCase());
  afterEach(() => rig.endCase());
  after(() => rig?.close());

  /** Holds the next requests to `endpoint` at Vidu, starts the ads, and kills the worker once all are held. */
  async function killMidRequest(endpoint: SimEndpoint, label: string, mode: WorkerMode = 'callbacks'): Promise<AdRun[]> {
    const before = await rig.sim.counters();
    await rig.setFaults({ http: [{ endpoint, latencyMs: HELD_MS, times: SUITE.adsPerCase }] });
    // A bounded adopt window: a create that is never adopted fails within the case instead of waiting two hours.
    const ads = await rig.startAds(SUITE.adsPerCase, label, { mode, input: { edits: ONE_EDIT, createAdoptWindowMs: 30_000 } });
    await rig.waitForVidu((c) => c.apiCalls[endpoint] - before.apiCalls[endpoint] >= SUITE.adsPerCase, `${endpoint} requests held at Vidu`);
    await rig.killWorker(mode);
    return ads;
  }

  it('finishes an ad whose worker died in the middle of the create request, with one create', { timeout: SUITE.caseTimeoutMs }, async () => {
    const ads = await killMidRequest('create', 'kill-create');
    for (const ad of ads) assert.deepEqual(await rig.viduTasksOf(ad), [], 'the worker died before Vidu made the task');
    await rig.startWorker();
    for (const ad of ads) await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
  });

  it('never sends again a create that reached Vidu when callbacks are off: the ad fails as an unknown create, Vidu made one task', { timeout: SUITE.caseTimeoutMs }, async () => {
    // The request left (its evidence was recorded first), and without callbacks nothing can tell the
    // workflow which task it made: trying again could pay twice, so the ad fails and names its attempt.
    await rig.startWorker('polling');
    const ads = await killMidRequest('create', 'kill-create-polling', 'polling');
    await rig.startWorker('polling');
    for (const ad of ads) {
      const failure = await rig.failure(ad);
      assert.equal(failure.type, 'ViduCreateOutcomeUnknown', `${ad.adId}: ${failure.message}`);
      assert.match(failure.message, /Heartbeat timeout/);
      assert.equal((await rig.viduTasksOf(ad)).length, 1, `${ad.adId}: its request reached Vidu, which made one task and no other`);
    }
  });

  it('finishes an ad whose worker died while Vidu generated it', { timeout: SUITE.caseTimeoutMs }, async () => {
    const ads = await rig.startAds(SUITE.adsPerCase, 'kill-generating', { input: { edits: ONE_EDIT } });
    for (const ad of ads) await rig.waitForStage(ad, 'generating');
    await rig.killWorker();
    const generating = (await rig.sim.ads()).filter((task) => ads.some((ad) => task.images.includes(ad.image)));
    assert.ok(
      generating.some((task) => task.state !== 'success'),
      `the worker died before the generation ended (${generating.map((t) => t.state).join(', ')})`,
    );
    await rig.startWorker();
    for (const ad of ads) await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
  });

  it('finishes an ad whose worker died in the middle of the edit request, with one edit', { timeout: SUITE.caseTimeoutMs }, async () => {
    const before = await rig.sim.counters();
    const ads = await killMidRequest('edit', 'kill-edit');
    const atKill = await rig.sim.counters();
    assert.equal(atKill.tasksCreated.edit - before.tasksCreated.edit, 0, 'the worker died before Vidu made the edits');
    await rig.startWorker();
    for (const ad of ads) await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
  });

  it('finishes an ad whose worker died in the middle of the compose request, with one compose', { timeout: SUITE.caseTimeoutMs }, async () => {
    const before = await rig.sim.counters();
    const ads = await killMidRequest('compose', 'kill-compose');
    const atKill = await rig.sim.counters();
    assert.equal(atKill.tasksCreated.compose - before.tasksCreated.compose, 0, 'the worker died before Vidu made the composes');
    await rig.startWorker();
    for (const ad of ads) await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
  });

  it('finishes an ad whose worker died in the middle of saving the video', { timeout: SUITE.caseTimeoutMs }, async () => {
    // Downloads are held, so the save is surely in flight when the worker dies.
    await rig.setFaults({ media: { latencyMs: 4_000 } });
    const ads = await rig.startAds(SUITE.adsPerCase, 'kill-saving', { input: { edits: ONE_EDIT } });
    for (const ad of ads) await rig.waitForStage(ad, 'saving');
    // The save was handed to the worker (scheduled in history); its download is then held by Vidu.
    for (const ad of ads) await rig.waitForActivity(ad, /^saveResult$/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await rig.killWorker();
    // Take copies may be downloading too (they start once the records are read),
    // so the check is on the result: none of its files reached the store.
    for (const ad of ads) assert.deepEqual(resultFilesOf(rig, ad), [], `${ad.adId}: the worker died before the result was saved`);
    await rig.setFaults({});
    await rig.startWorker();
    for (const ad of ads) await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
  });

  it('wrote no API key or signed media URL to any log or history', async () => {
    await rig.expectNoSecrets();
  });
});
