import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { ApiError } from '../../src/simulator/errors';
import type { ViduSimulator } from '../../src/simulator/index';
import { narrationEditCredits } from '../../src/simulator/pricing';
import { parseCreate } from '../../src/simulator/validation';
import { validateCreateAdRequest, validateEditRequest, VIDU_LIMITS } from '../../src/vidu/requestValidation';
import { dataUri, tinyJpeg, tinyPng, tinyWebp } from '../vidu/tinyImages';
import { api, createSucceededAd, SAMPLE_IMAGE, startFastSimulator } from './helpers';

let sim: ViduSimulator;
before(async () => {
  sim = await startFastSimulator();
});
after(() => sim.close());

const PNG_DATA_URI = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const cases: Array<[string, unknown, string, RegExp]> = [
  ['missing images', {}, 'FieldLacking', /images/],
  ['images not an array', { images: SAMPLE_IMAGE }, 'FieldInvalid', /images/],
  ['no images', { images: [] }, 'FieldItemCountOutOfRange', /1 to 7/],
  ['eight images', { images: Array(8).fill(SAMPLE_IMAGE) }, 'FieldItemCountOutOfRange', /got 8/],
  ['a text data URI', { images: ['data:text/plain;base64,aGVsbG8='] }, 'ImageFormatInvalid', /images\[0\]/],
  ['a gif data URI', { images: [SAMPLE_IMAGE, 'data:image/gif;base64,R0lGODlhAQABAAAAACw='] }, 'ImageFormatInvalid', /images\[1\]/],
  ['a data URI without base64', { images: ['data:image/png,abc'] }, 'ImageFormatInvalid', /base64/],
  ['an image that is no URL', { images: ['not a url'] }, 'FieldInvalid', /images\[0\]/],
  ['payload on create', { images: [SAMPLE_IMAGE], payload: 'x' }, 'FieldUnwanted', /payload/],
  ['duration too short', { images: [SAMPLE_IMAGE], duration: 9 }, 'FieldInvalid', /duration/],
  ['duration too long', { images: [SAMPLE_IMAGE], duration: 61 }, 'FieldInvalid', /duration/],
  ['duration not an integer', { images: [SAMPLE_IMAGE], duration: 12.5 }, 'FieldInvalid', /duration/],
  ['bad aspect ratio', { images: [SAMPLE_IMAGE], aspect_ratio: '4:3' }, 'FieldInvalid', /aspect_ratio/],
  ['bad language', { images: [SAMPLE_IMAGE], language: 'fr' }, 'FieldInvalid', /language/],
  ['prompt too long', { images: [SAMPLE_IMAGE], prompt: 'x'.repeat(2001) }, 'FieldInvalid', /prompt/],
  ['bad callback_url', { images: [SAMPLE_IMAGE], callback_url: 'ftp://hooks.example/x' }, 'FieldInvalid', /callback_url/],
  ['a body that is not an object', [SAMPLE_IMAGE], 'BadRequest', /object/],
];

for (const [name, body, code, message] of cases) {
  test(`create rejects ${name} with 400 ${code}`, async () => {
    const answer = await api(sim, 'POST', '/ent/v2/ad-one-click', body);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.reason, code);
    assert.match(String(answer.body.message), message);
  });
}

test('rejected creates create and charge nothing; valid edge values are accepted', async () => {
  const before = sim.counters();
  await api(sim, 'POST', '/ent/v2/ad-one-click', { images: [] });
  assert.equal(sim.counters().tasksCreated.ad, before.tasksCreated.ad);
  assert.equal(sim.counters().creditsRemaining, before.creditsRemaining);
  const ok = await api(sim, 'POST', '/ent/v2/ad-one-click', {
    images: [PNG_DATA_URI, ...Array(6).fill(SAMPLE_IMAGE)],
    duration: 60,
    aspect_ratio: '1:1',
    language: 'en',
    prompt: 'x'.repeat(2000),
  });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.credits, 2400);
  assert.equal(ok.body.language, 'en');
});

