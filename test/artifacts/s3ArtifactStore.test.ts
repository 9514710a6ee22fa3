// Both artifact stores against the same behaviour tests: the local folder,
// and the S3 store on a real S3-compatible server (versitygw with its POSIX
// backend, started here on a free loopback port). Image references, streamed
// saves with their size and sha256, ranged reads, the size limit and a broken
// source leaving nothing behind (no object, no multipart upload), path
// traversal refused, and a 128 MiB save that never holds the body in memory.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ArtifactTooLargeError, type ArtifactStore } from '../../src/artifacts/artifactStore';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { S3ArtifactStore } from '../../src/artifacts/s3ArtifactStore';
import { startVersityGateway, type VersityGateway } from '../../src/artifacts/versityGateway';

const MiB = 1024 * 1024;

// A full garbage collection on demand, for the memory measurement below (node:test gives no --expose-gc).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** `count` chunks of 1 MiB, each made when it is read (so the source itself holds one at a time). */
function generated(count: number, failAfter?: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && sent === failAfter) {
        this.destroy(new Error('the source broke off'));
        return;
      }
      if (sent === count) {
        this.push(null);
        return;
      }
      this.push(Buffer.alloc(MiB, sent++ % 251));
    },
  });
}

function sha256Of(count: number): string {
  const hash = createHash('sha256');
  for (let i = 0; i < count; i++) hash.update(Buffer.alloc(MiB, i % 251));
  return hash.digest('hex');
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface StoreUnderTest {
  name: string;
  store: ArtifactStore;
  /** Every finished file and unfinished upload under the store's folder `dir` (an ad's folder). */
  leftovers(dir: string): Promise<string[]>;
  close(): Promise<void>;
}

async function localStore(): Promise<StoreUnderTest> {
  const root = await mkdtemp(path.join(tmpdir(), 'artifacts-local-'));
  return {
    name: 'LocalArtifactStore',
    store: new LocalArtifactStore(root),
    leftovers: async (dir) => (existsSync(path.join(root, dir)) ? readdir(path.join(root, dir), { recursive: true }) : []),
    close: () => rm(root, { recursive: true, force: true }),
  };
}

let gateway: VersityGateway | undefined;
let gatewayDir: string | undefined;

async function s3Store(): Promise<StoreUnderTest> {
  gatewayDir = await mkdtemp(path.join(tmpdir(), 'artifacts-s3-'));
  gateway = await startVersityGateway({ dir: gatewayDir, bucket: 'ad-artifacts' });
  const store = S3ArtifactStore.fromSettings({
    bucket: gateway.bucket,
    prefix: 'tests/run-1',
    endpoint: gateway.endpoint,
    region: gateway.region,
    credentials: { accessKeyId: gateway.accessKeyId, secretAccessKey: gateway.secretAccessKey },
    forcePathStyle: true,
  });
  return {
    name: 'S3ArtifactStore on versitygw',
    store,
    async leftovers(dir) {
      const Prefix = `${store.keyFor(dir)}/`;
      const objects = await store.client.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix }));
      const uploads = await store.client.send(new ListMultipartUploadsCommand({ Bucket: store.bucket, Prefix }));
      return [...(objects.Contents ?? []).map((o) => o.Key!), ...(uploads.Uploads ?? []).map((u) => `upload of ${u.Key}`)];
    },
    async close() {
      store.client.destroy();
      await gateway?.stop();
      if (gatewayDir) await rm(gatewayDir, { recursive: true, force: true });
    },
  };
}

