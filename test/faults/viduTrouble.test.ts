// Vidu refusing (429 bursts), failing (500 bursts), unreachable (every
// endpoint 503 for a while, right after the main task succeeded) and handing
// out media URLs that expire before the download. None of it fails an ad or
// makes it pay twice; while it waits, the status says what it waits for.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import type { AdStatus } from '../../src/workflows/ad/contract';
import { ONE_EDIT, ONE_EDIT_CHARGES } from './adPlans';
import { FaultRig, type AdRun, type StatusWatch } from './rig';
import { SUITE } from './suiteSize';

const N = SUITE.adsPerCase;
const TOO_MANY = { status: 429, code: 'TooManyRequests' };
const INTERNAL = { status: 500, code: 'InternalServiceFailure' };
const UNAVAILABLE = { status: 503, code: 'ServiceUnavailable' };

function waitingForSeen(watch: StatusWatch, ad: AdRun): string[] {
  return [...new Set(watch.samples(ad).flatMap((s: AdStatus) => (s.waitingFor ? [s.waitingFor] : [])))];
}

describe(`fault suite (${SUITE.name}): Vidu refusing, failing and unreachable`, { timeout: 20 * 60_000 }, () => {
  let rig: FaultRig;
  before(async () => {
    // Few quick tries inside one activity: a burst longer than them has to be waited out by the workflow, where the status shows it.
    // A short record lookup: after a 500 (which made nothing here) the retry looks for a record that never comes.
    rig = await FaultRig.open({
      name: 'vidu-trouble',
      activityTuning: { rejectionBackoff: { initialMs: 200, maxMs: 400, tries: 2 }, recordLookupMs: 2_000 },
    });
  });
  beforeEach(() => rig.beginCase());
  afterEach(() => rig.endCase());
  after(() => rig?.close());

  it('waits out 429 bursts on create, edit and compose, says so, and pays once', { timeout: SUITE.caseTimeoutMs }, async () => {
    await rig.setFaults({
      http: [
        { endpoint: 'create', error: TOO_MANY, forMs: 4_000 },
        { endpoint: 'edit', error: TOO_MANY, from: 'adSuccess', forMs: 4_000 },
        { endpoint: 'compose', error: TOO_MANY, times: 3 * N },
      ],
    });
    const ads = await rig.startAds(N, 'burst-429', { input: { edits: ONE_EDIT } });
    const watch = rig.watch(ads);
    try {
      for (const ad of ads) await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
    } finally {
      await watch.stop();
    }
    for (const ad of ads) {
      assert.ok(!watch.samples(ad).some((s) => s.stage === 'failed'), 'never failed');
      const seen = waitingForSeen(watch, ad);
      assert.ok(seen.some((w) => /rate|429|too ?many|quota|limit/i.test(w)), `the status said Vidu rate-limited the ad; waitingFor seen: ${JSON.stringify(seen)}`);
    }
  });

  it('rides out 500 bursts on reads, edit and compose without paying twice', { timeout: SUITE.caseTimeoutMs }, async () => {
    await rig.setFaults({
      http: [
        { endpoint: 'creations', error: INTERNAL, times: 2 * N },
        { endpoint: 'subRecords', error: INTERNAL, times: 2 * N },
        { endpoint: 'edit', error: INTERNAL, times: N },
        { endpoint: 'compose', error: INTERNAL, times: N },
      ],
    });
    const before = await rig.sim.counters();
    const ads = await rig.startAds(N, 'burst-500', { input: { edits: ONE_EDIT } });
    for (const ad of ads) await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
    const afterwards = await rig.sim.counters();
    assert.ok(afterwards.apiCalls.edit - before.apiCalls.edit > N, 'the 500s on edit were met and retried');
  });

  it('fails a create answered 500 once the adopt window passes with no callback, having paid nothing', { timeout: SUITE.caseTimeoutMs }, async () => {
    // A 500 may come from a server that made the task before failing, so the
    // create is not simply sent again: with callbacks on, the ad waits for a
    // callback carrying the attempt's marker; none comes (the simulator's 500
    // made nothing), and the ad fails as "outcome unknown" rather than risk paying twice.
    await rig.setFaults({ http: [{ endpoint: 'create', error: INTERNAL, times: N }] });
    const ads = await rig.startAds(N, 'create-500', { input: { createAdoptWindowMs: 3_000 } });
    for (const ad of ads) {
      const failure = await rig.failure(ad);
      assert.equal(failure.type, FAILURE_TYPES.createOutcomeUnknown);
      assert.deepEqual(await rig.viduTasksOf(ad), [], 'nothing was made, nothing charged');
    }
  });

  it(`waits out a ${SUITE.outageMs / 1000} s outage right after the main task succeeds, saying Vidu is unreachable`, { timeout: SUITE.caseTimeoutMs + SUITE.outageMs }, async () => {
    rig.beginCase(SUITE.caseTimeoutMs + SUITE.outageMs);
    await rig.setFaults({ http: [{ endpoint: '*', error: UNAVAILABLE, from: 'adSuccess', forMs: SUITE.outageMs }] });
    const startedAt = Date.now();
    const ads = await rig.startAds(N, 'outage', { input: { edits: ONE_EDIT } });
    const watch = rig.watch(ads);
    try {
      for (const ad of ads) await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
    } finally {
      await watch.stop();
    }
    assert.ok(Date.now() - startedAt >= SUITE.outageMs, 'the ads could only finish after the outage');
    for (const ad of ads) {
      assert.ok(!watch.samples(ad).some((s) => s.stage === 'failed'), 'never failed');
      const seen = waitingForSeen(watch, ad);
      assert.ok(seen.some((w) => /unreachable|unavailable|outage|503/i.test(w)), `the status said Vidu was unreachable; waitingFor seen: ${JSON.stringify(seen)}`);
    }
  });

  it('saves with fresh URLs when the first ones expire before the download', { timeout: SUITE.caseTimeoutMs }, async () => {
    const before = await rig.sim.counters();
    await rig.setFaults({ media: { expireNext: 2 * N } });
    const ads = await rig.startAds(N, 'expired-media', { input: { edits: ONE_EDIT } });
    for (const ad of ads) await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
    const afterwards = await rig.sim.counters();
    assert.equal(afterwards.media.expired - before.media.expired, 2 * N, 'downloads were refused as expired');
    assert.ok(afterwards.media.served - before.media.served >= 2 * N, 'then video and cover were served');
  });

  it('wrote no API key or signed media URL to any log or history', async () => {
    await rig.expectNoSecrets();
  });
});
