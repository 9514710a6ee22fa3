// The done-when test of the HTTP API: one whole ad driven over HTTP with
// fetch alone, from a data-URI image through review (an edit, its take
// selected, approval) to the final video downloaded from the media route,
// and the signed completion webhook checked by a plain node:http receiver.
// Also: repeated request ids, validator refusals and idempotent starts.
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { API_TOKEN, openApiRig, type ApiRig, eventually } from './apiRig';
import { apiClient, type ApiClient } from './httpClient';

const IMAGE = `data:image/png;base64,${readFileSync(path.join(__dirname, '../../samples/coffee-mug.png')).toString('base64')}`;
const FAST_POLLING = { initialMs: 1_000, maxMs: 1_000 };

let counter = 0;
function adIdFor(label: string): string {
  return `api-${label}-${process.pid}-${++counter}-${Date.now().toString(36)}`;
}

/** The worker's Standard Webhooks secret: "whsec_" and base64 of random bytes. */
const SIGNING_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A completion-webhook receiver on loopback: records what arrives, answers 200. */
async function startHookReceiver(): Promise<{ url: string; received: ReceivedHook[]; server: Server }> {
  const received: ReceivedHook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hooks/ads`, received, server };
}

/** Standard Webhooks, checked by hand: v1,<base64 HMAC-SHA256 of "id.timestamp.body">, keyed with the secret's bytes. */
function signatureIsValid(hook: ReceivedHook): boolean {
  const id = String(hook.headers['webhook-id']);
  const timestamp = String(hook.headers['webhook-timestamp']);
  const key = Buffer.from(SIGNING_SECRET.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${hook.body}`).digest('base64');
  return String(hook.headers['webhook-signature'])
    .split(' ')
    .some((entry) => entry === `v1,${expected}`);
}


