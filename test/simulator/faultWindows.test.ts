// HTTP fault rules that apply for a window of time (`forMs`), opened when the
// config is set or when the next main ad task succeeds (`from: 'adSuccess'`):
// how the fault suite stages "Vidu is down for a minute right after the ad".
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFaultConfig } from '../../src/simulator/faultConfigSchema';
import { FaultPlan } from '../../src/simulator/faults';
import type { ViduSimulator } from '../../src/simulator/index';
import { api, createAd, startFastSimulator, waitFor, waitForState } from './helpers';

const UNAVAILABLE = { status: 503, code: 'ServiceUnavailable' };

test('a forMs rule applies from when it is set until its window closes, then it is spent', () => {
  let now = 1_000;
  const plan = new FaultPlan(Math.random, () => now);
  plan.replace({ http: [{ endpoint: '*', error: UNAVAILABLE, forMs: 500 }] });
  assert.equal(plan.forRequest('creations', '1').error?.status, 503);
  now = 1_499;
  assert.equal(plan.forRequest('create', undefined).error?.status, 503);
  now = 1_500;
  assert.equal(plan.forRequest('create', undefined).error, undefined, 'the window is [set, set + forMs)');
});

test('a from adSuccess rule sleeps until the next ad succeeds, then opens its window', () => {
  let now = 0;
  const plan = new FaultPlan(Math.random, () => now);
  plan.replace({ http: [{ endpoint: 'subRecords', error: UNAVAILABLE, from: 'adSuccess', forMs: 100 }] });
  now = 10_000;
  assert.equal(plan.forRequest('subRecords', '1').error, undefined, 'dormant: no ad has succeeded since the config was set');
  plan.adSucceeded();
  now = 10_099;
  assert.equal(plan.forRequest('subRecords', '1').error?.status, 503);
  plan.adSucceeded();
  now = 10_100;
  assert.equal(plan.forRequest('subRecords', '1').error, undefined, 'a later success does not open the window again');
});

test('the schema takes forMs and from, and refuses nonsense values', () => {
  assert.ok(checkFaultConfig({ http: [{ endpoint: '*', error: UNAVAILABLE, forMs: 60_000, from: 'adSuccess' }] }).ok);
  const zero = checkFaultConfig({ http: [{ endpoint: '*', error: UNAVAILABLE, forMs: 0 }] });
  assert.ok(!zero.ok && /forMs/.test(zero.reason));
  const when = checkFaultConfig({ http: [{ endpoint: '*', error: UNAVAILABLE, from: 'later' }] });
  assert.ok(!when.ok && /from/.test(when.reason));
});

let sim: ViduSimulator;
before(async () => {
  sim = await startFastSimulator();
});
after(() => sim.close());
beforeEach(() => sim.reset());

test('over HTTP: an outage opened by an ad`s success answers 503 on every endpoint, then ends', async () => {
  sim.setFaults({ http: [{ endpoint: '*', error: UNAVAILABLE, from: 'adSuccess', forMs: 400 }] });
  const id = await createAd(sim);
  assert.equal((await api(sim, 'GET', '/ent/v2/credits')).status, 200, 'nothing is down before the ad succeeds');
  await waitFor('the outage to begin', async () => (await api(sim, 'GET', `/ent/v2/tasks/${id}/creations`)).status === 503);
  const during = await api(sim, 'GET', `/ent/v2/ad-one-click/${id}`);
  assert.deepEqual([during.status, during.body.reason], [503, 'ServiceUnavailable']);
  await waitFor('the outage to end', async () => (await api(sim, 'GET', '/ent/v2/credits')).status === 200);
  assert.equal((await waitForState(sim, id, 'success')).state, 'success');
});
