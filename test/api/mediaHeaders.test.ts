// The media route's answers can never run as a page of the API's origin:
// `nosniff` and `Content-Security-Policy: sandbox` on every answer (full,
// range, HEAD, 304, errors), and only the video, audio and image types served
// as themselves; an HTML or SVG file in the store goes as an octet-stream attachment.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApiServer, type RunningApiServer } from '../../src/api/server';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { AD_WORKFLOW_TYPE, workflowIdForAd } from '../../src/workflows/ad/contract';
import { openTemporalTestEnv, type TemporalTestEnv } from '../support/temporalTestEnv';

const TOKEN = 'media-headers-token-0123456789';
const HTML = '<!doctype html><script>document.title = "ran"</script>';
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
const VIDEO = Buffer.alloc(1000, 7);

function assertSafe(res: Response, what: string): void {
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
  assert.equal(res.headers.get('content-security-policy'), 'sandbox', `${what}: sandbox`);
}

describe('media answers: nosniff, sandbox, and an allowlist of content types', () => {
  let env: TemporalTestEnv;
  let api: RunningApiServer;
  let artifactDir: string;
  const adId = `media-headers-${process.pid}-${Date.now()}`;
  const get = (file: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(`${api.url}/v1/ads/${adId}/media/${file}`, { method, headers: { authorization: `Bearer ${TOKEN}`, ...headers } });

  before(async () => {
    env = await openTemporalTestEnv();
    artifactDir = await mkdtemp(path.join(tmpdir(), 'media-headers-'));
    // The route serves only an existing ad's folder: an ad workflow no worker runs is enough.
    await env.client.workflow.start(AD_WORKFLOW_TYPE, { workflowId: workflowIdForAd(adId), taskQueue: env.uniqueTaskQueue('media-headers'), args: [{}] });
    await mkdir(path.join(artifactDir, adId, 'takes'), { recursive: true });
    await writeFile(path.join(artifactDir, adId, 'final.mp4'), VIDEO);
    await writeFile(path.join(artifactDir, adId, 'takes', 'cover.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    await writeFile(path.join(artifactDir, adId, 'page.html'), HTML);
    await writeFile(path.join(artifactDir, adId, 'logo.svg'), SVG);
    await writeFile(path.join(artifactDir, adId, 'notes.txt'), 'hello');
    api = await startApiServer({ client: env.client, taskQueue: env.uniqueTaskQueue('media-headers-api'), artifacts: new LocalArtifactStore(artifactDir), tokens: [TOKEN], host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await api?.close();
    await env?.client.workflow.getHandle(workflowIdForAd(adId)).terminate('test over').catch(() => undefined);
    await env?.close();
    if (artifactDir) await rm(artifactDir, { recursive: true, force: true });
  });

  it('serves a video as video/mp4 with both headers, in full, by range, on HEAD and as 304', async () => {
    const full = await get('final.mp4');
    assert.equal(full.status, 200);
    assert.equal(full.headers.get('content-type'), 'video/mp4');
    assert.equal(full.headers.get('content-disposition'), null);
    assertSafe(full, 'full');
    assert.deepEqual(Buffer.from(await full.arrayBuffer()), VIDEO);

    const part = await get('final.mp4', { range: 'bytes=0-99' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-type'), 'video/mp4');
    assertSafe(part, 'range');
    assert.equal((await part.arrayBuffer()).byteLength, 100);

    const head = await get('final.mp4', {}, 'HEAD');
    assert.equal(head.status, 200);
    assertSafe(head, 'HEAD');

    const etag = full.headers.get('etag')!;
    const unchanged = await get('final.mp4', { 'if-none-match': etag });
    assert.equal(unchanged.status, 304);
    assertSafe(unchanged, '304');
  });

  it('serves an image as its type', async () => {
    const cover = await get('takes/cover.png');
    assert.equal(cover.status, 200);
    assert.equal(cover.headers.get('content-type'), 'image/png');
    assertSafe(cover, 'png');
  });

  it('refuses to serve HTML, SVG or text as themselves: an octet-stream attachment, the bytes unchanged', async () => {
    for (const [file, text] of [['page.html', HTML], ['logo.svg', SVG], ['notes.txt', 'hello']] as const) {
      const res = await get(file);
      assert.equal(res.status, 200, file);
      assert.equal(res.headers.get('content-type'), 'application/octet-stream', file);
      assert.equal(res.headers.get('content-disposition'), `attachment; filename="${file}"`, file);
      assertSafe(res, file);
      assert.equal(await res.text(), text, file);
      const part = await get(file, { range: 'bytes=0-3' });
      assert.equal(part.status, 206, `${file} by range`);
      assert.equal(part.headers.get('content-type'), 'application/octet-stream', `${file} by range`);
      assertSafe(part, `${file} by range`);
    }
  });

  it('puts both headers on refusals too: a missing file, a bad path, a range outside the file', async () => {
    const missing = await get('absent.mp4');
    assert.equal(missing.status, 404);
    assertSafe(missing, '404');
    const bad = await get('.hidden');
    assert.equal(bad.status, 400);
    assertSafe(bad, '400');
    const outside = await get('final.mp4', { range: `bytes=${VIDEO.length + 10}-` });
    assert.equal(outside.status, 416);
    assertSafe(outside, '416');
  });
});
