// The worker and the API sharing an S3 artifact store (a real versitygw on
// loopback): an ad started over HTTP with an uploaded image ends with its
// image, takes and final video as objects in the bucket (nothing in the
// local folder), and the media route streams a take from the bucket with
// Range, ETag and If-None-Match as it does from a local folder.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { S3ArtifactStore } from '../../src/artifacts/s3ArtifactStore';
import { startVersityGateway, type VersityGateway } from '../../src/artifacts/versityGateway';
import { API_TOKEN, eventually, openApiRig, type ApiRig } from './apiRig';
import { apiClient, type ApiClient } from './httpClient';

const IMAGE = `data:image/png;base64,${readFileSync(path.join(__dirname, '../../samples/coffee-mug.png')).toString('base64')}`;
const BUCKET = 'ad-artifacts';
const PREFIX = 'shared/store';

describe('an ad with its artifacts in S3', () => {
  let dir: string;
  let gateway: VersityGateway;
  let store: S3ArtifactStore;
  let rig: ApiRig;
  let api: ApiClient;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'api-s3-'));
    gateway = await startVersityGateway({ dir, bucket: BUCKET });
    store = S3ArtifactStore.fromSettings({
      bucket: gateway.bucket,
      prefix: PREFIX,
      endpoint: gateway.endpoint,
      region: gateway.region,
      credentials: { accessKeyId: gateway.accessKeyId, secretAccessKey: gateway.secretAccessKey },
      forcePathStyle: true,
    });
    rig = await openApiRig({ artifacts: store });
    api = apiClient(rig.url, API_TOKEN);
  });
  after(async () => {
    await rig?.close();
    store?.client.destroy();
    await gateway?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function objectBytes(key: string): Promise<Buffer> {
    const object = await store.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  it('keeps the image, the takes and the final video in the bucket and serves a take with ranges', async () => {
    const adId = `s3-${process.pid}-${Date.now().toString(36)}`;
    const started = await api.call('POST', '/v1/ads', {
      adId,
      images: [IMAGE],
      prompt: 'a coffee mug on a desk at dawn',
      duration: 10,
      language: 'en',
      polling: { initialMs: 1_000, maxMs: 1_000 },
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));

    const done = await eventually(
      'the ad to be done with its takes kept',
      async () => {
        const status = (await api.call('GET', `/v1/ads/${adId}`)).body;
        if (status.stage === 'failed') assert.fail(`the ad failed: ${JSON.stringify(status.failure ?? status)}`);
        const takes = status.storyboards?.flatMap((s: { takes: unknown[] }) => s.takes) ?? [];
        return status.stage === 'done' && takes.length > 0 && takes.every((t: { media?: string }) => t.media) ? status : undefined;
      },
      90_000,
    );

    // The final video: an object at <prefix>/<adId>/<media>, its bytes as the result says.
    const video = done.result.video;
    assert.equal(video.path, `s3://${BUCKET}/${PREFIX}/${adId}/${video.media}`);
    assert.equal(video.key, `${adId}/${video.media}`);
    const videoBytes = await objectBytes(`${PREFIX}/${adId}/${video.media}`);
    assert.equal(videoBytes.length, video.bytes);
    assert.equal(createHash('sha256').update(videoBytes).digest('hex'), video.sha256);
    // versitygw keeps it as a file in its POSIX folder: the bytes really are in the store's backend.
    assert.deepEqual(await readFile(path.join(dir, BUCKET, PREFIX, adId, video.media)), videoBytes);

    // The uploaded image went to the bucket too, under images/, and the local folder stayed empty.
    const images = await store.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${PREFIX}/images/` }));
    assert.equal(images.KeyCount, 1);
    assert.deepEqual(await readdir(rig.artifactDir), []);

    // A take through the media route, streamed from the bucket.
    const take = done.storyboards[0].takes[0];
    const takeBytes = await objectBytes(`${PREFIX}/${adId}/${take.media}`);
    assert.ok(takeBytes.length > 100, `take ${take.media} has ${takeBytes.length} bytes`);
    const url = `${rig.url}/v1/ads/${adId}/media/${take.media}`;
    const auth = { authorization: `Bearer ${API_TOKEN}` };

    const whole = await fetch(url, { headers: auth });
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'video/mp4');
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.equal(Number(whole.headers.get('content-length')), takeBytes.length);
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), takeBytes);
    const etag = whole.headers.get('etag');
    assert.ok(etag, 'an ETag');

    const part = await fetch(url, { headers: { ...auth, range: 'bytes=100-' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-${takeBytes.length - 1}/${takeBytes.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), takeBytes.subarray(100));

    const first = await fetch(url, { headers: { ...auth, range: 'bytes=0-99', 'if-range': etag } });
    assert.equal(first.status, 206);
    assert.deepEqual(Buffer.from(await first.arrayBuffer()), takeBytes.subarray(0, 100));

    const head = await fetch(url, { method: 'HEAD', headers: auth });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers.get('content-length')), takeBytes.length);
    assert.equal(head.headers.get('etag'), etag);

    const unchanged = await fetch(url, { headers: { ...auth, 'if-none-match': etag } });
    assert.equal(unchanged.status, 304);

    const pastTheEnd = await fetch(url, { headers: { ...auth, range: `bytes=${takeBytes.length}-` } });
    assert.equal(pastTheEnd.status, 416);
    assert.equal(pastTheEnd.headers.get('content-range'), `bytes */${takeBytes.length}`);
    assert.equal(((await pastTheEnd.json()) as { error: { code: string } }).error.code, 'RangeNotSatisfiable');

    assert.equal((await fetch(`${rig.url}/v1/ads/${adId}/media/takes/absent.mp4`, { headers: auth })).status, 404);
    assert.equal((await fetch(`${rig.url}/v1/ads/${adId}/media/takes`, { headers: auth })).status, 404, 'a folder is not a file');
  });
});