for (const open of [localStore, s3Store]) {
  describe(open === localStore ? 'LocalArtifactStore' : 'S3ArtifactStore on versitygw', () => {
    let subject: StoreUnderTest;
    let store: ArtifactStore;
    before(async () => {
      subject = await open();
      store = subject.store;
    });
    after(async () => {
      await subject?.close();
    });

    it('stores an image under its hash, once, and gives it back as a data URI', async () => {
      const bytes = Buffer.from('not really a png, but bytes all the same');
      const ref = await store.putImage(bytes, 'image/png');
      assert.equal(ref, `stored:images/${createHash('sha256').update(bytes).digest('hex')}.png`);
      assert.ok(store.isStoredRef(ref));
      assert.equal(await store.putImage(bytes, 'image/png; charset=binary'), ref, 'storing twice gives the same reference');
      assert.equal(await store.readImageAsDataUri(ref), `data:image/png;base64,${bytes.toString('base64')}`);
      assert.deepEqual(await subject.leftovers('images'), [ref.slice('stored:images/'.length)].map((name) => (open === localStore ? name : `tests/run-1/images/${name}`)));
      await assert.rejects(store.putImage(Buffer.from('g'), 'image/gif'), /contentType/);
      await assert.rejects(store.readImageAsDataUri('stored:../etc/passwd'), /image reference/);
    });

    it('saves a streamed body with its size, sha256 and key, and reads it back whole or by range', async () => {
      const body = Buffer.from('0123456789abcdefghij');
      const saved = await store.saveMedia('ad-1/takes/t1.mp4', Readable.from([body.subarray(0, 7), body.subarray(7)]), 'video/mp4; codecs=avc1');
      assert.equal(saved.key, 'ad-1/takes/t1.mp4');
      assert.equal(saved.bytes, body.length);
      assert.equal(saved.sha256, createHash('sha256').update(body).digest('hex'));
      assert.equal(saved.contentType, 'video/mp4');
      assert.ok(saved.path.endsWith('ad-1/takes/t1.mp4'), saved.path);

      const info = await store.stat('ad-1/takes/t1.mp4');
      assert.equal(info?.bytes, body.length);
      assert.equal(info?.contentType, 'video/mp4');
      assert.ok(info?.etag);
      assert.deepEqual(await bytesOf(await store.read('ad-1/takes/t1.mp4')), body);
      assert.deepEqual(await bytesOf(await store.read('ad-1/takes/t1.mp4', { start: 3, end: 9 })), body.subarray(3, 10));
      assert.deepEqual(await bytesOf(await store.read('ad-1/takes/t1.mp4', { start: 19, end: 19 })), body.subarray(19));

      // Saved again (a retried activity): replaced whole, with a new version tag.
      await store.saveMedia('ad-1/takes/t1.mp4', Readable.from([Buffer.from('shorter')]), 'video/mp4');
      const replaced = await store.stat('ad-1/takes/t1.mp4');
      assert.equal(replaced?.bytes, 7);
      assert.notEqual(replaced?.etag, info?.etag);
      assert.equal((await bytesOf(await store.read('ad-1/takes/t1.mp4'))).toString(), 'shorter');
    });

    it('accepts a web ReadableStream body', async () => {
      const saved = await store.saveMedia('ad-1/cover.jpg', new Blob([Buffer.from('web bytes')]).stream(), 'image/jpeg');
      assert.equal(saved.bytes, 9);
      assert.equal((await bytesOf(await store.read('ad-1/cover.jpg'))).toString(), 'web bytes');
      assert.equal((await store.stat('ad-1/cover.jpg'))?.contentType, 'image/jpeg');
    });

    it('knows no file that is not there, nor a folder as a file', async () => {
      assert.equal(await store.stat('ad-1/takes/absent.mp4'), undefined);
      assert.equal(await store.stat('ad-1/takes'), undefined);
      assert.equal(await store.stat('nothing-here/x.mp4'), undefined);
    });

    it('fails a body over maxBytes and leaves no file and no unfinished upload behind', async () => {
      // 12 MiB against an 11 MiB limit: past the first two 5 MiB parts, so a multipart upload was under way.
      await assert.rejects(store.saveMedia('ad-2/big.mp4', generated(12), 'video/mp4', { maxBytes: 11 * MiB }), ArtifactTooLargeError);
      assert.deepEqual(await subject.leftovers('ad-2'), []);
      assert.equal(await store.stat('ad-2/big.mp4'), undefined);
    });

    it('fails with the source error when the body breaks off, leaving nothing behind', async () => {
      await assert.rejects(store.saveMedia('ad-3/broken.mp4', generated(20, 11), 'video/mp4'), /the source broke off/);
      assert.deepEqual(await subject.leftovers('ad-3'), []);
    });

    it('refuses paths that would leave its folder, for saves, lookups and reads', async () => {
      for (const bad of ['../x.mp4', '/abs.mp4', 'a/../../x', 'a//b', '..', '.', 'a\\..\\..\\b', '']) {
        await assert.rejects(store.saveMedia(bad, Readable.from([Buffer.from('x')]), 'video/mp4'), /artifact path/, bad);
        await assert.rejects(store.stat(bad), /artifact path/, bad);
        await assert.rejects(store.read(bad), /artifact path/, bad);
      }
    });

    it('streams a 128 MiB body through without holding it in memory', async () => {
      const count = 128;
      // Live buffers are measured after a full collection, so garbage not yet collected does not count;
      // resident memory (which also holds that garbage) is checked against the body's size. The S3 store
      // holds two 5 MiB parts in flight and the part being gathered (measured here: 25-41 MiB at peak,
      // whatever the body's size), the local store a few stream buffers.
      collectGarbage();
      const start = process.memoryUsage();
      let peakBuffers = 0;
      let peakRss = start.rss;
      const sample = () => {
        collectGarbage();
        const now = process.memoryUsage();
        peakBuffers = Math.max(peakBuffers, now.arrayBuffers - start.arrayBuffers);
        peakRss = Math.max(peakRss, now.rss);
      };
      const sampler = setInterval(sample, 25);
      let saved;
      try {
        saved = await store.saveMedia('ad-4/long.mp4', generated(count), 'video/mp4');
      } finally {
        clearInterval(sampler);
      }
      const buffersMiB = peakBuffers / MiB;
      const rssMiB = (peakRss - start.rss) / MiB;
      console.log(`${subject.name}: ${count} MiB saved; live buffers peaked at ${buffersMiB.toFixed(1)} MiB, resident memory grew by ${rssMiB.toFixed(1)} MiB`);
      assert.equal(saved.bytes, count * MiB);
      assert.equal(saved.sha256, sha256Of(count));
      assert.ok(buffersMiB < 56, `live buffers peaked at ${buffersMiB.toFixed(1)} MiB while saving ${count} MiB`);
      assert.ok(rssMiB < count / 2, `resident memory grew by ${rssMiB.toFixed(1)} MiB while saving ${count} MiB`);
      assert.equal((await store.stat('ad-4/long.mp4'))?.bytes, count * MiB);
      const tail = await bytesOf(await store.read('ad-4/long.mp4', { start: count * MiB - 5, end: count * MiB - 1 }));
      assert.deepEqual(tail, Buffer.alloc(5, (count - 1) % 251));
    });
  });
}

