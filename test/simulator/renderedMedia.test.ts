// The simulator's rendered media: takes are real H.264 MP4s in the ad's aspect
// ratio that differ take to take, the composed video is its selected takes in
// a row (so an edit shows in the final cut), covers are PNG frames, audio is
// real MP3, media answers Range requests, and the placeholder mode still
// serves the old bytes. Two small ads in all; skipped without an ffmpeg.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ViduSimulator } from '../../src/simulator/index';
import { placeholderBytes } from '../../src/simulator/mediaBytes';
import { backdropPng } from '../../src/simulator/render/backdrop';
import { findEncoder } from '../../src/simulator/render/encoder';
import { peakFfmpegCount } from '../../src/simulator/render/ffmpegProcess';
import { takeSeconds } from '../../src/simulator/render/recipes';
import { api, createSucceededAd, creations, startFastSimulator, waitForState } from './helpers';
import { decodeWithFfmpeg, firstMp3Frame, hasFrameSync, pngSize, readMp4 } from './mediaFiles';

interface Rec {
  id: string;
  creation_url: string;
}
interface DataRecords {
  storyboards: Array<{ records: Rec[] }>;
  narration_records: Rec[];
  bgm_records: Rec[];
}

let encoder: string | undefined;
let sim: ViduSimulator;
const logLines: string[] = [];
/** A 16:9 ad with a data-URI image and a URL image (3 storyboards: 2, 1 and 2 takes). */
let wideAd = '';
let wide: DataRecords;

const productImage = `data:image/png;base64,${backdropPng('test product', { width: 96, height: 64 }).toString('base64')}`;

async function records(adId: string): Promise<DataRecords> {
  return (await api<{ data_records: DataRecords }>(sim, 'GET', `/ent/v2/ad-one-click/${adId}`)).body.data_records;
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  return Buffer.from(await response.arrayBuffer());
}

/** Downloads `url` timing the first (rendering) request. */
async function timedDownload(url: string): Promise<{ bytes: Buffer; ms: number }> {
  const started = performance.now();
  const bytes = await download(url);
  return { bytes, ms: Math.round(performance.now() - started) };
}

before(async () => {
  encoder = await findEncoder();
  if (!encoder) return;
  sim = await startFastSimulator({ media: 'rendered', log: (line) => logLines.push(line) });
  wideAd = await createSucceededAd(sim, { images: [productImage, 'https://images.example/second.png'], prompt: 'Summer sale', duration: 15, aspect_ratio: '16:9' });
  wide = await records(wideAd);
});
after(async () => {
  if (sim) await sim.close();
});

test('a take is an H.264 MP4 of the ad aspect ratio with a moov before its media, and two takes of a storyboard differ', async (t) => {
  if (!encoder) return t.skip('no ffmpeg');
  const [first, second] = wide.storyboards[0]!.records;
  const a = await timedDownload(first!.creation_url);
  const b = await timedDownload(second!.creation_url);
  t.diagnostic(`take render + download: ${a.ms} ms and ${b.ms} ms (${a.bytes.length} and ${b.bytes.length} bytes)`);
  for (const [bytes, takeNumber] of [
    [a.bytes, 0],
    [b.bytes, 1],
  ] as const) {
    const mp4 = readMp4(bytes);
    assert.equal(mp4.topLevel[0], 'ftyp');
    assert.ok(mp4.topLevel.indexOf('moov') < mp4.topLevel.indexOf('mdat'), `faststart: moov before mdat (${mp4.topLevel.join(',')})`);
    assert.deepEqual(
      mp4.tracks.map(({ handler, entry, width, height }) => ({ handler, entry, width, height })),
      [{ handler: 'vide', entry: 'avc1', width: 320, height: 180 }],
    );
    assert.ok(Math.abs(mp4.seconds - takeSeconds(takeNumber)) < 0.1, `take ${takeNumber} lasts ${mp4.seconds} s`);
    assert.match(await decodeWithFfmpeg(encoder, bytes, 'take.mp4'), /Video: h264 .*yuv420p.*320x180/);
  }
  assert.ok(!a.bytes.equals(b.bytes));
  // The URL image's storyboard is rendered from a generated backdrop, just as well.
  const backdropTake = readMp4(await download(wide.storyboards[1]!.records[0]!.creation_url));
  assert.equal(backdropTake.tracks[0]!.entry, 'avc1');
});

