import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ArtifactTooLargeError, isStoredRef } from '../../src/artifacts/artifactStore';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';

describe('LocalArtifactStore', () => {
  let root: string;
  let store: LocalArtifactStore;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'artifacts-'));
    store = new LocalArtifactStore(root);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores an image under its hash and gives it back as a data URI', async () => {
    const bytes = Buffer.from('not really a png, but bytes all the same');
    const ref = await store.putImage(bytes, 'image/png');
    const sha = createHash('sha256').update(bytes).digest('hex');
    assert.equal(ref, `stored:images/${sha}.png`);
    assert.ok(isStoredRef(ref) && store.isStoredRef(ref));
    assert.equal(await store.putImage(bytes, 'image/png; charset=binary'), ref, 'storing twice gives the same reference');
    const uri = await store.readImageAsDataUri(ref);
    assert.equal(uri, `data:image/png;base64,${bytes.toString('base64')}`);
    assert.deepEqual(await readdir(path.join(root, 'images')), [`${sha}.png`], 'no temporary files are left behind');
  });

  it('maps jpeg and webp content types to their extensions and rejects others', async () => {
    assert.match(await store.putImage(Buffer.from('j'), 'image/jpeg'), /\.jpg$/);
    assert.match(await store.putImage(Buffer.from('w'), 'IMAGE/WEBP'), /\.webp$/);
    await assert.rejects(store.putImage(Buffer.from('g'), 'image/gif'), /contentType/);
    await assert.rejects(store.putImage(Buffer.alloc(0), 'image/png'), /empty/);
  });

  it('refuses references that are not stored images', async () => {
    await assert.rejects(store.readImageAsDataUri('stored:../etc/passwd'), /image reference/);
    await assert.rejects(store.readImageAsDataUri('https://example.com/a.png'), /image reference/);
    assert.equal(isStoredRef('https://example.com/a.png'), false);
  });

  it('saves a streamed body with its size and sha256', async () => {
    const chunks = [Buffer.from('hello '), Buffer.from('video')];
    const saved = await store.saveMedia('ad-1/final.mp4', Readable.from(chunks), 'video/mp4; codecs=avc1');
    const all = Buffer.concat(chunks);
    assert.equal(saved.bytes, all.length);
    assert.equal(saved.sha256, createHash('sha256').update(all).digest('hex'));
    assert.equal(saved.contentType, 'video/mp4');
    assert.equal(saved.path, path.join(root, 'ad-1', 'final.mp4'));
    assert.deepEqual(await readFile(saved.path), all);
  });

  it('accepts a web ReadableStream body', async () => {
    const body = new Blob([Buffer.from('web bytes')]).stream();
    const saved = await store.saveMedia('ad-1/cover.jpg', body, 'image/jpeg');
    assert.equal((await readFile(saved.path)).toString(), 'web bytes');
  });

  it('fails a body over maxBytes and leaves nothing behind', async () => {
    await assert.rejects(
      store.saveMedia('ad-2/big.mp4', Readable.from([Buffer.alloc(10), Buffer.alloc(10)]), 'video/mp4', { maxBytes: 15 }),
      ArtifactTooLargeError,
    );
    assert.deepEqual(await readdir(path.join(root, 'ad-2')), []);
  });

  it('refuses paths that would leave the root', async () => {
    for (const bad of ['../x.mp4', '/abs.mp4', 'a/../../x', 'a//b', '..']) {
      await assert.rejects(store.saveMedia(bad, Readable.from([Buffer.from('x')]), 'video/mp4'), /artifact path/, bad);
    }
  });
});