describe('the S3 store is shared', () => {
  it('keeps objects in the bucket under its prefix, where a second store (another machine) reads them', async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'artifacts-shared-'));
    const gw = await startVersityGateway({ dir, bucket: 'shared' });
    t.after(async () => {
      await gw.stop();
      await rm(dir, { recursive: true, force: true });
    });
    const settings = { bucket: gw.bucket, prefix: 'prod', endpoint: gw.endpoint, region: gw.region, credentials: gw, forcePathStyle: true };
    const writer = S3ArtifactStore.fromSettings(settings);
    const reader = S3ArtifactStore.fromSettings(settings);
    t.after(() => {
      writer.client.destroy();
      reader.client.destroy();
    });
    const saved = await writer.saveMedia('ad-9/final.mp4', Readable.from([Buffer.from('the final video')]), 'video/mp4');
    assert.equal(saved.path, 's3://shared/prod/ad-9/final.mp4');
    assert.equal(writer.location, 's3://shared/prod');
    assert.equal((await bytesOf(await reader.read('ad-9/final.mp4'))).toString(), 'the final video');
    // versitygw's POSIX backend: the bucket is a folder, the object a file at its key.
    assert.equal(await readFile(path.join(dir, 'shared', 'prod', 'ad-9', 'final.mp4'), 'utf8'), 'the final video');
    // A store whose credentials are wrong is refused by the server.
    const stranger = S3ArtifactStore.fromSettings({ ...settings, credentials: { accessKeyId: gw.accessKeyId, secretAccessKey: 'wrong-secret-0123456789' } });
    t.after(() => stranger.client.destroy());
    await assert.rejects(stranger.read('ad-9/final.mp4'), (err: Error) => /SignatureDoesNotMatch|AccessDenied|InvalidAccessKeyId/.test(`${err.name} ${err.message}`));
  });
});
