import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readImageHeader } from '../../src/vidu/imageHeader';
import { lossyWebpHeader, tinyJpeg, tinyPng, tinyWebp, tinyWebpExtended } from './tinyImages';

test('reads the size of a PNG from its IHDR chunk', () => {
  assert.deepEqual(readImageHeader(tinyPng(123, 45)), { ok: true, format: 'png', width: 123, height: 45 });
});

test('reads the size of a JPEG from its SOF0 frame header, past APP segments', () => {
  assert.deepEqual(readImageHeader(tinyJpeg(300, 77)), { ok: true, format: 'jpeg', width: 300, height: 77 });
  assert.deepEqual(readImageHeader(tinyJpeg(17, 900, { exifBytes: 4000 })), { ok: true, format: 'jpeg', width: 17, height: 900 });
});

test('skips fill bytes before a JPEG marker and reads progressive (SOF2) frames', () => {
  const jpeg = tinyJpeg(40, 20);
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  const progressive = Buffer.concat([jpeg.subarray(0, sof), Buffer.from([0xff, 0xff]), Buffer.from([0xff, 0xc2]), jpeg.subarray(sof + 2)]);
  assert.deepEqual(readImageHeader(progressive), { ok: true, format: 'jpeg', width: 40, height: 20 });
});

test('reads lossless (VP8L), extended (VP8X) and lossy (VP8) WebP sizes', () => {
  assert.deepEqual(readImageHeader(tinyWebp(1000, 251)), { ok: true, format: 'webp', width: 1000, height: 251 });
  assert.deepEqual(readImageHeader(tinyWebp(16384, 1)), { ok: true, format: 'webp', width: 16384, height: 1 });
  assert.deepEqual(readImageHeader(tinyWebpExtended(640, 4000)), { ok: true, format: 'webp', width: 640, height: 4000 });
  assert.deepEqual(readImageHeader(lossyWebpHeader(320, 240)), { ok: true, format: 'webp', width: 320, height: 240 });
});

test('undecodable headers give a reason instead of a size', () => {
  const cases: Array<[string, Buffer, RegExp]> = [
    ['empty', Buffer.alloc(0), /not a png, jpeg or webp/],
    ['gif', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), /not a png, jpeg or webp/],
    ['truncated png', tinyPng(10, 10).subarray(0, 20), /png is truncated/],
    ['jpeg without a frame header', Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]), /no frame header/],
    ['truncated jpeg', tinyJpeg(10, 10, { exifBytes: 100 }).subarray(0, 60), /truncated/],
    ['jpeg with garbage between segments', Buffer.from([0xff, 0xd8, 0x12, 0x34]), /no segment marker/],
    ['webp with an unknown chunk', Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPABCD', 'latin1'), Buffer.alloc(16)]), /unknown chunk/],
    ['truncated VP8L', tinyWebp(10, 10).subarray(0, 22), /VP8L header is truncated/],
    ['png of zero width', tinyPng(0, 5), /size of 0x5/],
  ];
  for (const [name, bytes, reason] of cases) {
    const result = readImageHeader(bytes);
    assert.equal(result.ok, false, name);
    if (!result.ok) assert.match(result.reason, reason, name);
  }
});
