import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import type { ViduSimulator } from '../../src/simulator/index';
import { api, createSucceededAd, creations, startFastSimulator } from './helpers';

/** The types of an MP4's top-level boxes; throws if the sizes do not tile the file exactly. */
function topLevelBoxes(bytes: Buffer): string[] {
  const types: string[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const size = bytes.readUInt32BE(offset);
    assert.ok(size >= 8 && offset + size <= bytes.length, `bad box size ${size} at ${offset}`);
    types.push(bytes.subarray(offset + 4, offset + 8).toString('latin1'));
    offset += size;
  }
  return types;
}

async function withSimulator(options: { mediaTtlMs?: number }, body: (sim: ViduSimulator) => Promise<void>): Promise<void> {
  const sim = await startFastSimulator(options);
  try {
    await body(sim);
  } finally {
    await sim.close();
  }
}

test('media URLs serve an MP4 (ftyp box), a PNG cover and MP3 audio without Authorization, the same bytes each time', async () => {
  await withSimulator({}, async (sim) => {
    const adId = await createSucceededAd(sim);
    const creation = (await creations(sim, adId)).creations[0]!;

    const video = await fetch(creation.url);
    assert.equal(video.status, 200);
    assert.equal(video.headers.get('content-type'), 'video/mp4');
    const bytes = Buffer.from(await video.arrayBuffer());
    assert.deepEqual(topLevelBoxes(bytes), ['ftyp', 'free', 'mdat']);
    assert.equal(bytes.subarray(8, 12).toString('latin1'), 'isom');
    assert.ok(bytes.length > 1024 && bytes.length < 64 * 1024, `size ${bytes.length}`);
    const again = Buffer.from(await (await fetch((await creations(sim, adId)).creations[0]!.url)).arrayBuffer());
    assert.ok(bytes.equals(again), 'deterministic per creation');

    const watermarked = await fetch(String(creation.watermarked_url));
    assert.equal(watermarked.headers.get('content-type'), 'video/mp4');
    assert.ok(!Buffer.from(await watermarked.arrayBuffer()).equals(bytes), 'the watermarked file differs');

    const cover = await fetch(creation.cover_url);
    assert.equal(cover.headers.get('content-type'), 'image/png');
    const png = Buffer.from(await cover.arrayBuffer());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    const idatLength = png.readUInt32BE(33);
    assert.equal(png.subarray(37, 41).toString('latin1'), 'IDAT');
    const pixels = inflateSync(png.subarray(41, 41 + idatLength));
    assert.equal(pixels.length, height * (1 + width * 3), 'IDAT holds one filtered RGB row per line');
    assert.equal(png.subarray(-8, -4).toString('latin1'), 'IEND');

    const records = await api<{ data_records: { narration_records: Array<{ creation_url: string }>; storyboards: Array<{ records: Array<{ creation_url: string }> }> } }>(
      sim,
      'GET',
      `/ent/v2/ad-one-click/${adId}`,
    );
    const audio = await fetch(records.body.data_records.narration_records[0]!.creation_url);
    assert.equal(audio.headers.get('content-type'), 'audio/mpeg');
    assert.equal(Buffer.from(await audio.arrayBuffer()).subarray(0, 3).toString('latin1'), 'ID3');
    const takeA = Buffer.from(await (await fetch(records.body.data_records.storyboards[0]!.records[0]!.creation_url)).arrayBuffer());
    const takeB = Buffer.from(await (await fetch(records.body.data_records.storyboards[0]!.records[1]!.creation_url)).arrayBuffer());
    assert.ok(!takeA.equals(takeB), 'different creations have different bytes');
  });
});

test('a tampered signature or expiry answers 403 AccessDenied', async () => {
  await withSimulator({}, async (sim) => {
    const adId = await createSucceededAd(sim);
    const url = new URL((await creations(sim, adId)).creations[0]!.url);
    const badSig = new URL(url);
    badSig.searchParams.set('sig', `x${url.searchParams.get('sig')!.slice(1)}`);
    const denied = await fetch(badSig);
    assert.equal(denied.status, 403);
    assert.match(await denied.text(), /<Code>AccessDenied<\/Code>/);
    const longer = new URL(url);
    longer.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3_600_000));
    assert.equal((await fetch(longer)).status, 403);
    const otherFile = new URL(url);
    otherFile.pathname = otherFile.pathname.replace('.mp4', '.png');
    assert.equal((await fetch(otherFile)).status, 403);
    const unknown = await fetch(`${sim.url}/media/nothing.txt`);
    assert.equal(unknown.status, 404);
  });
});

test('media URLs expire after mediaTtlMs, and re-querying gives fresh working URLs', async () => {
  await withSimulator({ mediaTtlMs: 0 }, async (sim) => {
    const adId = await createSucceededAd(sim);
    const first = (await creations(sim, adId)).creations[0]!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const expired = await fetch(first.url);
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /expired/);
    const fresh = (await creations(sim, adId)).creations[0]!;
    assert.ok(Number(new URL(fresh.url).searchParams.get('expires')) > Number(new URL(first.url).searchParams.get('expires')));
  });
  await withSimulator({ mediaTtlMs: 60_000 }, async (sim) => {
    const adId = await createSucceededAd(sim);
    const creation = (await creations(sim, adId)).creations[0]!;
    const expires = Number(new URL(creation.url).searchParams.get('expires'));
    assert.ok(expires > Date.now() && expires <= Date.now() + 60_000);
    assert.equal((await fetch(creation.url)).status, 200);
  });
});
