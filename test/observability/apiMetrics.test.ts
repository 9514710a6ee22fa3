// The API's /metrics: requests counted by route pattern (not by the ids in
// the path) and status, refused and unknown requests included; served on a
// listener of its own, never on the API's port.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Client } from '@temporalio/client';
import { startApiServer } from '../../src/api/server';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { sampleValue } from './workerRig';

test('the API counts its requests by method, route pattern and status at /metrics, on its metrics port only', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'api-metrics-'));
  // No request here reaches Temporal: a lazy client never connects.
  const server = await startApiServer({
    client: new Client(),
    taskQueue: 'unused',
    artifacts: new LocalArtifactStore(dir),
    tokens: ['metrics-test-token-0123456789'],
    host: '127.0.0.1',
    port: 0,
    metrics: { host: '127.0.0.1', port: 0 },
  });
  const { app } = server;
  try {
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/v1/ads/spring-1' })).statusCode, 401);
    assert.equal((await app.inject({ method: 'GET', url: '/v1/ads/spring-2' })).statusCode, 401);
    assert.equal((await app.inject({ method: 'GET', url: '/no/such/path' })).statusCode, 404);
    // Not on the API's port, which may face the internet: not even with a key.
    const onApiPort = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-test-token-0123456789' } });
    assert.equal(onApiPort.status, 404);
    assert.match(server.metricsUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const scrape = await fetch(server.metricsUrl!);
    assert.equal(scrape.status, 200);
    assert.match(String(scrape.headers.get('content-type')), /^text\/plain/);
    const text = await scrape.text();
    assert.equal(sampleValue(text, 'api_http_requests_total', { method: 'GET', route: '/healthz', status: '200' }), 2);
    assert.equal(sampleValue(text, 'api_http_requests_total', { method: 'GET', route: '/v1/ads/:adId', status: '401' }), 2, text);
    assert.equal(sampleValue(text, 'api_http_requests_total', { route: 'unmatched', status: '404' }), 2, 'the two 404s: /no/such/path and /metrics on the API port');
    assert.equal(sampleValue(text, 'api_http_request_duration_seconds_count', { method: 'GET', route: '/healthz' }), 2);
    assert.ok(!text.includes('spring-1'), 'no ad id becomes a label');
    const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    assert.ok(!('/metrics' in openapi.paths), '/metrics is not part of the documented API');
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
