// Sessions and abuse, over real HTTP against the real API (Temporal, worker,
// simulator): the session cookie is an opaque id the server can end, with an
// idle and an absolute expiry; a one-time sign-in code signs in once and not
// after it expires; failed sign-ins and bad bearer tokens are limited per client
// address (429, Retry-After) while good keys elsewhere still work; event
// streams are capped per key and in all; large bodies are capped; a request
// whose body stalls is answered within the request timeout. Clients use
// several loopback source addresses (127.0.0.x) to stand for several clients.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { consolePlugin } from '../../src/api/console/plugin';
import { startApiServer } from '../../src/api/server';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { API_TOKEN, OTHER_TOKEN, eventually, openApiRig, type ApiRig } from './apiRig';
import { apiClient, openEventStream, type ApiClient, type EventStream } from './httpClient';

const PNG = readFileSync(path.join(__dirname, '../../samples/sneaker.png'));
const IMAGE = `data:image/png;base64,${PNG.toString('base64')}`;
const VIEWER_TOKEN = 'viewer-token-0123456789abcdef';
const IDLE_MS = 2_000;
const MAX_MS = 3_500;
const FAILURE_LIMIT = 5;
const REQUEST_TIMEOUT_MS = 4_000;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request from a chosen loopback source address (each address is another client to the API). */
function from(source: string, url: string, method: string, pathName: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sized = body === undefined ? headers : { 'content-type': 'application/json', ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = httpRequest({ host: hostname, port, method, path: pathName, headers: sized, localAddress: source, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A request whose headers promise `declaredBytes` of body, of which only a little is sent: the answer, if one comes, and the request to end. */
function stalledBody(url: string, pathName: string, contentType: string, declaredBytes: number): { answer: Promise<Answer>; req: ClientRequest } {
  const { hostname, port } = new URL(url);
  let req!: ClientRequest;
  const answer = new Promise<Answer>((resolve, reject) => {
    req = httpRequest(
      { host: hostname, port, method: 'POST', path: pathName, agent: false, headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': contentType, 'content-length': String(declaredBytes) } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.write('x'.repeat(16));
  });
  return { answer, req };
}

function cookieOf(answer: Answer): string {
  const header = answer.headers['set-cookie'];
  const first = (Array.isArray(header) ? header : [header ?? '']).find((c) => c.startsWith('vidu_session=')) ?? '';
  return first.split(';')[0]!;
}

const signIn = (rig: ApiRig, credentials: object, source = '127.0.0.1') => from(source, rig.url, 'POST', '/v1/session', {}, JSON.stringify(credentials));
const me = (rig: ApiRig, cookie: string, source = '127.0.0.1') => from(source, rig.url, 'GET', '/v1/me', { cookie });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sessions and abuse limits', () => {
  let rig: ApiRig;
  let api: ApiClient;
  let adId: string;
  before(async () => {
    rig = await openApiRig({
      keys: [{ name: 'watcher', role: 'viewer', token: VIEWER_TOKEN }],
      sessions: { idleMs: IDLE_MS, maxMs: MAX_MS },
      limits: { authFailureLimit: FAILURE_LIMIT, authFailureWindowMs: 60_000, requestTimeoutMs: REQUEST_TIMEOUT_MS, maxStreamsPerKey: 2, maxStreams: 3, maxLargeBodies: 1 },
    });
    api = apiClient(rig.url, API_TOKEN);
    // An ad that waits in review: something to follow with event streams.
    adId = `limits-${process.pid}-${Date.now().toString(36)}`;
    const started = await api.call('POST', '/v1/ads', { adId, images: [IMAGE], prompt: 'a sneaker', review: { enabled: true, windowMs: 300_000, onTimeout: 'fail' }, polling: { initialMs: 1_000, maxMs: 1_000 } });
    assert.equal(started.status, 201, JSON.stringify(started.body));
  });
  after(async () => {
    await api?.call('POST', `/v1/ads/${adId}/cancel`, { reason: 'test over' });
    await rig?.close();
  });

  it('refuses a copied cookie once its session has signed out, and the cookie never holds the token', async () => {
    const login = await signIn(rig, { token: API_TOKEN });
    assert.equal(login.status, 204, login.body);
    const setCookie = String(login.headers['set-cookie']);
    assert.match(setCookie, /vidu_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\//);
    assert.ok(!setCookie.includes(API_TOKEN), 'the cookie does not contain the token');
    const cookie = cookieOf(login);
    const copy = cookie;
    // The session remembers the key's name and role, so `by` and permissions work as with the token.
    assert.deepEqual(JSON.parse((await me(rig, copy)).body), { name: 'token-1', role: 'admin', permissions: JSON.parse((await me(rig, cookie)).body).permissions });
    const other = cookieOf(await signIn(rig, { token: API_TOKEN }));
    assert.notEqual(other, cookie, 'each sign-in is its own session');

    const logout = await from('127.0.0.1', rig.url, 'DELETE', '/v1/session', { cookie });
    assert.equal(logout.status, 204);
    const refused = await me(rig, copy);
    assert.equal(refused.status, 401, 'the copied cookie stops working at once');
    assert.match(JSON.parse(refused.body).error.message, /session has ended/);
    assert.equal((await me(rig, other)).status, 200, 'signing out ends that session only');
  });

  it('refuses what a viewer session may not do, as it refuses the viewer token', async () => {
    const cookie = cookieOf(await signIn(rig, { token: VIEWER_TOKEN }));
    assert.equal(JSON.parse((await me(rig, cookie)).body).role, 'viewer');
    const start = await from('127.0.0.1', rig.url, 'POST', '/v1/ads', { cookie, origin: rig.url }, JSON.stringify({ adId: `${adId}-x`, images: [IMAGE] }));
    assert.equal(start.status, 403, start.body);
    assert.match(JSON.parse(start.body).error.message, /key "watcher" \(role viewer\) lacks permission ads:start/);
  });

  it('refuses a session left idle past API_SESSION_IDLE_MS', async () => {
    const cookie = cookieOf(await signIn(rig, { token: API_TOKEN }));
    assert.equal((await me(rig, cookie)).status, 200);
    await sleep(IDLE_MS + 500);
    assert.equal((await me(rig, cookie)).status, 401, 'idle too long');
  });

  it('refuses a busy session past API_SESSION_MAX_MS after sign-in', async () => {
    const cookie = cookieOf(await signIn(rig, { token: API_TOKEN }));
    const signedInAt = Date.now();
    // Used every 200 ms, so it is never idle; it still ends MAX_MS after sign-in.
    while (Date.now() - signedInAt < MAX_MS - 400) {
      assert.equal((await me(rig, cookie)).status, 200, `still alive ${Date.now() - signedInAt} ms after sign-in`);
      await sleep(200);
    }
    await sleep(Math.max(0, MAX_MS + 200 - (Date.now() - signedInAt)));
    assert.equal((await me(rig, cookie)).status, 401, 'past the absolute expiry');
  });

  it('refuses a one-time sign-in code used a second time or after its expiry', async () => {
    const codes = rig.api.app.signInCodes;
    const code = codes.issue({ name: 'watcher', role: 'viewer' });
    const first = await signIn(rig, { code });
    assert.equal(first.status, 204, first.body);
    assert.equal(JSON.parse((await me(rig, cookieOf(first))).body).name, 'watcher');
    const second = await signIn(rig, { code });
    assert.equal(second.status, 401, 'a code works once');
    assert.match(JSON.parse(second.body).error.message, /sign-in code is not valid/);
    assert.equal(second.headers['set-cookie'], undefined);

    const shortLived = codes.issue({ name: 'watcher', role: 'viewer' }, 300);
    await sleep(600);
    assert.equal((await signIn(rig, { code: shortLived })).status, 401, 'a code expires');
    // Neither both nor neither: the body names the field and the rule.
    const both = await signIn(rig, { token: API_TOKEN, code: codes.issue({ name: 'watcher', role: 'viewer' }) });
    assert.equal(both.status, 400);
    assert.equal(JSON.parse(both.body).error.field, 'token');
    const malformed = await signIn(rig, { code: 'short' });
    assert.equal(malformed.status, 400);
    assert.equal(JSON.parse(malformed.body).error.field, 'code');
  });

  it('refuses sign-ins with 429 and Retry-After after too many failures from one address, while other addresses sign in', async () => {
    const attacker = '127.0.0.5';
    for (let i = 0; i < FAILURE_LIMIT; i += 1) {
      assert.equal((await signIn(rig, { token: `wrong-token-${i}-0123456789` }, attacker)).status, 401, `failure ${i + 1}`);
    }
    const limited = await signIn(rig, { token: `wrong-token-x-0123456789` }, attacker);
    assert.equal(limited.status, 429, limited.body);
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${String(limited.headers['retry-after'])}`);
    assert.equal(JSON.parse(limited.body).error.code, 'TooManyRequests');
    // Past the limit the token is not even looked at: a right guess is refused too, and so is a bearer request.
    assert.equal((await signIn(rig, { token: API_TOKEN }, attacker)).status, 429);
    assert.equal((await from(attacker, rig.url, 'GET', '/v1/me', { authorization: `Bearer ${API_TOKEN}` })).status, 429);
    // Another address is not affected.
    assert.equal((await signIn(rig, { token: API_TOKEN }, '127.0.0.6')).status, 204);
    assert.equal((await from('127.0.0.6', rig.url, 'GET', '/v1/me', { authorization: `Bearer ${API_TOKEN}` })).status, 200);
  });

  it('refuses bad bearer tokens with 429 and Retry-After after too many from one address; good requests never count', async () => {
    const scanner = '127.0.0.8';
    const session = cookieOf(await signIn(rig, { token: OTHER_TOKEN }, scanner));
    for (let i = 0; i < FAILURE_LIMIT; i += 1) {
      assert.equal((await from(scanner, rig.url, 'GET', '/v1/ads', { authorization: `Bearer guess-${i}-0123456789abcdef` })).status, 401, `failure ${i + 1}`);
    }
    const limited = await from(scanner, rig.url, 'GET', '/v1/ads', { authorization: 'Bearer guess-x-0123456789abcdef' });
    assert.equal(limited.status, 429, limited.body);
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    // A session signed in before keeps working from that address (a session id cannot be guessed).
    assert.equal((await me(rig, session, scanner)).status, 200);
    // Honest traffic is never limited: many good requests, and stale cookies, from one address.
    const honest = '127.0.0.9';
    for (let i = 0; i < FAILURE_LIMIT * 3; i += 1) {
      assert.equal((await from(honest, rig.url, 'GET', '/v1/me', { authorization: `Bearer ${API_TOKEN}` })).status, 200, `good request ${i + 1}`);
    }
    for (let i = 0; i < FAILURE_LIMIT * 2; i += 1) {
      assert.equal((await me(rig, 'vidu_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', honest)).status, 401, 'an ended session is a 401, not counted');
    }
    assert.equal((await from(honest, rig.url, 'GET', '/v1/me', { authorization: `Bearer ${API_TOKEN}` })).status, 200);
  });

  it('refuses to tell a guessed token through the console pages: they count failures and go to /login past the limit', async () => {
    // The console's pages check a bearer token too; without the limit there they would say which guess is right (200 or 303).
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    const server = await startApiServer({
      client: new Client({ connection }),
      taskQueue: 'nowhere',
      artifacts: new LocalArtifactStore(rig.artifactDir),
      tokens: [API_TOKEN],
      host: '127.0.0.1',
      port: 0,
      plugins: [consolePlugin],
      limits: { authFailureLimit: 3 },
    });
    try {
      const guesser = '127.0.0.11';
      assert.equal((await from(guesser, server.url, 'GET', '/', { authorization: `Bearer ${API_TOKEN}` })).status, 200, 'a right token opens the page');
      for (let i = 0; i < 3; i += 1) assert.equal((await from(guesser, server.url, 'GET', '/', { authorization: `Bearer guess-${i}-0123456789` })).status, 303);
      assert.equal((await from(guesser, server.url, 'GET', '/', { authorization: `Bearer ${API_TOKEN}` })).status, 303, 'past the limit the right token opens nothing either');
      assert.equal((await from(guesser, server.url, 'GET', '/v1/me', { authorization: `Bearer ${API_TOKEN}` })).status, 429, 'the page failures counted for the API too');
      assert.equal((await from('127.0.0.12', server.url, 'GET', '/', { authorization: `Bearer ${API_TOKEN}` })).status, 200);
    } finally {
      await server.close();
      await connection.close().catch(() => undefined);
    }
  });

  it('refuses event streams past the cap per key (429) and in total (503), with Retry-After', async () => {
    const path = `/v1/ads/${adId}/events`;
    const open: EventStream[] = [];
    try {
      for (let i = 0; i < 2; i += 1) {
        const stream = await openEventStream(`${rig.url}${path}`, { authorization: `Bearer ${API_TOKEN}` });
        assert.equal(stream.status, 200);
        open.push(stream);
      }
      const third = await from('127.0.0.1', rig.url, 'GET', path, { authorization: `Bearer ${API_TOKEN}` });
      assert.equal(third.status, 429, third.body);
      assert.ok(Number(third.headers['retry-after']) >= 1);
      assert.match(JSON.parse(third.body).error.message, /key "token-1" has 2 event streams open.*API_MAX_STREAMS_PER_KEY=2/);

      const another = await openEventStream(`${rig.url}${path}`, { authorization: `Bearer ${OTHER_TOKEN}` });
      assert.equal(another.status, 200, 'another key has its own streams');
      open.push(another);
      const overall = await from('127.0.0.1', rig.url, 'GET', path, { authorization: `Bearer ${VIEWER_TOKEN}` });
      assert.equal(overall.status, 503, overall.body);
      assert.ok(Number(overall.headers['retry-after']) >= 1);
      assert.match(JSON.parse(overall.body).error.message, /API_MAX_STREAMS=3/);

      // A stream that ends gives its place back.
      open.shift()!.close();
      const again = await eventually('a freed stream slot', async () => {
        const stream = await openEventStream(`${rig.url}${path}`, { authorization: `Bearer ${API_TOKEN}` });
        if (stream.status === 200) return stream;
        stream.close();
        return undefined;
      }, 5_000);
      open.push(again);
    } finally {
      for (const stream of open) stream.close();
    }
    // An unknown ad's stream (404) holds no place.
    await eventually('every slot back', async () => (rig.api.app.statusFeed.activeAds() === 0 ? true : undefined), 5_000);
    for (let i = 0; i < 3; i += 1) assert.equal((await api.call('GET', `/v1/ads/no-such-ad-${i}/events`)).status, 404);
    const stream = await openEventStream(`${rig.url}${path}`, { authorization: `Bearer ${API_TOKEN}` });
    assert.equal(stream.status, 200);
    stream.close();
  });

  it('declares the 429 and 503 answers in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${rig.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const answers = (route: string, method: string) => Object.keys(doc.paths[route]![method]!.responses);
    for (const status of ['429', '503']) {
      assert.ok(answers('/v1/session', 'post').includes(status), `POST /v1/session ${status}`);
      assert.ok(answers('/v1/ads/{adId}/events', 'get').includes(status), `events ${status}`);
      assert.ok(answers('/v1/ads', 'post').includes(status), `POST /v1/ads ${status}`);
      assert.ok(answers('/v1/ads/{adId}/approve', 'post').includes(status), `approve ${status}`);
    }
  });

  it('refuses a second large body with 503 and Retry-After while one is being read, and a stalled body within the request timeout', async () => {
    const t0 = Date.now();
    const slow = stalledBody(rig.url, '/v1/ads', 'multipart/form-data; boundary=xyz', 5 * 1024 * 1024);
    // Any route, not only uploads: a small body that never arrives is answered at the same deadline.
    const stalledCancel = stalledBody(rig.url, `/v1/ads/${adId}/cancel`, 'application/json', 200);
    await sleep(300);
    const second = stalledBody(rig.url, '/v1/ads', 'application/json', 3 * 1024 * 1024);
    const refused = await second.answer;
    second.req.destroy();
    assert.equal(refused.status, 503, refused.body);
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    assert.match(JSON.parse(refused.body).error.message, /API_MAX_LARGE_BODIES=1/);
    // A campaign's brief may carry inline images too: the same gate.
    const campaign = stalledBody(rig.url, '/v1/campaigns', 'application/json', 3 * 1024 * 1024);
    const campaignRefused = await campaign.answer;
    campaign.req.destroy();
    assert.equal(campaignRefused.status, 503, campaignRefused.body);
    // Small bodies are not held back by the gate.
    const small = await api.call('POST', '/v1/ads', { adId: 'x' });
    assert.equal(small.status, 400, JSON.stringify(small.body));

    // The stalled upload is answered when the request timeout runs out, and gives its place back.
    const timedOut = await slow.answer;
    slow.req.destroy();
    assert.equal(timedOut.status, 503, timedOut.body);
    assert.match(JSON.parse(timedOut.body).error.message, /API_REQUEST_TIMEOUT_MS/);
    const cancelTimedOut = await stalledCancel.answer;
    stalledCancel.req.destroy();
    assert.equal(cancelTimedOut.status, 503, cancelTimedOut.body);
    assert.equal(cancelTimedOut.headers['retry-after'], '5');
    const took = Date.now() - t0;
    assert.ok(took >= REQUEST_TIMEOUT_MS - 500 && took < REQUEST_TIMEOUT_MS + 5_000, `answered after ${took} ms`);
    const afterwards = stalledBody(rig.url, '/v1/ads', 'application/json', 2 * 1024 * 1024);
    const raced = await Promise.race([afterwards.answer, sleep(1_000).then(() => 'still reading' as const)]);
    afterwards.req.destroy();
    assert.equal(raced, 'still reading', 'the gate took the next large body');
  });
});
