// A property test of the API's doors: any JSON body (random JSON values, and
// random mutations of valid bodies) sent to any POST route, and any JSON body
// sent with any method the OpenAPI document lists for any of its paths (GET,
// HEAD and DELETE too), is answered 2xx or 4xx within the timeout, never 5xx,
// never a hang. The API runs with a worker
// against the simulator (the API tests' rig).
//
// Nothing here can leave the machine: every URL the bodies carry is on an
// `.invalid` host (which never resolves) or loopback, the images go to the
// simulator (which never fetches them), and the rig's worker has no webhook
// signing secret, so it sends no completion webhook at all.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { API_TOKEN, eventually, openApiRig, type ApiRig } from './apiRig';
import { apiClient, type ApiClient } from './httpClient';

const PNG = readFileSync(path.join(__dirname, '../../samples/sneaker.png'));
const IMAGE = `data:image/png;base64,${PNG.toString('base64')}`;
/** Every answer must come within this (the API's own Temporal reads give up after 10 s). */
const ANSWER_TIMEOUT_MS = 20_000;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

/** URLs a body may carry: none of them reaches beyond this machine. */
const SAFE_URLS = ['https://images.invalid/a.png', 'http://hooks.invalid/ad-done', 'http://127.0.0.1:9/x.png', 'http://[::1]:9/hook', 'https://example.invalid/' + 'x'.repeat(300)];

const tag = `${process.pid}-${Date.now().toString(36)}`;
let counter = 0;
const freshId = (label: string) => `prop-${label}-${tag}-${++counter}`;