test('invalid JSON is 400 BadRequest', async () => {
  const response = await fetch(`${sim.url}/ent/v2/ad-one-click`, {
    method: 'POST',
    headers: { Authorization: `Token ${sim.apiKey}`, 'Content-Type': 'application/json' },
    body: '{"images": [',
  });
  assert.equal(response.status, 400);
  assert.equal(((await response.json()) as { reason: string }).reason, 'BadRequest');
});

test('a body over 20 MB is 400 BadRequest', async () => {
  const big = JSON.stringify({ images: [`data:image/png;base64,${'A'.repeat(21 * 1024 * 1024)}`] });
  const response = await fetch(`${sim.url}/ent/v2/ad-one-click`, {
    method: 'POST',
    headers: { Authorization: `Token ${sim.apiKey}`, 'Content-Type': 'application/json' },
    body: big,
  });
  assert.equal(response.status, 400);
  const body = (await response.json()) as { reason: string; message: string };
  assert.equal(body.reason, 'BadRequest');
  assert.match(body.message, /20 MB/);
});

test('a data-URI image must be a png, jpeg or webp of its declared type, with a readable header', async () => {
  const before = sim.counters();
  const bad: Array<[string, string, RegExp]> = [
    ['text declared as png', 'data:image/png;base64,aGVsbG8gd29ybGQ=', /not a readable png, jpeg or webp/],
    ['a jpeg declared as png', dataUri('image/png', tinyJpeg(16, 16)), /declared image\/png but holds a jpeg/],
    ['a png declared as webp', dataUri('image/webp', tinyPng(16, 16)), /declared image\/webp but holds a png/],
    ['a png cut after its signature', dataUri('image/png', tinyPng(16, 16).subarray(0, 12)), /not a readable/],
  ];
  for (const [what, image, message] of bad) {
    const answer = await api(sim, 'POST', '/ent/v2/ad-one-click', { images: [SAMPLE_IMAGE, image] });
    assert.equal(answer.status, 400, what);
    assert.equal(answer.body.reason, 'ImageFormatInvalid', what);
    assert.match(String(answer.body.message), /^images\[1\] /, what);
    assert.match(String(answer.body.message), message, what);
  }
  assert.equal(sim.counters().tasksCreated.ad, before.tasksCreated.ad, 'nothing created');
  assert.equal(sim.counters().creditsRemaining, before.creditsRemaining, 'nothing charged');
});

test('a data-URI image outside 1:4..4:1 is 400 FieldInvalid; the limits themselves and every format are accepted', async () => {
  for (const image of [dataUri('image/png', tinyPng(401, 100)), dataUri('image/jpeg', tinyJpeg(10, 41))]) {
    const answer = await api(sim, 'POST', '/ent/v2/ad-one-click', { images: [image] });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.reason, 'FieldInvalid');
    assert.match(String(answer.body.message), /images\[0\] must have an aspect ratio between 1:4 and 4:1 \(got \d+x\d+\)/);
  }
  const ok = await api(sim, 'POST', '/ent/v2/ad-one-click', {
    images: [
      dataUri('image/png', tinyPng(400, 100)),
      dataUri('image/jpeg', tinyJpeg(10, 40)),
      dataUri('image/jpg', tinyJpeg(32, 32)),
      dataUri('image/webp', tinyWebp(20, 30)),
    ],
  });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
});

test('a data-URI image over 50 MB once decoded is FieldInvalid (checked from its length, before decoding)', () => {
  // A body that large never passes the 20 MB body limit over HTTP, so the rule is checked on the parser.
  const overLimit = 'A'.repeat(Math.ceil(((VIDU_LIMITS.maxImageBytes + 1) * 4) / 3));
  assert.throws(
    () => parseCreate({ images: [`data:image/png;base64,${overLimit}`] }),
    (error: unknown) => error instanceof ApiError && error.code === 'FieldInvalid' && /images\[0\] .*50 MB/.test(error.message),
  );
  // Just under the limit the size is fine and the bytes are looked at: zeros are no image.
  const underLimit = 'A'.repeat(Math.floor((VIDU_LIMITS.maxImageBytes * 4) / 3) - 4);
  assert.throws(
    () => parseCreate({ images: [`data:image/png;base64,${underLimit}`] }),
    (error: unknown) => error instanceof ApiError && error.code === 'ImageFormatInvalid',
  );
});

