// The Vidu client's observer (what vidu_api_calls_total counts): one event per
// call, named by operation, with the HTTP status or why there was none, and
// an observer that throws changes nothing for the caller.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort } from '../../src/tools/ports';
import { ViduApiError, ViduNetworkError } from '../../src/vidu/errors';
import { ViduClient, type ViduCallEvent } from '../../src/vidu/viduClient';
import { startTestServer } from '../vidu/httpTestServer';

test('each call is reported once, by operation and status, failures included', async () => {
  let answer = 429;
  const server = await startTestServer((_req, res) => {
    res.writeHead(answer, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer === 200 ? {} : { code: 'TooManyRequests', message: 'slow down' }));
  });
  const events: ViduCallEvent[] = [];
  const client = new ViduClient({ baseUrl: server.url, apiKey: 'observer-test-key', timeoutMs: 2_000, observer: (e) => events.push(e) });
  try {
    await assert.rejects(client.getCreations('task-1'), ViduApiError);
    answer = 200;
    await client.cancelTask('task-1');
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(client.getCreations('task-1', { signal: controller.signal }));
    assert.deepEqual(
      events.map((e) => [e.operation, e.status]),
      [
        ['getCreations', '429'],
        ['cancelTask', '200'],
        ['getCreations', 'aborted'],
      ],
    );
    assert.ok(events.every((e) => e.seconds >= 0 && e.seconds < 5));
  } finally {
    await client.close();
    await server.close();
  }
});

test('a refused connection is reported as not sent, and a throwing observer does not change the outcome', async () => {
  const port = await freePort();
  const events: string[] = [];
  const client = new ViduClient({
    baseUrl: `http://127.0.0.1:${port}`,
    apiKey: 'observer-test-key',
    timeoutMs: 2_000,
    observer: (e) => {
      events.push(`${e.operation} ${e.status}`);
      throw new Error('a broken metrics backend');
    },
  });
  try {
    await assert.rejects(client.getCredits(), (err: unknown) => err instanceof ViduNetworkError && err.outcome === 'not-sent');
    assert.deepEqual(events, ['getCredits not_sent']);
  } finally {
    await client.close();
  }
});
