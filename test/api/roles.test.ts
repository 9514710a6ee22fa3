// Keys with roles over real HTTP (real API, worker and simulator): each role
// against each route (403 naming the key, its role and the permission where
// the role does not allow it; never 403 where it does), who did what (`by` on
// requests from the API, a campaign's fan-out and the admin tool; `startedBy`
// on ads and campaigns), one log line per change without the token, and the
// server's credit caps (the cap as the default budget; a budget above it 422
// with nothing started).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { ApiKey } from '../../src/api/permissions';
import { runAdminCli, type CliIo } from '../../src/entrypoints/admin/commands';
import { createLogger } from '../../src/logging';
import { API_TOKEN, eventually, openApiRig, type ApiRig } from './apiRig';
import { apiClient, type ApiClient } from './httpClient';

const IMAGE = `data:image/png;base64,${readFileSync(path.join(__dirname, '../../samples/sneaker.png')).toString('base64')}`;
const REVIEW = { enabled: true, windowMs: 600_000, onTimeout: 'fail' };
const FAST_POLLING = { initialMs: 1_000, maxMs: 1_000 };
const PER_AD_CAP = 2_000;
const PER_CAMPAIGN_CAP = 5_000;

const KEYS: ApiKey[] = [
  { name: 'watcher', role: 'viewer', token: 'viewer-token-0123456789abcdef' },
  { name: 'desk-operator', role: 'operator', token: 'operator-token-0123456789abcdef' },
  { name: 'ci-bot', role: 'service', token: 'service-token-0123456789abcdef' },
  { name: 'root.admin', role: 'admin', token: 'admin-token-0123456789abcdef' },
];
const ALL_TOKENS = [...KEYS.map((k) => k.token), API_TOKEN];

let counter = 0;
function idFor(label: string): string {
  return `roles-${label}-${process.pid}-${++counter}-${Date.now().toString(36)}`;
}

/**
 * The contract, written out: what each role may do. A route is one request that a role may or may
 * not make; where it may, the request is built to end in a 4xx of its own (an unknown ad, a bad
 * body) or a 2xx, so that the table starts nothing.
 */
const ROUTES: Array<{ method: string; path: string; body?: unknown; permission: string; allowed: string[] }> = [
  { method: 'GET', path: '/v1/ads', permission: 'ads:read', allowed: ['viewer', 'operator', 'service', 'admin'] },
  { method: 'GET', path: '/v1/ads/roles-unknown-ad', permission: 'ads:read', allowed: ['viewer', 'operator', 'service', 'admin'] },
  { method: 'GET', path: '/v1/ads/roles-unknown-ad/events', permission: 'ads:read', allowed: ['viewer', 'operator', 'service', 'admin'] },
  { method: 'GET', path: '/v1/ads/roles-unknown-ad/media/final.mp4', permission: 'ads:read', allowed: ['viewer', 'operator', 'service', 'admin'] },
  { method: 'GET', path: '/v1/campaigns/roles-unknown-campaign', permission: 'campaigns:read', allowed: ['viewer', 'operator', 'service', 'admin'] },
  { method: 'POST', path: '/v1/ads', body: { adId: 'roles-table-ad' }, permission: 'ads:start', allowed: ['service', 'admin'] },
  { method: 'POST', path: '/v1/ads/roles-unknown-ad/edits', body: { kind: 'bgm', prompt: 'calmer' }, permission: 'ads:edit', allowed: ['operator', 'admin'] },
  { method: 'POST', path: '/v1/ads/roles-unknown-ad/selections', body: { kind: 'bgm', takeId: 'take-1' }, permission: 'ads:select', allowed: ['operator', 'admin'] },
  { method: 'POST', path: '/v1/ads/roles-unknown-ad/approve', body: {}, permission: 'ads:approve', allowed: ['operator', 'admin'] },
  { method: 'POST', path: '/v1/ads/roles-unknown-ad/cancel', body: {}, permission: 'ads:cancel', allowed: ['operator', 'service', 'admin'] },
  { method: 'POST', path: '/v1/campaigns', body: { campaignId: 'roles-table-campaign' }, permission: 'campaigns:start', allowed: ['service', 'admin'] },
  { method: 'POST', path: '/v1/campaigns/roles-unknown-campaign/edits', body: { kind: 'bgm', prompt: 'calmer' }, permission: 'campaigns:edit', allowed: ['operator', 'admin'] },
  { method: 'POST', path: '/v1/campaigns/roles-unknown-campaign/approve', body: {}, permission: 'campaigns:approve', allowed: ['operator', 'admin'] },
  { method: 'POST', path: '/v1/campaigns/roles-unknown-campaign/cancel', body: {}, permission: 'campaigns:cancel', allowed: ['operator', 'service', 'admin'] },
];

