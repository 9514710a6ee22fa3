import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonBody } from '../../src/vidu/jsonBody';

function bytesOf(value: unknown): Buffer {
  const body = jsonBody(value);
  const bytes = Buffer.concat([...body.chunks()]);
  assert.equal(body.byteLength, bytes.length, 'byteLength is the length of what is sent');
  return bytes;
}

const longBase64 = (n: number, seed: number) => `data:image/png;base64,${Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256)).toString('base64')}`;

test('a create request with large data-URI images serialises to exactly JSON.stringify\'s bytes', () => {
  const request = {
    images: [longBase64(1_000_000, 1), 'https://example.com/a.png', longBase64(200_000, 2)],
    prompt: 'a bottle on a beach, "quoted" \\ and ünïcode 🍾',
    duration: 15,
    aspect_ratio: '16:9',
    callback_url: 'http://127.0.0.1:1/vidu/callback?workflowId=ad-1',
  };
  assert.ok(bytesOf(request).equals(Buffer.from(JSON.stringify(request), 'utf8')));
});

test('long strings that need escaping stay in the skeleton and come out escaped', () => {
  const value = { text: `${'x'.repeat(70_000)}"\n\u2028${'é'.repeat(70_000)}`, nested: [{ a: 'y'.repeat(100_000) }] };
  assert.ok(bytesOf(value).equals(Buffer.from(JSON.stringify(value), 'utf8')));
});

test('chunks() starts again on each call, so a body can be sent twice', () => {
  const body = jsonBody({ images: [longBase64(300_000, 3)] });
  assert.ok(Buffer.concat([...body.chunks()]).equals(Buffer.concat([...body.chunks()])));
});

test('any JSON value serialises to JSON.stringify\'s bytes', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.string({ unit: fc.constantFrom('A', 'b', '+', '/', '=', '0') , minLength: 65_537, maxLength: 70_000 }), (value, long) => {
      const wrapped = { value, long, list: [long, value] };
      assert.ok(bytesOf(wrapped).equals(Buffer.from(JSON.stringify(wrapped), 'utf8')));
    }),
    { numRuns: 40 },
  );
});