test('narration and bgm are real MP3s (frame sync after the ID3 tag, decodable), different from each other', async (t) => {
  if (!encoder) return t.skip('no ffmpeg');
  const narration = await download(wide.narration_records[0]!.creation_url);
  const bgm = await download(wide.bgm_records[0]!.creation_url);
  for (const mp3 of [narration, bgm]) {
    assert.ok(hasFrameSync(mp3, firstMp3Frame(mp3)), 'an MPEG audio frame follows the tag');
    assert.match(await decodeWithFfmpeg(encoder, mp3, 'track.mp3'), /Audio: mp3/);
    assert.ok(mp3.length > 8_000, `a few seconds of audio (${mp3.length} bytes)`);
  }
  assert.ok(!narration.equals(bgm));
});

test('the composed video is its selected takes in a row with sound, and an edit picked by a compose changes the cut', async (t) => {
  if (!encoder) return t.skip('no ffmpeg');
  const adCreation = (await creations(sim, wideAd)).creations[0]!;
  const firstCut = await timedDownload(adCreation.url);
  const first = readMp4(firstCut.bytes);
  const firstTakes = takeSeconds(0) * 3; // the ad's own compose takes each storyboard's first take
  assert.ok(Math.abs(first.seconds - firstTakes) < 0.3, `composed ${first.seconds} s, takes sum to ${firstTakes} s`);
  assert.deepEqual(
    first.tracks.map((track) => [track.handler, track.entry]),
    [
      ['vide', 'avc1'],
      ['soun', 'mp4a'],
    ],
  );
  assert.match(await decodeWithFfmpeg(encoder, firstCut.bytes, 'composed.mp4'), /Audio: aac/);

  const edit = await api(sim, 'POST', '/ent/v2/ad-one-click/edit', {
    ad_one_click_task_id: wideAd,
    type: 'generate_video',
    storyboard_video_index: 1,
    prompt: 'Slower pan across the label',
  });
  assert.equal(edit.status, 200);
  await waitForState(sim, String(edit.body.sub_task_id), 'success');
  const after = await records(wideAd);
  const editTake = after.storyboards[1]!.records.at(-1)!;
  assert.equal(editTake.id, edit.body.sub_task_id);
  const selection = [after.storyboards[0]!.records[1]!.id, editTake.id, after.storyboards[2]!.records[0]!.id];
  const compose = await api(sim, 'POST', '/ent/v2/ad-one-click/compose', {
    ad_one_click_task_id: wideAd,
    video_task_ids: selection,
    narration_task_id: after.narration_records[0]!.id,
    bgm_task_id: after.bgm_records[0]!.id,
  });
  assert.equal(compose.status, 200);
  const composed = await waitForState(sim, String(compose.body.compose_sub_task_id), 'success');
  const secondCut = await timedDownload(composed.creations[0]!.url);
  const second = readMp4(secondCut.bytes);
  const secondTakes = takeSeconds(1) + takeSeconds(1) + takeSeconds(0); // storyboard 0's take 2, the edit (take 2 of storyboard 1), storyboard 2's take 1
  assert.ok(Math.abs(second.seconds - secondTakes) < 0.3, `composed ${second.seconds} s, takes sum to ${secondTakes} s`);
  assert.ok(!secondCut.bytes.equals(firstCut.bytes));
  t.diagnostic(`compose render + download: ${firstCut.ms} ms (3 takes rendered first) and ${secondCut.ms} ms (the edit take rendered first)`);

  const watermarked = readMp4(await download(String(composed.creations[0]!.watermarked_url)));
  assert.ok(Math.abs(watermarked.seconds - second.seconds) < 0.2);
  assert.equal(watermarked.tracks[0]!.width, 320);
});

