// The API's edges over real HTTP: auth by header and cookie, 400s naming the
// field, multipart uploads, listing by stage with paging, the media route's
// refusals, event streams (keep-alive, one shared poller, stop when clients
// leave) and the OpenAPI document.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTokenChecker, keysFromTokens } from '../../src/api/auth';
import { buildApiServer } from '../../src/api/server';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { IMAGE_UPLOAD_MAX_BYTES } from '../../src/api/multipartAd';
import { API_TOKEN, OTHER_TOKEN, openApiRig, type ApiRig, eventually } from './apiRig';
import { apiClient, openEventStream, type ApiClient } from './httpClient';
import type { AdStatus } from '../../src/workflows/ad/contract';

const PNG = readFileSync(path.join(__dirname, '../../samples/sneaker.png'));
const IMAGE = `data:image/png;base64,${PNG.toString('base64')}`;
const REVIEW = { enabled: true, windowMs: 120_000, onTimeout: 'fail' };
const FAST_POLLING = { initialMs: 1_000, maxMs: 1_000 };

let counter = 0;
function adIdFor(label: string): string {
  return `surface-${label}-${process.pid}-${++counter}-${Date.now().toString(36)}`;
}


/** A GET with the path sent byte for byte (fetch would resolve "..").  */
function rawGet(url: string, rawPath: string, token: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: rawPath, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Any request with exactly the headers given (fetch would add its own Sec-Fetch-Mode and refuse some): what another page's form sends. */
function rawRequest(url: string, method: string, rawPath: string, headers: Record<string, string>, body?: string | Buffer): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path: rawPath, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A multipart/form-data body of text fields and one png file, as an HTML form posts it. */
function formBody(fields: Record<string, string>, png: Buffer): { contentType: string; body: Buffer } {
  const boundary = '----form-boundary-7d1f';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="images"; filename="a.png"\r\ncontent-type: image/png\r\n\r\n`), png, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}

/** Every take of the storyboards, the narration and the music has its files kept (media, and a cover for video takes). */
function everyTakeKept(status: AdStatus): boolean {
  const videos = status.storyboards.flatMap((board) => board.takes);
  const audio = [...(status.narration?.takes ?? []), ...(status.bgm?.takes ?? [])];
  return videos.every((take) => take.media && take.cover) && audio.every((take) => take.media);
}

describe('the API surface', () => {
  let rig: ApiRig;
  let api: ApiClient;
  const inReview: string[] = [];
  before(async () => {
    rig = await openApiRig({ heartbeatMs: 300 });
    api = apiClient(rig.url, API_TOKEN);
    // Two ads that wait in review for the listing, media and event-stream checks.
    for (const label of ['list-a', 'list-b']) {
      const adId = adIdFor(label);
      const started = await api.call('POST', '/v1/ads', { adId, images: [IMAGE], prompt: 'a sneaker', review: REVIEW, polling: FAST_POLLING });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      inReview.push(adId);
    }
    for (const adId of inReview) await eventually(`${adId} in review`, async () => ((await api.call('GET', `/v1/ads/${adId}`)).body.stage === 'review' ? true : undefined));
  });
  after(async () => {
    for (const adId of inReview) await api?.call('POST', `/v1/ads/${adId}/cancel`, { reason: 'test over' });
    await rig?.close();
  });

  it('needs a valid token by header or session cookie, except for /healthz and /openapi.json', async () => {
    assert.deepEqual(await (await fetch(`${rig.url}/healthz`)).json(), { ok: true });
    const none = await fetch(`${rig.url}/v1/ads`);
    assert.equal(none.status, 401);
    const noneBody = (await none.json()) as { error: { code: string; message: string } };
    assert.equal(noneBody.error.code, 'Unauthorized');
    assert.match(noneBody.error.message, /Bearer/);
    for (const wrong of ['nope', API_TOKEN.slice(0, -1), `${API_TOKEN}x`, API_TOKEN.replace(/.$/, 'X')]) {
      assert.equal((await apiClient(rig.url, wrong).call('GET', '/v1/ads')).status, 401, `token ${wrong}`);
    }
    assert.equal((await apiClient(rig.url, API_TOKEN).call('GET', '/v1/ads')).status, 200);
    assert.equal((await apiClient(rig.url, OTHER_TOKEN).call('GET', '/v1/ads')).status, 200, 'every configured token works');
    assert.equal((await fetch(`${rig.url}/v1/ads`, { headers: { authorization: `Basic ${API_TOKEN}` } })).status, 401);

    const badLogin = await fetch(`${rig.url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'wrong-token-000000' }) });
    assert.equal(badLogin.status, 401);
    assert.equal(badLogin.headers.get('set-cookie'), null);
    const login = await fetch(`${rig.url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: API_TOKEN }) });
    assert.equal(login.status, 204);
    const cookie = login.headers.get('set-cookie') ?? '';
    // The cookie holds an opaque session id, never the token (it used to hold the token itself).
    assert.match(cookie, /^vidu_session=[A-Za-z0-9_-]{43};/);
    assert.ok(!cookie.includes(API_TOKEN) && !cookie.includes(encodeURIComponent(API_TOKEN)), 'the cookie does not carry the token');
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\//);
    const sessionCookie = cookie.split(';')[0]!;
    assert.equal((await fetch(`${rig.url}/v1/ads`, { headers: { cookie: sessionCookie } })).status, 200);
    assert.equal((await fetch(`${rig.url}/v1/ads`, { headers: { cookie: 'vidu_session=forged-token-12345' } })).status, 401);
    assert.equal((await fetch(`${rig.url}/v1/ads`, { headers: { cookie: `vidu_session=${API_TOKEN}` } })).status, 401, 'a token in the cookie is no session');
    assert.equal((await fetch(`${rig.url}/v1/ads`, { headers: { cookie: `vidu_api_token=${API_TOKEN}` } })).status, 401, 'the old token cookie is not accepted any more');
    // The cookie also opens event streams, which browsers cannot give headers.
    const stream = await openEventStream(`${rig.url}/v1/ads/${inReview[0]}/events`, { cookie: sessionCookie });
    assert.equal(stream.status, 200);
    assert.equal((await stream.next())?.event, 'status');
    stream.close();
    const logout = await fetch(`${rig.url}/v1/session`, { method: 'DELETE', headers: { cookie: sessionCookie } });
    assert.equal(logout.status, 204);
    assert.match(logout.headers.get('set-cookie') ?? '', /vidu_session=;.*Max-Age=0/);
    assert.equal((await fetch(`${rig.url}/v1/ads`, { headers: { cookie: sessionCookie } })).status, 401, 'signing out ends the session on the server');

    const checker = createTokenChecker(keysFromTokens(['a'.repeat(16), 'b'.repeat(20)]));
    assert.equal(checker.accepts('b'.repeat(20)), true);
    assert.deepEqual(checker.identify('b'.repeat(20)), { name: 'token-2', role: 'admin' });
    assert.equal(checker.accepts('b'.repeat(19)), false);
    assert.equal(checker.accepts(''), false);
    assert.equal(checker.accepts(undefined), false);
  });

  it('answers a bad request with 400 naming the field and the rule', async () => {
    const cases: Array<[string, string, unknown, string, RegExp?]> = [
      ['POST', '/v1/ads', { adId: adIdFor('bad') }, 'images'],
      ['POST', '/v1/ads', { adId: 'no spaces allowed', images: [IMAGE] }, 'adId'],
      ['POST', '/v1/ads', { adId: adIdFor('bad'), images: [IMAGE], duration: 5 }, 'duration', /at least 10/],
      ['POST', '/v1/ads', { adId: adIdFor('bad'), images: Array(8).fill(IMAGE) }, 'images', /1-7/],
      ['POST', '/v1/ads', { adId: adIdFor('bad'), images: [IMAGE], review: { ...REVIEW, windowMs: 10 } }, 'review.windowMs', /at least 1000/],
      ['POST', '/v1/ads', { adId: adIdFor('bad'), images: [IMAGE], colour: 'red' }, 'colour', /not a known field/],
      ['POST', '/v1/ads', { adId: adIdFor('bad'), images: [IMAGE], polling: { initialMs: 5_000, maxMs: 2_000 } }, 'polling.maxMs', /initialMs/],
      ['POST', '/v1/ads', { adId: adIdFor('bad'), images: [IMAGE], edits: [{ kind: 'video', prompt: 'x' }] }, 'edits[0].storyboardIndex'],
      ['POST', '/v1/ads', { adId: adIdFor('bad'), images: ['data:image/png;base64,aGVsbG8='] }, 'images[0]'],
      ['POST', '/v1/ads', { adId: adIdFor('bad'), images: ['ftp://example.com/a.png'] }, 'images[0]'],
      ['POST', `/v1/ads/${inReview[0]}/edits`, { kind: 'sound', prompt: 'x' }, 'kind'],
      ['POST', `/v1/ads/${inReview[0]}/edits`, { kind: 'video', prompt: 'no index' }, 'storyboardIndex', /required/],
      ['POST', `/v1/ads/${inReview[0]}/edits`, { kind: 'bgm', prompt: 'x'.repeat(2001) }, 'prompt', /2000/],
      ['POST', `/v1/ads/${inReview[0]}/edits`, { kind: 'bgm', prompt: '   ' }, 'prompt', /empty/],
      ['POST', `/v1/ads/${inReview[0]}/edits`, { requestId: 'has spaces', kind: 'bgm', prompt: 'x' }, 'requestId'],
      ['POST', `/v1/ads/${inReview[0]}/selections`, { kind: 'narration', storyboardIndex: 0, takeId: 't' }, 'storyboardIndex', /only/],
      ['POST', `/v1/ads/${inReview[0]}/cancel`, { reason: 'x'.repeat(501) }, 'reason'],
      ['GET', '/v1/ads?pageSize=0', undefined, 'pageSize'],
      ['GET', '/v1/ads?stage=sleeping', undefined, 'stage'],
      ['GET', '/v1/ads?pageToken=not%20a%20token', undefined, 'pageToken'],
      ['GET', '/v1/ads/bad%20id', undefined, 'adId'],
    ];
    for (const [method, url, body, field, rule] of cases) {
      const response = await api.call(method, url, body);
      const where = `${method} ${url} ${JSON.stringify(body)?.slice(0, 80)}`;
      assert.equal(response.status, 400, `${where}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.code, 'BadRequest', where);
      assert.equal(response.body.error.field, field, `${where}: ${response.body.error.message}`);
      assert.ok(response.body.error.message.includes(`${field}: `), `${where}: ${response.body.error.message}`);
      if (rule) assert.match(response.body.error.message, rule, where);
    }
    const notJson = await fetch(`${rig.url}/v1/ads`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' }, body: '{"adId":' });
    assert.equal(notJson.status, 400);
    const unknownAd = await api.call('GET', `/v1/ads/${adIdFor('never')}`);
    assert.equal(unknownAd.status, 404);
    assert.equal(unknownAd.body.error.code, 'NotFound');
    assert.equal((await api.call('POST', `/v1/ads/${adIdFor('never')}/approve`)).status, 404, 'approve needs no body');
    const emptyJson = await fetch(`${rig.url}/v1/ads/${adIdFor('never')}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' }, body: '' });
    assert.equal(emptyJson.status, 404, 'an empty JSON body is no body');
  });

  it('takes multipart uploads: image files become stored references; bad files are refused naming the field', async () => {
    const auth = { authorization: `Bearer ${API_TOKEN}` };
    const adId = adIdFor('form');
    const form = new FormData();
    form.set('adId', adId);
    form.set('prompt', 'a sneaker on a track');
    form.set('duration', '15');
    form.set('review', 'true');
    form.set('reviewWindowMs', '60000');
    form.set('polling', JSON.stringify(FAST_POLLING));
    form.append('images', new Blob([PNG], { type: 'image/png' }), 'sneaker.png');
    const started = await fetch(`${rig.url}/v1/ads`, { method: 'POST', headers: auth, body: form });
    assert.equal(started.status, 201, await started.clone().text());
    inReview.push(adId);
    const history = await rig.env.client.workflow.getHandle(`ad-${adId}`).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const input = JSON.parse(Buffer.from(payload!.data!).toString());
    assert.match(input.images[0], /^stored:images\/[0-9a-f]{64}\.png$/);
    assert.deepEqual(input.review, { enabled: true, windowMs: 60_000, onTimeout: 'compose-selected' });
    assert.equal(input.duration, 15);
    assert.deepEqual(input.polling, FAST_POLLING);

    const refusals: Array<[FormData, string, RegExp]> = [];
    const textFile = new FormData();
    textFile.set('adId', adIdFor('form-bad'));
    textFile.append('images', new Blob(['not an image at all'], { type: 'image/png' }), 'fake.png');
    refusals.push([textFile, 'images[0]', /png, jpeg or webp/]);
    const tooBig = new FormData();
    tooBig.set('adId', adIdFor('form-big'));
    tooBig.append('images', new Blob([PNG], { type: 'image/png' }), 'ok.png');
    tooBig.append('images', new Blob([Buffer.alloc(IMAGE_UPLOAD_MAX_BYTES + 1)], { type: 'image/png' }), 'big.png');
    refusals.push([tooBig, 'images[1]', /at most 15 MB/]);
    const tooMuch = new FormData();
    tooMuch.set('adId', adIdFor('form-much'));
    for (let i = 0; i < 3; i += 1) tooMuch.append('images', new Blob([PNG, Buffer.alloc(6_000_000)], { type: 'image/png' }), `${i}.png`);
    refusals.push([tooMuch, 'images[2]', /over 15 MB together/]);
    const tooMany = new FormData();
    tooMany.set('adId', adIdFor('form-many'));
    for (let i = 0; i < 8; i += 1) tooMany.append('images', new Blob([PNG], { type: 'image/png' }), `${i}.png`);
    refusals.push([tooMany, 'images', /at most 7/]);
    const badReview = new FormData();
    badReview.set('adId', adIdFor('form-review'));
    badReview.set('review', 'maybe');
    badReview.append('images', new Blob([PNG], { type: 'image/png' }), 'ok.png');
    refusals.push([badReview, 'review', /"true" or "false"/]);
    const unknown = new FormData();
    unknown.set('adId', adIdFor('form-unknown'));
    unknown.set('colour', 'red');
    refusals.push([unknown, 'colour', /not a field/]);
    // Names every object has through its prototype are unknown fields too, not repeats (the multipart plugin refuses them first).
    for (const inherited of ['constructor', 'toString', 'hasOwnProperty']) {
      const form = new FormData();
      form.set('adId', adIdFor('form-inherited'));
      form.set(inherited, 'x');
      refusals.push([form, '(form)', /^\(form\): has a field named like a property of every object .*not a field of an ad request$/]);
    }
    const badNumber = new FormData();
    badNumber.set('adId', adIdFor('form-number'));
    badNumber.set('duration', 'fifteen');
    badNumber.append('images', new Blob([PNG], { type: 'image/png' }), 'ok.png');
    refusals.push([badNumber, 'duration', /number/]);
    for (const [body, field, rule] of refusals) {
      const response = await fetch(`${rig.url}/v1/ads`, { method: 'POST', headers: auth, body });
      const answer = (await response.json()) as { error: { field?: string; message: string } };
      assert.equal(response.status, 400, `${field}: ${JSON.stringify(answer)}`);
      assert.equal(answer.error.field, field, answer.error.message);
      assert.match(answer.error.message, rule);
    }
  });

  it('lists ads by stage, newest first, in pages', async () => {
    const seen = await eventually('both review ads listed', async () => {
      const found: string[] = [];
      let pageToken: string | undefined;
      for (let page = 0; page < 50; page += 1) {
        const response = await api.call('GET', `/v1/ads?stage=review&pageSize=1${pageToken ? `&pageToken=${pageToken}` : ''}`);
        assert.equal(response.status, 200, JSON.stringify(response.body));
        assert.ok(response.body.ads.length <= 1, 'a page holds at most pageSize ads');
        for (const ad of response.body.ads) {
          assert.equal(ad.stage, 'review');
          assert.equal(ad.running, true);
          assert.equal(ad.workflowId, `ad-${ad.adId}`);
          assert.ok(!Number.isNaN(Date.parse(ad.startTime)));
          assert.equal(ad.closeTime, undefined);
          if (inReview.slice(0, 2).includes(ad.adId)) found.push(ad.adId);
        }
        pageToken = response.body.nextPageToken;
        if (!pageToken) break;
      }
      return found.length === 2 ? found : undefined;
    });
    assert.deepEqual(seen, [inReview[1], inReview[0]], 'newest first');
    const done = await api.call('GET', '/v1/ads?stage=done&pageSize=100');
    assert.equal(done.status, 200);
    assert.ok(done.body.ads.every((ad: { adId: string }) => !inReview.includes(ad.adId)));
  });

  it('serves files of an ad folder only, refusing traversal, absolute paths and unknown ads', async () => {
    const [adId, otherAd] = inReview as [string, string];
    await mkdir(path.join(rig.artifactDir, adId, 'notes'), { recursive: true });
    await writeFile(path.join(rig.artifactDir, adId, 'notes', 'hello.txt'), 'hello');
    await mkdir(path.join(rig.artifactDir, otherAd), { recursive: true });
    await writeFile(path.join(rig.artifactDir, otherAd, 'secret.txt'), 'secret');
    await writeFile(path.join(rig.artifactDir, 'outside.txt'), 'outside');

    const ok = await fetch(`${rig.url}/v1/ads/${adId}/media/notes/hello.txt`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(ok.status, 200);
    // Text is no media type: served as an attachment, never as something a browser renders (test/api/mediaHeaders.test.ts).
    assert.equal(ok.headers.get('content-type'), 'application/octet-stream');
    assert.equal(await ok.text(), 'hello');
    assert.equal((await fetch(`${rig.url}/v1/ads/${adId}/media/notes/hello.txt`)).status, 401);

    for (const raw of [
      `/v1/ads/${adId}/media/..%2F${otherAd}%2Fsecret.txt`,
      `/v1/ads/${adId}/media/notes%2F..%2F..%2Foutside.txt`,
      `/v1/ads/${adId}/media/%2Fetc%2Fpasswd`,
      `/v1/ads/${adId}/media/notes/%2e%2e/%2e%2e/outside.txt`,
      `/v1/ads/${adId}/media/notes%5C..%5Chello.txt`,
      `/v1/ads/${adId}/media/.hidden`,
    ]) {
      const response = await rawGet(rig.url, raw, API_TOKEN);
      assert.ok([400, 404].includes(response.status), `${raw}: ${response.status} ${response.body}`);
      assert.doesNotMatch(response.body, /secret|outside|root:/, raw);
    }
    assert.equal((await rawGet(rig.url, `/v1/ads/${adId}/media/..%2F${otherAd}%2Fsecret.txt`, API_TOKEN)).status, 400);
    // The folder of stored product images is not an ad.
    const images = await rawGet(rig.url, '/v1/ads/images/media/x.png', API_TOKEN);
    assert.equal(images.status, 404);
    assert.equal((await rawGet(rig.url, `/v1/ads/${adId}/media/notes/absent.txt`, API_TOKEN)).status, 404);
  });

  it('streams status events with keep-alives, one poller per ad, stopped when the clients leave', async () => {
    const adId = inReview[0]!;
    const feed = rig.api.app.statusFeed;
    // The takes' kept copies (videos, covers, narration and music) may land after the ad reached
    // review, each one a new status; once they all have, nothing changes while the ad waits.
    await eventually('every take kept', async () => {
      const { body } = await api.call('GET', `/v1/ads/${adId}`);
      return everyTakeKept(body as AdStatus) ? true : undefined;
    });
    const first = await api.events(`/v1/ads/${adId}/events`);
    const second = await api.events(`/v1/ads/${adId}/events`);
    try {
      const a = await first.next();
      const b = await second.next();
      assert.equal(a?.event, 'status');
      assert.equal(JSON.parse(a!.data).stage, 'review');
      assert.equal(b?.data, a?.data);
      assert.equal(feed.activeAds(), 1, 'the two streams share one poller');
      // Nothing changes while the ad waits: only keep-alive comments arrive.
      await assert.rejects(first.next(1_000), /no event/);
      assert.ok(first.comments() >= 2, `keep-alive comments: ${first.comments()}`);
    } finally {
      first.close();
      second.close();
    }
    await eventually('the poller to stop', async () => (feed.activeAds() === 0 ? true : undefined), 5_000);

    const unknown = await api.call('GET', `/v1/ads/${adIdFor('never')}/events`);
    assert.equal(unknown.status, 404);
  });

  it('stops polling for streams whose client left while the first status was read', async () => {
    const adId = inReview[1]!;
    const feed = rig.api.app.statusFeed;
    const { hostname, port } = new URL(rig.url);
    // Each client sends its request and hangs up a moment later: some while the server still reads the first status.
    for (let i = 0; i < 30; i += 1) {
      await new Promise<void>((resolve) => {
        const req = httpRequest({ host: hostname, port, path: `/v1/ads/${adId}/events`, headers: { authorization: `Bearer ${API_TOKEN}` } });
        req.on('error', () => resolve());
        req.on('close', () => resolve());
        req.on('finish', () => setTimeout(() => req.destroy(), i % 10));
        req.end();
      });
    }
    await eventually('every poller to stop', async () => (feed.activeAds() === 0 ? true : undefined), 5_000);
    // And they stay stopped: nothing was left following the ad.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(feed.activeAds(), 0);
  });

  it('refuses cross-site requests that ride on the session cookie, but not bearer requests or sign-in', async () => {
    const login = await fetch(`${rig.url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: API_TOKEN }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const own = rig.url;
    const { port } = new URL(rig.url);
    const sibling = `http://127.0.0.1:${Number(port) === 65535 ? 65534 : Number(port) + 1}`;

    // A form on another port of the same site posts a whole ad with multipart: refused, and no ad is started.
    const adId = adIdFor('csrf');
    const form = formBody({ adId, prompt: 'spend the credits' }, PNG);
    const forged: Array<[string, Record<string, string>]> = [
      ['no Origin or Sec-Fetch-Site', {}],
      ['another port', { origin: sibling }],
      ['a sibling subdomain (same site)', { 'sec-fetch-site': 'same-site', origin: 'http://console.localhost' }],
      ['another site', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }],
      ['Sec-Fetch-Site wins over a matching Origin', { 'sec-fetch-site': 'same-site', origin: own }],
      ['an opaque origin', { origin: 'null' }],
    ];
    for (const [what, headers] of forged) {
      const answer = await rawRequest(rig.url, 'POST', '/v1/ads', { cookie, 'content-type': form.contentType, ...headers }, form.body);
      assert.equal(answer.status, 403, `${what}: ${answer.body}`);
      const body = JSON.parse(answer.body) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'Forbidden', what);
      assert.match(body.error.message, /^cross-site request refused: /, what);
    }
    assert.equal((await api.call('GET', `/v1/ads/${adId}`)).status, 404, 'no ad was started');
    const cancel = await rawRequest(rig.url, 'POST', `/v1/ads/${inReview[0]}/cancel`, { cookie, origin: sibling, 'content-type': 'application/json' }, '{}');
    assert.equal(cancel.status, 403, cancel.body);

    // The same origin passes the check (an unknown ad then answers 404), by Sec-Fetch-Site or by Origin.
    const never = `/v1/ads/${adIdFor('never')}/approve`;
    const sameOrigin: Array<Record<string, string>> = [{ 'sec-fetch-site': 'same-origin' }, { origin: own }, { 'sec-fetch-site': 'same-origin', origin: own }];
    for (const headers of sameOrigin) {
      const answer = await rawRequest(rig.url, 'POST', never, { cookie, ...headers });
      assert.equal(answer.status, 404, `${JSON.stringify(headers)}: ${answer.body}`);
    }
    // Reads are not checked; nor are bearer requests (a page cannot forge the header); nor is sign-in.
    assert.equal((await rawRequest(rig.url, 'GET', '/v1/ads', { cookie, 'sec-fetch-site': 'cross-site' })).status, 200);
    assert.equal((await rawRequest(rig.url, 'POST', never, { authorization: `Bearer ${API_TOKEN}`, origin: 'https://evil.example' })).status, 404);
    const signIn = await rawRequest(rig.url, 'POST', '/v1/session', { 'content-type': 'application/json', origin: sibling, 'sec-fetch-site': 'same-site' }, JSON.stringify({ token: API_TOKEN }));
    assert.equal(signIn.status, 204, signIn.body);
    // Without any credentials the answer stays 401, not 403.
    assert.equal((await rawRequest(rig.url, 'POST', never, { origin: sibling })).status, 401);
  });

  it('believes X-Forwarded-Proto and -Host only with trustProxy: then the cookie is Secure and the origin is the proxy\'s', async () => {
    const deps = { client: rig.env.client, taskQueue: 'unused', artifacts: new LocalArtifactStore(rig.artifactDir), tokens: [API_TOKEN] };
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'ads.example.com', 'content-type': 'application/json' };
    const direct = await buildApiServer(deps);
    const proxied = await buildApiServer({ ...deps, trustProxy: true });
    try {
      const plain = await direct.inject({ method: 'POST', url: '/v1/session', headers: forwarded, payload: { token: API_TOKEN } });
      assert.equal(plain.statusCode, 204);
      assert.doesNotMatch(String(plain.headers['set-cookie']), /Secure/, 'without trustProxy the forwarded headers are ignored');
      const secure = await proxied.inject({ method: 'POST', url: '/v1/session', headers: forwarded, payload: { token: API_TOKEN } });
      assert.equal(secure.statusCode, 204);
      assert.match(String(secure.headers['set-cookie']), /; Secure/);

      // An older browser's POST through the proxy, with Origin only: matched against the forwarded scheme and host.
      const cookieOf = (answer: { headers: Record<string, unknown> }) => String(answer.headers['set-cookie']).split(';')[0]!;
      const post = (cookie: string) => ({ method: 'POST' as const, url: `/v1/ads/${adIdFor('never')}/approve`, headers: { ...forwarded, cookie, origin: 'https://ads.example.com' }, payload: '' });
      assert.equal((await proxied.inject(post(cookieOf(secure)))).statusCode, 404, 'the proxy origin passes the check');
      assert.equal((await direct.inject(post(cookieOf(plain)))).statusCode, 403, 'without trustProxy the origin is http://<Host>');
    } finally {
      await direct.close();
      await proxied.close();
    }
  });

  it('publishes an OpenAPI 3 document generated from the request schemas', async () => {
    const response = await fetch(`${rig.url}/openapi.json`);
    assert.equal(response.status, 200);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, Record<string, unknown>>; required?: string[] } }> } }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    assert.match(doc.openapi, /^3\./);
    for (const route of ['/v1/ads', '/v1/ads/{adId}', '/v1/ads/{adId}/edits', '/v1/ads/{adId}/selections', '/v1/ads/{adId}/approve', '/v1/ads/{adId}/cancel', '/v1/ads/{adId}/events', '/v1/session']) {
      assert.ok(doc.paths[route], `path ${route}`);
    }
    const start = doc.paths['/v1/ads']!.post!.requestBody!.content['application/json']!.schema;
    assert.deepEqual(start.required?.sort(), ['adId', 'images']);
    assert.equal(start.properties.images!.maxItems, 7);
    assert.equal(start.properties.duration!.minimum, 10);
    assert.ok(doc.paths['/v1/ads']!.post!.requestBody!.content['multipart/form-data']);
    const edit = doc.paths['/v1/ads/{adId}/edits']!.post!.requestBody!.content['application/json']!.schema;
    assert.deepEqual(edit.properties.kind!.enum, ['video', 'narration', 'bgm']);
    assert.equal(edit.properties.prompt!.maxLength, 2000);
    assert.ok(doc.components.securitySchemes.bearer);
    assert.ok(doc.components.securitySchemes.session);
  });
});
