import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimulatorCounters, ViduSimulator } from '../../src/simulator/index';
import { api, createAd, SAMPLE_IMAGE, startFastSimulator } from './helpers';

let sim: ViduSimulator;
before(async () => {
  sim = await startFastSimulator();
});
after(() => sim.close());

async function control(method: string, path: string, body?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sim.url}/_simulator/${path}`, { method, body, headers: body ? { 'Content-Type': 'application/json' } : {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('health needs no auth and names the base URL', async () => {
  const health = await control('GET', 'health');
  assert.deepEqual(health, { status: 200, body: { ok: true, url: sim.url } });
});

test('PUT faults installs a fault config; a bad body is 400 with the reason', async () => {
  const good = JSON.stringify({ http: [{ endpoint: 'create', error: { status: 429, code: 'QuotaExceeded' }, times: 1 }] });
  assert.equal((await control('PUT', 'faults', good)).status, 200);
  const limited = await api(sim, 'POST', '/ent/v2/ad-one-click', { images: [SAMPLE_IMAGE] });
  assert.deepEqual([limited.status, limited.body.reason], [429, 'QuotaExceeded']);

  const typo = await control('PUT', 'faults', JSON.stringify({ http: [{ endpoint: 'create', latencyMs: 5, rates: 1 }] }));
  assert.equal(typo.status, 400);
  assert.match(String(typo.body.message), /rates/);
  const badRate = await control('PUT', 'faults', JSON.stringify({ callbacks: { duplicate: 1.5 } }));
  assert.equal(badRate.status, 400);
  assert.match(String(badRate.body.message), /duplicate/);
  const notJson = await control('PUT', 'faults', '{');
  assert.equal(notJson.status, 400);
  const unknown = await control('GET', 'nothing');
  assert.equal(unknown.status, 404);
});

test('counters and reset over HTTP', async () => {
  const id = await createAd(sim);
  const counters = (await control('GET', 'counters')).body as unknown as SimulatorCounters;
  assert.deepEqual(counters, sim.counters());
  assert.ok(counters.tasksCreated.ad >= 1);
  assert.equal(counters.perAd[id]!.creates, 1);

  assert.equal((await control('POST', 'reset')).status, 200);
  const cleared = (await control('GET', 'counters')).body as unknown as SimulatorCounters;
  assert.equal(cleared.tasksCreated.ad, 0);
  assert.equal(cleared.creditsRemaining, 100_000);
  assert.deepEqual(cleared.perAd, {});
  assert.equal((await api(sim, 'GET', `/ent/v2/tasks/${id}/creations`)).status, 404, 'tasks are gone');
});

test('PUT credits sets the account balance that GET /ent/v2/credits reports and creates are charged from; reset restores it', async () => {
  assert.equal((await control('PUT', 'credits', JSON.stringify({ remaining: 300 }))).status, 200);
  const account = await api(sim, 'GET', '/ent/v2/credits');
  assert.deepEqual(account.body.remains, [{ type: 'credit', credit_remain: 300 }]);
  // A 15 s ad costs 600: the account cannot pay.
  const refused = await api(sim, 'POST', '/ent/v2/ad-one-click', { images: [SAMPLE_IMAGE], duration: 15 });
  assert.deepEqual([refused.status, refused.body.reason], [400, 'CreditInsufficient']);
  sim.setCredits(600);
  const created = await api(sim, 'POST', '/ent/v2/ad-one-click', { images: [SAMPLE_IMAGE], duration: 15 });
  assert.equal(created.status, 200);
  assert.equal(sim.counters().creditsRemaining, 0);

  const negative = await control('PUT', 'credits', JSON.stringify({ remaining: -1 }));
  assert.equal(negative.status, 400);
  assert.match(String(negative.body.message), /remaining: must be a whole number/);
  assert.throws(() => sim.setCredits(1.5), /credits: must be a whole number/);

  await control('POST', 'reset');
  assert.equal(sim.counters().creditsRemaining, 100_000);
});