describe('an ad over HTTP', () => {
  let rig: ApiRig;
  let api: ApiClient;
  let hooks: Awaited<ReturnType<typeof startHookReceiver>>;
  before(async () => {
    hooks = await startHookReceiver();
    rig = await openApiRig({ notify: { signingSecret: SIGNING_SECRET, allowPrivateHosts: true } });
    api = apiClient(rig.url, API_TOKEN);
  });
  after(async () => {
    await rig?.close();
    await new Promise((resolve) => hooks?.server.close(resolve));
  });

  it('goes from a data-URI image through review (edit, selection, approval) to a final video served with ranges', async () => {
    // ---- the client part: fetch only ----
    const adId = adIdFor('whole');
    const started = await api.call('POST', '/v1/ads', {
      adId,
      images: [IMAGE],
      prompt: 'a coffee mug on a desk at dawn',
      duration: 15,
      language: 'en',
      review: { enabled: true, windowMs: 120_000, onTimeout: 'fail' },
      polling: FAST_POLLING,
      notifyUrl: hooks.url,
      // The create (600), the compose (1) and one storyboard edit (200), no more.
      maxCredits: 801,
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.deepEqual(started.body, { adId, workflowId: `ad-${adId}`, created: true });

    const events = await api.events(`/v1/ads/${adId}/events`);
    assert.equal(events.status, 200);
    assert.match(events.contentType ?? '', /^text\/event-stream/);
    const inReview = await events.until((e) => e.event === 'status' && JSON.parse(e.data).stage === 'review', 'stage review');
    const review = JSON.parse(inReview.data);
    assert.ok(review.storyboards.length > 0, 'the ad has storyboards');
    // The image went into the artifact store, not into the workflow: the status carries no base64.
    assert.doesNotMatch(inReview.data, /base64/);

    // A validator refusal with its reason: no storyboard 99 (422), then an edit that is accepted.
    const refused = await api.call('POST', `/v1/ads/${adId}/edits`, { kind: 'video', storyboardIndex: 99, prompt: 'nowhere' });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'Unprocessable');
    assert.equal(refused.body.error.field, 'storyboardIndex');
    assert.match(refused.body.error.message, /storyboardIndex: must be a whole number from 0 to/);

    const edit = { requestId: `edit-${adId}`, kind: 'video', storyboardIndex: 0, prompt: 'the mug steams, warmer light' };
    const accepted = await api.call('POST', `/v1/ads/${adId}/edits`, edit);
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    assert.equal(accepted.body.requestId, edit.requestId);
    assert.ok(accepted.body.subTaskId);
    // The same request id again: the first answer, and no second edit or credit.
    const creditsBefore = (await api.call('GET', `/v1/ads/${adId}`)).body.creditsSpent;
    const repeated = await api.call('POST', `/v1/ads/${adId}/edits`, edit);
    assert.equal(repeated.status, 202);
    assert.deepEqual(repeated.body, accepted.body);
    const afterRepeat = (await api.call('GET', `/v1/ads/${adId}`)).body;
    assert.equal(afterRepeat.edits.length, 1);
    assert.equal(afterRepeat.creditsSpent, creditsBefore);
    assert.equal(afterRepeat.credits.limit, 801);
    assert.equal(afterRepeat.credits.spent + afterRepeat.credits.reserved, 801, JSON.stringify(afterRepeat.credits));
    // The budget is used up: one more edit is refused before anything is sent.
    const overBudget = await api.call('POST', `/v1/ads/${adId}/edits`, { kind: 'narration', prompt: 'one more line' });
    assert.equal(overBudget.status, 409, JSON.stringify(overBudget.body));
    assert.deepEqual(overBudget.body.error, {
      code: 'Conflict',
      field: 'maxCredits',
      message: 'ad budget maxCredits=801: 801 reserved or spent, this narration edit would cost about 10',
    });

    const takeId = accepted.body.subTaskId as string;
    // The new take, once its video is kept in the artifact store.
    const taken = await events.until((e) => {
      if (e.event !== 'status') return false;
      const take = JSON.parse(e.data).storyboards[0].takes.find((t: { id: string }) => t.id === takeId);
      return take?.state === 'success' && take.media !== undefined;
    }, `take ${takeId} with its media`);
    assert.ok(JSON.parse(taken.data).storyboards[0].takes.length >= 2);
    const take = JSON.parse(taken.data).storyboards[0].takes.find((t: { id: string }) => t.id === takeId);
    const takeMedia = await fetch(`${rig.url}/v1/ads/${adId}/media/${take.media}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(takeMedia.status, 200, `take media ${take.media}`);
    assert.equal(takeMedia.headers.get('content-type'), 'video/mp4');
    assert.ok((await takeMedia.arrayBuffer()).byteLength > 0);

    const selection = { requestId: `select-${adId}`, kind: 'video', storyboardIndex: 0, takeId };
    const selected = await api.call('POST', `/v1/ads/${adId}/selections`, selection);
    assert.equal(selected.status, 200, JSON.stringify(selected.body));
    assert.deepEqual(selected.body, { requestId: selection.requestId });
    const unknownTake = await api.call('POST', `/v1/ads/${adId}/selections`, { kind: 'video', storyboardIndex: 0, takeId: 'no-such-take' });
    assert.equal(unknownTake.status, 422, JSON.stringify(unknownTake.body));
    assert.match(unknownTake.body.error.message, /no-such-take/);
    assert.equal(unknownTake.body.error.field, 'takeId');
    const noStoryboard = await api.call('POST', `/v1/ads/${adId}/selections`, { kind: 'video', storyboardIndex: 99, takeId });
    assert.equal(noStoryboard.status, 422, JSON.stringify(noStoryboard.body));
    assert.equal(noStoryboard.body.error.field, 'storyboardIndex');

    const approved = await api.call('POST', `/v1/ads/${adId}/approve`, {});
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.match(approved.body.requestId, /^[\w.:-]+$/, 'a request id is made up when none is given');

    const done = await events.until((e) => e.event === 'status' && JSON.parse(e.data).stage === 'done', 'stage done');
    const end = await events.next(10_000);
    assert.equal(end?.event, 'end');
    assert.equal(await events.next(5_000), undefined, 'the stream closes after end');
    const final = JSON.parse(done.data);
    assert.equal(final.result.outcome, 'composed');
    assert.deepEqual(final.result.selection.videoTaskIds[0], takeId);

    // A finished ad takes no more requests: 409 with the reason.
    const late = await api.call('POST', `/v1/ads/${adId}/edits`, { kind: 'video', storyboardIndex: 0, prompt: 'too late' });
    assert.equal(late.status, 409, JSON.stringify(late.body));
    assert.equal(late.body.error.code, 'Conflict');
    assert.match(late.body.error.message, /finished/);

    // The final video from the media route, at its path inside the ad's folder.
    const relative: string = final.result.video.media;
    assert.match(relative, /^[^/].*\.mp4$/, 'the result names its file inside the ad folder');
    const media = await fetch(`${rig.url}/v1/ads/${adId}/media/${relative}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(media.status, 200);
    assert.equal(media.headers.get('content-type'), final.result.video.contentType);
    assert.equal(media.headers.get('accept-ranges'), 'bytes');
    const bytes = Buffer.from(await media.arrayBuffer());
    assert.equal(bytes.length, final.result.video.bytes);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), final.result.video.sha256);

    const part = await fetch(`${rig.url}/v1/ads/${adId}/media/${relative}`, { headers: { authorization: `Bearer ${API_TOKEN}`, range: 'bytes=0-99' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 0-99/${bytes.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(0, 100));

    const missing = await api.call('GET', `/v1/ads/${adId}/media/takes/nothing.mp4`);
    assert.equal(missing.status, 404);

    // The completion webhook: signed per Standard Webhooks, saying the ad is done; the status records its delivery.
    const delivered = await eventually('the webhook to be delivered', async () => {
      const status = (await api.call('GET', `/v1/ads/${adId}`)).body;
      return status.notification?.state === 'delivered' ? status.notification : undefined;
    });
    assert.equal(delivered.url, hooks.url);
    const hook = hooks.received.find((h) => JSON.parse(h.body).data?.adId === adId);
    assert.ok(hook, 'the receiver got the webhook');
    assert.ok(signatureIsValid(hook), `signature ${String(hook.headers['webhook-signature'])}`);
    assert.equal(hook.headers['webhook-id'], delivered.webhookId);
    assert.ok(Math.abs(Number(hook.headers['webhook-timestamp']) - Date.now() / 1000) < 300, 'a current timestamp');
    const notification = JSON.parse(hook.body);
    assert.equal(notification.type, 'ad.finished');
    assert.equal(notification.data.stage, 'done');
    assert.equal(notification.data.result.video.sha256, final.result.video.sha256);

    // The status the API keeps for a finished ad is the workflow's own answer (its latency: `npm run bench -- status`).
    const direct = await rig.env.client.workflow.getHandle(`ad-${adId}`).query('status');
    assert.deepEqual((await api.call('GET', `/v1/ads/${adId}`)).body, direct);
  });

  it('starts an ad once per ad id: 201, then 200 with nothing new started', async () => {
    const adId = adIdFor('twice');
    const request = { adId, images: [IMAGE], prompt: 'a mug', review: { enabled: true, windowMs: 60_000, onTimeout: 'fail' }, polling: FAST_POLLING };
    const [first, second] = await Promise.all([api.call('POST', '/v1/ads', request), api.call('POST', '/v1/ads', request)]);
    assert.deepEqual([first.status, second.status].sort(), [200, 201], `${JSON.stringify(first.body)} ${JSON.stringify(second.body)}`);
    // Just started, so far from review (Vidu is still making the first video): an edit or a selection now is a 409 naming the stage.
    const early = await api.call('POST', `/v1/ads/${adId}/edits`, { kind: 'narration', prompt: 'too early' });
    assert.equal(early.status, 409, JSON.stringify(early.body));
    assert.equal(early.body.error.field, 'stage');
    assert.match(early.body.error.message, /^stage: .*review/);
    const earlySelect = await api.call('POST', `/v1/ads/${adId}/selections`, { kind: 'bgm', takeId: 'any' });
    assert.equal(earlySelect.status, 409, JSON.stringify(earlySelect.body));
    const third = await api.call('POST', '/v1/ads', { ...request, prompt: 'something else entirely' });
    assert.equal(third.status, 200);
    assert.deepEqual(third.body, { adId, workflowId: `ad-${adId}`, created: false });
    let runs = 0;
    for await (const _ of rig.env.client.workflow.list({ query: `WorkflowId = 'ad-${adId}'` })) runs += 1;
    assert.equal(runs, 1, 'one workflow for the ad id');

    const cancelled = await api.call('POST', `/v1/ads/${adId}/cancel`, { requestId: `cancel-${adId}`, reason: 'test over' });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    const again = await api.call('POST', `/v1/ads/${adId}/cancel`, { requestId: `cancel-${adId}`, reason: 'test over' });
    assert.ok([200, 409].includes(again.status), `a repeated cancel answers the same or says the ad is finished (${again.status})`);
  });
});