describe('keys with roles', { timeout: 240_000 }, () => {
  let rig: ApiRig;
  const logLines: string[] = [];
  const as: Record<string, ApiClient> = {};
  before(async () => {
    const logger = createLogger('info', { write: (line: string) => void logLines.push(line) });
    rig = await openApiRig({ keys: KEYS, caps: { perAd: PER_AD_CAP, perCampaign: PER_CAMPAIGN_CAP }, logger });
    for (const key of KEYS) as[key.role] = apiClient(rig.url, key.token);
  });
  after(async () => {
    await rig?.close();
  });

  it('refuses each route a role lacks with 403 naming the key, its role and the permission, and lets the rest through', async () => {
    for (const key of KEYS) {
      for (const route of ROUTES) {
        const what = `${key.role} ${route.method} ${route.path}`;
        const answer = await as[key.role]!.call(route.method, route.path, route.body);
        if (route.allowed.includes(key.role)) {
          assert.ok(answer.status !== 403 && answer.status !== 401 && answer.status < 500, `${what}: allowed, got ${answer.status} ${JSON.stringify(answer.body)}`);
        } else {
          assert.equal(answer.status, 403, `${what}: ${JSON.stringify(answer.body)}`);
          assert.equal(answer.body.error.code, 'Forbidden', what);
          assert.equal(answer.body.error.message, `key "${key.name}" (role ${key.role}) lacks permission ${route.permission}`, what);
        }
      }
    }
    // The refused starts started nothing (and the allowed ones were refused for their bodies).
    assert.equal((await as.admin!.call('GET', '/v1/ads/roles-table-ad')).status, 404);
    assert.equal((await as.admin!.call('GET', '/v1/campaigns/roles-table-campaign')).status, 404);
  });

  it('refuses a viewer\'s start before reading the body: a valid ad is not started either', async () => {
    const adId = idFor('viewer-start');
    const refused = await as.viewer!.call('POST', '/v1/ads', { adId, images: [IMAGE], polling: FAST_POLLING });
    assert.equal(refused.status, 403);
    assert.match(refused.body.error.message, /^key "watcher" \(role viewer\) lacks permission ads:start$/);
    assert.equal((await as.admin!.call('GET', `/v1/ads/${adId}`)).status, 404, 'nothing was started');
  });

  it('tells each key its name, role and permissions at GET /v1/me, and the old bare token is an admin key named token-1', async () => {
    const viewer = await as.viewer!.call('GET', '/v1/me');
    assert.equal(viewer.status, 200);
    assert.deepEqual(viewer.body, { name: 'watcher', role: 'viewer', permissions: ['ads:read', 'campaigns:read'] });
    const operator = await as.operator!.call('GET', '/v1/me');
    assert.ok(operator.body.permissions.includes('ads:approve') && !operator.body.permissions.includes('ads:start'));
    const service = await as.service!.call('GET', '/v1/me');
    assert.ok(service.body.permissions.includes('ads:start') && service.body.permissions.includes('ads:cancel') && !service.body.permissions.includes('ads:approve'));
    const old = await apiClient(rig.url, API_TOKEN).call('GET', '/v1/me');
    assert.equal(old.body.name, 'token-1');
    assert.equal(old.body.role, 'admin');
    assert.ok(!JSON.stringify(old.body).includes(API_TOKEN), 'the answer never holds the token');
    assert.equal((await apiClient(rig.url, 'no-such-token-0123456789abcdef').call('GET', '/v1/me')).status, 401);
  });

  it('declares 403 in the OpenAPI document on every route a role may lack', async () => {
    const doc = (await (await fetch(`${rig.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const [route, method] of [
      ['/v1/ads', 'post'],
      ['/v1/ads', 'get'],
      ['/v1/ads/{adId}/approve', 'post'],
      ['/v1/ads/{adId}/events', 'get'],
      ['/v1/campaigns', 'post'],
      ['/v1/campaigns/{campaignId}/cancel', 'post'],
    ] as const) {
      assert.ok(doc.paths[route]?.[method]?.responses['403'], `${method} ${route} declares 403`);
    }
    assert.ok(doc.paths['/v1/me']?.get, 'GET /v1/me is documented');
  });

  it('records who started an ad and who sent each request (by), from the API and from the admin tool', async () => {
    const adId = idFor('by');
    const started = await as.service!.call('POST', '/v1/ads', { adId, images: [IMAGE], prompt: 'a sneaker', review: REVIEW, polling: FAST_POLLING });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const inReview = await eventually('the ad in review', async () => {
      const { body } = await as.viewer!.call('GET', `/v1/ads/${adId}`);
      return body.stage === 'review' ? body : undefined;
    }, 60_000);
    assert.equal(inReview.startedBy, 'ci-bot');

    const edit = await as.operator!.call('POST', `/v1/ads/${adId}/edits`, { kind: 'bgm', prompt: 'calmer music', requestId: 'by-edit-1' });
    assert.equal(edit.status, 202, JSON.stringify(edit.body));

    // The admin tool, in-process, with --as and with its default user@host.
    const lines: string[] = [];
    const io: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), write: () => undefined, isTTY: false };
    const connect = async () => new Client({ connection: await Connection.connect({ address: rig.env.address }), namespace: rig.env.namespace });
    const named = await runAdminCli(['select', adId, '--bgm', '--take', inReview.bgm.selectedTakeId, '--request-id', 'by-admin-select', '--as', 'night-shift'], { connect, io });
    assert.equal(named, 0, lines.join('\n'));
    const unnamed = await runAdminCli(['approve', adId, '--request-id', 'by-admin-approve'], { connect, io });
    assert.equal(unnamed, 0, lines.join('\n'));

    const status = await eventually('the requests recorded', async () => {
      const { body } = await as.viewer!.call('GET', `/v1/ads/${adId}`);
      return body.requests.length >= 3 ? body : undefined;
    });
    const byId = Object.fromEntries(status.requests.map((r: { requestId: string; by?: string }) => [r.requestId, r.by]));
    assert.equal(byId['by-edit-1'], 'desk-operator');
    assert.equal(byId['by-admin-select'], 'night-shift');
    assert.equal(byId['by-admin-approve'], `${userInfo().username}@${hostname()}`);
  });

  it('records startedBy on a campaign and its ads, and passes a campaign request\'s by to each ad', async () => {
    const campaignId = idFor('campaign');
    const brief = { campaignId, images: [IMAGE], prompt: 'a sneaker', variants: { aspectRatios: ['1:1'], languages: ['en'], durations: [10] }, ads: { review: REVIEW, polling: FAST_POLLING } };
    const started = await as.service!.call('POST', '/v1/campaigns', { ...brief, startedBy: 'someone-else' });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const inReview = await eventually('the campaign\'s ad in review', async () => {
      const { body } = await as.viewer!.call('GET', `/v1/campaigns/${campaignId}`);
      return body.byStage?.review === 1 ? body : undefined;
    }, 60_000);
    assert.equal(inReview.startedBy, 'ci-bot', 'the key, not the body, says who started it');
    const adId = inReview.variants[0].adId;
    assert.equal((await as.viewer!.call('GET', `/v1/ads/${adId}`)).body.startedBy, 'ci-bot');

    const approved = await as.operator!.call('POST', `/v1/campaigns/${campaignId}/approve`, { requestId: 'campaign-approve-1' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const ad = await eventually('the fanned-out approval recorded', async () => {
      const { body } = await as.viewer!.call('GET', `/v1/ads/${adId}`);
      return body.requests.some((r: { requestId: string }) => r.requestId.startsWith('campaign-approve-1:')) ? body : undefined;
    });
    const record = ad.requests.find((r: { requestId: string }) => r.requestId.startsWith('campaign-approve-1:'));
    assert.equal(record.by, 'desk-operator');
    const campaign = (await as.viewer!.call('GET', `/v1/campaigns/${campaignId}`)).body;
    assert.equal(campaign.requests.find((r: { requestId: string }) => r.requestId === 'campaign-approve-1').by, 'desk-operator');
  });

  it('writes one JSON log line per change with the key\'s name, the route, the id and the status, and never a token', async () => {
    const adId = idFor('logged');
    await as.operator!.call('POST', `/v1/ads/${adId}/approve`, {});
    await as.viewer!.call('POST', `/v1/ads/${adId}/cancel`, {});
    await apiClient(rig.url, 'no-such-token-0123456789abcdef').call('POST', `/v1/ads/${adId}/cancel`, {});
    await as.viewer!.call('GET', `/v1/ads/${adId}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const audit = logLines.map((line) => JSON.parse(line) as { audit?: Record<string, unknown> }).filter((entry) => entry.audit?.adId === adId).map((entry) => entry.audit);
    assert.deepEqual(audit, [
      { key: 'desk-operator', role: 'operator', route: 'POST /v1/ads/:adId/approve', adId, statusCode: 404 },
      { key: 'watcher', role: 'viewer', route: 'POST /v1/ads/:adId/cancel', adId, statusCode: 403 },
      { key: null, role: null, route: 'POST /v1/ads/:adId/cancel', adId, statusCode: 401 },
    ]);
    const started = logLines.map((line) => JSON.parse(line) as { audit?: Record<string, unknown> }).find((entry) => entry.audit?.route === 'POST /v1/ads' && entry.audit.statusCode === 201);
    assert.equal(started?.audit?.key, 'ci-bot', 'a start names the key and the ad');
    assert.equal(typeof started?.audit?.adId, 'string');
    for (const line of logLines) for (const token of ALL_TOKENS) assert.ok(!line.includes(token), `a log line holds a token: ${line}`);
  });

  it('gives an ad without maxCredits the per-ad cap as its budget, and refuses one above it with 422, starting nothing', async () => {
    const above = idFor('above-cap');
    const refused = await as.service!.call('POST', '/v1/ads', { adId: above, images: [IMAGE], maxCredits: 5_000, polling: FAST_POLLING });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.error.field, 'maxCredits');
    assert.equal(refused.body.error.message, `maxCredits 5000 is above the server's cap API_MAX_CREDITS_PER_AD=${PER_AD_CAP}`);
    assert.equal((await as.viewer!.call('GET', `/v1/ads/${above}`)).status, 404, 'nothing was started');

    const capped = idFor('capped');
    assert.equal((await as.service!.call('POST', '/v1/ads', { adId: capped, images: [IMAGE], polling: FAST_POLLING, review: REVIEW })).status, 201);
    const within = idFor('within-cap');
    assert.equal((await as.service!.call('POST', '/v1/ads', { adId: within, images: [IMAGE], maxCredits: 1_500, polling: FAST_POLLING, review: REVIEW })).status, 201);
    const [cappedStatus, withinStatus] = await Promise.all(
      [capped, within].map((adId) => eventually(`${adId} created`, async () => {
        const { body } = await as.viewer!.call('GET', `/v1/ads/${adId}`);
        return body.credits?.limit !== undefined ? body : undefined;
      })),
    );
    assert.equal(cappedStatus!.credits.limit, PER_AD_CAP);
    assert.equal(withinStatus!.credits.limit, 1_500);
    for (const adId of [capped, within]) await as.service!.call('POST', `/v1/ads/${adId}/cancel`, {});
  });

  it('gives a campaign without budgetCredits the per-campaign cap, and refuses a budget or ads.maxCredits above the caps with 422, starting nothing', async () => {
    const variants = { aspectRatios: ['1:1'], languages: ['en'], durations: [10] };
    const overBudget = idFor('over-budget');
    const refusedBudget = await as.service!.call('POST', '/v1/campaigns', { campaignId: overBudget, images: [IMAGE], variants, budgetCredits: 9_999 });
    assert.equal(refusedBudget.status, 422, JSON.stringify(refusedBudget.body));
    assert.equal(refusedBudget.body.error.field, 'budgetCredits');
    assert.equal(refusedBudget.body.error.message, `budgetCredits 9999 is above the server's cap API_MAX_CREDITS_PER_CAMPAIGN=${PER_CAMPAIGN_CAP}`);
    const overAd = idFor('over-ad');
    const refusedAd = await as.service!.call('POST', '/v1/campaigns', { campaignId: overAd, images: [IMAGE], variants, ads: { maxCredits: 3_000 } });
    assert.equal(refusedAd.status, 422, JSON.stringify(refusedAd.body));
    assert.equal(refusedAd.body.error.field, 'ads.maxCredits');
    assert.equal(refusedAd.body.error.message, `ads.maxCredits 3000 is above the server's cap API_MAX_CREDITS_PER_AD=${PER_AD_CAP}`);
    for (const campaignId of [overBudget, overAd]) assert.equal((await as.viewer!.call('GET', `/v1/campaigns/${campaignId}`)).status, 404, `${campaignId} was not started`);

    const capped = idFor('capped-campaign');
    const started = await as.service!.call('POST', '/v1/campaigns', { campaignId: capped, images: [IMAGE], variants, ads: { review: REVIEW, polling: FAST_POLLING } });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const status = await eventually('the campaign\'s ad started', async () => {
      const { body } = await as.viewer!.call('GET', `/v1/campaigns/${capped}`);
      return body.variants?.[0]?.state === 'started' ? body : undefined;
    });
    assert.equal(status.budget.limit, PER_CAMPAIGN_CAP, 'the campaign runs under the cap');
    assert.equal(status.budget.reserved, PER_AD_CAP, 'its ad is allotted the per-ad cap');
    const ad = await eventually('the ad\'s budget', async () => {
      const { body } = await as.viewer!.call('GET', `/v1/ads/${status.variants[0].adId}`);
      return body.credits?.limit !== undefined ? body : undefined;
    });
    assert.equal(ad.credits.limit, PER_AD_CAP);
    await as.service!.call('POST', `/v1/campaigns/${capped}/cancel`, {});
  });
});