test('an edit prompt is limited to 2,000 characters, counted as code points like the client does', async () => {
  const adId = await createSucceededAd(sim);
  const edit = (prompt: string) => api(sim, 'POST', '/ent/v2/ad-one-click/edit', { ad_one_click_task_id: adId, type: 'generate_narration', prompt });
  const tooLong = await edit('x'.repeat(2001));
  assert.equal(tooLong.status, 400);
  assert.equal(tooLong.body.reason, 'FieldInvalid');
  assert.match(String(tooLong.body.message), /^prompt must be at most 2000 characters \(got 2001\)/);
  assert.equal(sim.counters().perAd[adId]!.edits, 0, 'a rejected edit creates nothing');

  const emojis = '🎬'.repeat(2000); // 4,000 UTF-16 units, 2,000 characters
  const clientView = validateEditRequest({ ad_one_click_task_id: adId, type: 'generate_narration', prompt: emojis });
  assert.equal(clientView.prompt, emojis, 'the client accepts it');
  const accepted = await edit(emojis);
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.equal(accepted.body.credits, narrationEditCredits('x'.repeat(2000)), 'priced by characters: 2,000 of them');
  assert.equal(accepted.body.credits, 40);
  const emojiTooLong = await edit('🎬'.repeat(2001));
  assert.match(String(emojiTooLong.body.message), /got 2001\)/);
});

test('a create prompt of 2,000 emoji is accepted, as the client accepts it', async () => {
  const prompt = '🎬'.repeat(2000);
  assert.equal(validateCreateAdRequest({ images: [SAMPLE_IMAGE], prompt }).prompt, prompt);
  const answer = await api(sim, 'POST', '/ent/v2/ad-one-click', { images: [SAMPLE_IMAGE], prompt });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const over = await api(sim, 'POST', '/ent/v2/ad-one-click', { images: [SAMPLE_IMAGE], prompt: `${prompt}🎬` });
  assert.equal(over.body.reason, 'FieldInvalid');
});

test('the body limit is the client`s 20,000,000 bytes, not 20 MiB', async () => {
  assert.equal(VIDU_LIMITS.maxBodyBytes, 20_000_000);
  // Between 20,000,000 and 20 MiB: over the limit by the client's (decimal) reading only.
  const padding = 'A'.repeat(20_500_000);
  const response = await fetch(`${sim.url}/ent/v2/ad-one-click`, {
    method: 'POST',
    headers: { Authorization: `Token ${sim.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ images: [`data:image/png;base64,${padding}`] }),
  });
  assert.equal(response.status, 400);
  const body = (await response.json()) as { code: number; reason: string; message: string; metadata: { trace_id: string } };
  assert.deepEqual([body.code, body.reason], [400, 'BadRequest']);
  assert.match(body.message, /exceeds 20000000 bytes \(20 MB\)/);
  assert.match(body.metadata.trace_id, /^[0-9a-f]{32}$/);
});

// The timeout is a liveness bound: a server that waits for the end of the body never answers.
test('an oversized body is answered as soon as the limit is passed, without waiting for its end, and the connection is closed', { timeout: 30_000 }, async () => {
  const { port } = new URL(sim.url);
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/ent/v2/ad-one-click',
    headers: { Authorization: `Token ${sim.apiKey}`, 'Content-Type': 'application/json' },
  });
  req.on('error', () => undefined); // the upload is cut short on purpose
  // Chunked and never ended: a server that reads to the end would never answer.
  req.write('{"images":["data:image/png;base64,');
  req.write('A'.repeat(VIDU_LIMITS.maxBodyBytes + 1_000_000));
  try {
    const [response] = (await once(req, 'response')) as [IncomingMessage];
    const closed = once(response.socket, 'close');
    let text = '';
    response.setEncoding('utf8');
    for await (const chunk of response) text += chunk as string;
    assert.equal(response.statusCode, 400);
    assert.equal(response.headers.connection, 'close');
    const body = JSON.parse(text) as { reason: string; message: string };
    assert.equal(body.reason, 'BadRequest');
    assert.match(body.message, /20 MB/);
    await closed;
    assert.equal(response.socket.destroyed, true, 'the server closed the connection');
  } finally {
    req.destroy();
  }
});
