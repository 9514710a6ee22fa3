import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startViduSimulator } from '../../src/simulator';
import { validateCreateAdRequest } from '../../src/vidu/requestValidation';
import { ViduClient } from '../../src/vidu/viduClient';
import { dataUri, greyscalePng } from './tinyImages';

/** A PNG of about `width * height` bytes of random pixels (stored, not deflated). */
function noisyPng(width: number, height: number): Buffer {
  return greyscalePng(width, height, randomBytes(height * (width + 1)), 0);
}

function largeRequest() {
  return {
    images: [dataUri('image/png', noisyPng(1000, 700)), 'https://images.example/product.png', dataUri('image/png', noisyPng(600, 400))],
    prompt: 'a bottle on a beach, "at sunset" \\ ✨',
    duration: 15,
    aspect_ratio: '16:9' as const,
    language: 'en' as const,
    callback_url: 'https://callbacks.example/vidu/callback?workflowId=ad-1',
  };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test('createAd sends exactly the bytes of JSON.stringify of the validated request, with its content-length', async () => {
  const seen: Array<{ body: Buffer; length: string | undefined; type: string | undefined }> = [];
  const server = createServer((req, res) => {
    void readAll(req).then((body) => {
      seen.push({ body, length: req.headers['content-length'], type: req.headers['content-type'] });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ task_id: 't-1', state: 'created', credits: 600 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new ViduClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'k' });
  try {
    const request = largeRequest();
    await client.createAd(request).catch(() => undefined); // the answer's shape does not matter here
    assert.equal(seen.length, 1);
    const expected = Buffer.from(JSON.stringify(validateCreateAdRequest(request)), 'utf8');
    assert.ok(expected.length > 1_000_000, 'the body is large enough to be streamed');
    assert.ok(seen[0]!.body.equals(expected), 'byte-identical body');
    assert.equal(seen[0]!.length, String(expected.length));
    assert.equal(seen[0]!.type, 'application/json');
  } finally {
    await client.close();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('the simulator accepts a streamed create and echoes the images it was sent', async () => {
  const sim = await startViduSimulator({ timing: { queueMs: 10, processingMs: 20 }, media: 'placeholder' });
  const client = new ViduClient({ baseUrl: sim.url, apiKey: sim.apiKey });
  try {
    const request = largeRequest();
    const created = await client.createAd(request);
    assert.equal(created.images?.[0], request.images[0]);
    assert.equal(sim.ads()[0]?.images[0], request.images[0]);
  } finally {
    await client.close();
    await sim.close();
  }
});