describe('any JSON body to any route', () => {
  let rig: ApiRig;
  let api: ApiClient;
  let reviewAd: string;
  before(async () => {
    rig = await openApiRig();
    api = apiClient(rig.url, API_TOKEN);
    reviewAd = freshId('review');
    const started = await api.call('POST', '/v1/ads', { adId: reviewAd, images: [IMAGE], duration: 10, review: { enabled: true, windowMs: 600_000, onTimeout: 'fail' }, polling: { initialMs: 1_000, maxMs: 1_000 } });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    await eventually('the ad in review', async () => ((await api.call('GET', `/v1/ads/${reviewAd}`)).body.stage === 'review' ? true : undefined), 60_000);
  });
  after(async () => {
    await api?.call('POST', `/v1/ads/${reviewAd}/cancel`, { reason: 'test over' });
    await rig?.close();
  });

  /** The routes, each with a valid body to mutate (a fresh one per call: ids must not repeat). */
  function routes(): Array<{ path: string; valid: () => Record<string, unknown> }> {
    const adBody = () => ({ adId: freshId('ad'), images: ['https://images.invalid/a.png'], duration: 10, prompt: 'a mug', notifyUrl: 'https://hooks.invalid/done', maxEdits: 2 });
    const campaignBody = () => ({ campaignId: freshId('c'), images: ['https://images.invalid/a.png'], prompt: 'a mug', variants: { aspectRatios: ['16:9'], languages: ['en'], durations: [10] }, ads: { maxCredits: 5_000 } });
    const edit = () => ({ requestId: freshId('r'), kind: 'video', storyboardIndex: 0, prompt: 'warmer light' });
    const selection = () => ({ requestId: freshId('r'), kind: 'video', storyboardIndex: 0, takeId: 'take-1' });
    const plain = () => ({ requestId: freshId('r') });
    const cancel = () => ({ requestId: freshId('r'), reason: 'changed our mind' });
    return [
      { path: '/v1/ads', valid: adBody },
      { path: '/v1/campaigns', valid: campaignBody },
      { path: '/v1/session', valid: () => ({ token: 'not-the-token-0123456789' }) },
      ...[reviewAd, 'no-such-ad'].flatMap((adId) => [
        { path: `/v1/ads/${adId}/edits`, valid: edit },
        { path: `/v1/ads/${adId}/selections`, valid: selection },
        { path: `/v1/ads/${adId}/approve`, valid: plain },
        // Cancelling the ad in review with a valid body would end it for the rest of the run: its cancel gets only broken bodies.
        ...(adId === reviewAd ? [] : [{ path: `/v1/ads/${adId}/cancel`, valid: cancel }]),
      ]),
      { path: '/v1/campaigns/no-such-campaign/approve', valid: plain },
      { path: '/v1/campaigns/no-such-campaign/edits', valid: () => ({ kind: 'bgm', prompt: 'calmer' }) },
      { path: '/v1/campaigns/no-such-campaign/cancel', valid: cancel },
    ];
  }

  const json = fc.jsonValue({ maxDepth: 3 });
  /** A value to put in a field: random JSON, a safe URL, a number at or past a bound, a long text. */
  const fieldValue = fc.oneof(
    json,
    fc.constantFrom(...SAFE_URLS),
    fc.constantFrom(-1, 0, 1, 0.5, 1e21, Number.MAX_SAFE_INTEGER, 9_999_999),
    fc.string({ maxLength: 3000 }),
    fc.constantFrom('', ' ', '__proto__', 'constructor', '..', '../../etc/passwd', 'stored:other-ad/x.png'),
  );
  type Mutation = { kind: 'delete' | 'set' | 'nest'; pick: number; key: string; value: unknown };
  const mutation = fc.record<Mutation>({
    kind: fc.constantFrom('delete', 'set', 'nest'),
    pick: fc.nat(),
    key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('continued', 'resumeFromTaskId', 'campaign', 'review', 'polling', 'edits', 'ads', 'variants')),
    value: fieldValue,
  });

  function mutate(body: Record<string, unknown>, mutations: Mutation[]): Record<string, unknown> {
    const copy = structuredClone(body);
    for (const m of mutations) {
      const keys = Object.keys(copy);
      const existing = keys.length > 0 ? keys[m.pick % keys.length]! : m.key;
      if (m.kind === 'delete') delete copy[existing];
      else if (m.kind === 'set') copy[m.pick % 2 === 0 ? existing : m.key] = m.value;
      else copy[existing] = { [m.key]: m.value };
    }
    return copy;
  }

  async function send(routePath: string, body: string): Promise<{ status: number; text: string }> {
    const response = await fetch(`${rig.url}${routePath}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
    return { status: response.status, text: await response.text() };
  }

  function assertAnswered(routePath: string, body: string, answer: { status: number; text: string }): void {
    const where = `POST ${routePath} ${body.slice(0, 300)}`;
    assert.ok(answer.status >= 200 && answer.status < 500, `${where} -> ${answer.status} ${answer.text.slice(0, 300)}`);
    if (answer.status >= 400) {
      const parsed = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
      assert.equal(typeof parsed.error?.message, 'string', `${where}: the error body names the problem`);
    }
  }

  it('answers random JSON values with 2xx or 4xx, never 5xx', async () => {
    const all = routes();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: all.length - 1 }), json, async (index, value) => {
        const route = all[index]!;
        const body = JSON.stringify(value);
        assertAnswered(route.path, body, await send(route.path, body));
      }),
      { numRuns: RUNS, seed: 19, endOnFailure: true },
    );
  });

  it('answers random mutations of valid bodies with 2xx or 4xx, never 5xx', async () => {
    const all = routes();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: all.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (index, mutations) => {
        const route = all[index]!;
        const body = JSON.stringify(mutate(route.valid(), mutations));
        const answer = await send(route.path, body);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        assertAnswered(route.path, body, answer);
      }),
      { numRuns: RUNS, seed: 19, endOnFailure: true },
    );
    // The mutations reached past the schemas too: some bodies were refused, not every one.
    assert.ok([...statuses.keys()].some((s) => s >= 400), `statuses seen: ${JSON.stringify([...statuses])}`);
  });

  /**
   * Any method with a body, GET and HEAD included (fetch refuses a body there; node:http sends one).
   * An event stream answers its status and headers at once and then stays open: only those are read.
   */
  function sendWithMethod(method: string, routePath: string, body: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${rig.url}${routePath}`, {
        method,
        headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
      });
      req.on('response', (res) => {
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          resolve({ status: res.statusCode!, text: '' });
          req.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Every operation of the served OpenAPI document, its path parameters filled with ids that exist and ids that do not. */
  async function documentedOperations(): Promise<Array<{ method: string; path: string }>> {
    const document = (await api.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const fill = (template: string, adId: string) =>
      template.replace('{adId}', adId).replace('{campaignId}', 'no-such-campaign').replace(/\{[^}]+\}/g, 'final.mp4');
    const operations: Array<{ method: string; path: string }> = [];
    for (const [template, methods] of Object.entries(document.paths)) {
      for (const method of Object.keys(methods).filter((m) => ['get', 'head', 'post', 'put', 'patch', 'delete'].includes(m))) {
        for (const adId of template.includes('{adId}') ? [reviewAd, 'no-such-ad'] : ['-']) {
          // The ad in review must stay in review for the whole run: no cancel of it.
          if (adId === reviewAd && template.endsWith('/cancel')) continue;
          operations.push({ method: method.toUpperCase(), path: fill(template, adId) });
        }
      }
    }
    return operations;
  }

  it('answers any JSON body with any method the document lists, on every path, with 2xx or 4xx, never 5xx', async () => {
    const operations = await documentedOperations();
    const methods = new Set(operations.map((o) => o.method));
    assert.ok(['GET', 'POST', 'DELETE'].every((m) => methods.has(m)), `methods in the document: ${[...methods].join(', ')}`);
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: operations.length - 1 }), json, async (index, value) => {
        const { method, path: routePath } = operations[index]!;
        const body = JSON.stringify(value);
        const answer = await sendWithMethod(method, routePath, body);
        const key = `${method} ${answer.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        const where = `${method} ${routePath} ${body.slice(0, 300)}`;
        assert.ok(answer.status >= 200 && answer.status < 500, `${where} -> ${answer.status} ${answer.text.slice(0, 300)}`);
      }),
      { numRuns: RUNS, seed: 19, endOnFailure: true },
    );
    // Reads with a body still read (a body is not a reason to refuse a GET), and some bodies were refused.
    const seen = [...statuses.keys()];
    assert.ok(seen.some((k) => /^GET 2/.test(k)) && seen.some((k) => / 4\d\d$/.test(k)), `answers seen: ${JSON.stringify([...statuses])}`);
  });

  it('answers the valid bodies themselves with 2xx or an expected 4xx (the mutations start from bodies the API takes)', async () => {
    const started = await send('/v1/ads', JSON.stringify(routes()[0]!.valid()));
    assert.equal(started.status, 201, started.text);
    const campaign = await send('/v1/campaigns', JSON.stringify(routes()[1]!.valid()));
    assert.equal(campaign.status, 201, campaign.text);
  });
});