test('covers are PNG frames of their video in its aspect ratio; audio covers too', async (t) => {
  if (!encoder) return t.skip('no ffmpeg');
  const adCreation = (await creations(sim, wideAd)).creations[0]!;
  assert.deepEqual(pngSize(await download(adCreation.cover_url)), { width: 320, height: 180 });
  const narration = await creations(sim, wide.narration_records[0]!.id);
  assert.deepEqual(pngSize(await download(narration.creations[0]!.cover_url)), { width: 320, height: 180 });

  const tallAd = await createSucceededAd(sim, { images: [productImage], duration: 10, aspect_ratio: '9:16' });
  const tall = (await creations(sim, tallAd)).creations[0]!;
  assert.deepEqual(pngSize(await download(tall.cover_url)), { width: 180, height: 320 });
  const tallTake = (await records(tallAd)).storyboards[0]!.records[0]!;
  const take = readMp4(await download(tallTake.creation_url));
  assert.deepEqual([take.tracks[0]!.width, take.tracks[0]!.height], [180, 320]);
});

test('media answers HEAD and Range requests: 206 with the bytes asked for, 416 past the end', async (t) => {
  if (!encoder) return t.skip('no ffmpeg');
  const url = wide.storyboards[0]!.records[0]!.creation_url;
  const whole = await download(url);
  const head = await fetch(url, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(whole.length));
  assert.equal(head.headers.get('accept-ranges'), 'bytes');
  assert.equal((await head.arrayBuffer()).byteLength, 0);

  const part = await fetch(url, { headers: { Range: 'bytes=100-1099' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 100-1099/${whole.length}`);
  assert.equal(part.headers.get('content-length'), '1000');
  assert.ok(Buffer.from(await part.arrayBuffer()).equals(whole.subarray(100, 1100)));

  const tail = await fetch(url, { headers: { Range: 'bytes=-10' } });
  assert.equal(tail.status, 206);
  assert.ok(Buffer.from(await tail.arrayBuffer()).equals(whole.subarray(-10)));

  const past = await fetch(url, { headers: { Range: `bytes=${whole.length}-` } });
  assert.equal(past.status, 416);
  assert.equal(past.headers.get('content-range'), `bytes */${whole.length}`);
  await past.arrayBuffer();
});

test('concurrent requests for one file share one render, and no more than two ffmpeg processes ever run', async (t) => {
  if (!encoder) return t.skip('no ffmpeg');
  // The last storyboard's second take has not been asked for yet.
  const url = wide.storyboards[2]!.records[1]!.creation_url;
  const name = new URL(url).pathname.split('/').pop()!;
  // Other files rendered at the same time: the watermarked copy and cover of another take.
  const other = (await creations(sim, wide.storyboards[1]!.records[0]!.id)).creations[0]!;
  const [bodies] = await Promise.all([
    Promise.all([download(url), download(url), download(url)]),
    download(String(other.watermarked_url)),
    download(other.cover_url),
  ]);
  assert.ok(bodies.every((body) => body.equals(bodies[0]!)));
  assert.equal(logLines.filter((line) => line.includes(`rendered ${name} `)).length, 1, logLines.join('\n'));
  assert.ok(peakFfmpegCount() <= 2, `peak ${peakFfmpegCount()}`);
  assert.ok(peakFfmpegCount() >= 1);
});

test("media: 'placeholder' serves the placeholder bytes, without rendering", async () => {
  const lines: string[] = [];
  const placeholderSim = await startFastSimulator({ media: 'placeholder', log: (line) => lines.push(line) });
  try {
    const adId = await createSucceededAd(placeholderSim, { images: [productImage] });
    const creation = (await creations(placeholderSim, adId)).creations[0]!;
    const video = await fetch(creation.url);
    const bytes = Buffer.from(await video.arrayBuffer());
    assert.ok(bytes.equals(placeholderBytes(creation.id, 'video')));
    assert.ok(Buffer.from(await (await fetch(creation.cover_url)).arrayBuffer()).equals(placeholderBytes(creation.id, 'cover')));
    assert.deepEqual(lines.filter((line) => line.startsWith('media:')), []);
  } finally {
    await placeholderSim.close();
  }
});
