import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ViduSimulator } from '../../src/simulator/index';
import { api, SAMPLE_IMAGE, startFastSimulator } from './helpers';

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
