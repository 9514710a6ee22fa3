import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import type { ServerResponse } from 'node:http';
import { ViduAbortError, ViduApiError, ViduNetworkError, ViduResponseError, ViduValidationError } from '../../src/vidu/errors';
import { OutboundAddressError } from '../../src/notify/outboundGuard';
import { ViduClient, downloadMedia } from '../../src/vidu/viduClient';
import { closedPort, sendJson, startTestServer, type Handler, type TestServer } from './httpTestServer';

const API_KEY = 'vda_test_key_9f8e7d6c5b4a';
const IMAGE = 'https://cdn.example.com/product.png';

/** Runs `body` against a fresh server and client, and closes both whatever happens. */
async function withServer(handler: Handler, body: (client: ViduClient, server: TestServer) => Promise<void>, timeoutMs?: number): Promise<void> {
  const server = await startTestServer(handler);
  const client = new ViduClient({ baseUrl: server.url, apiKey: API_KEY, timeoutMs });
  try {
    await body(client, server);
  } finally {
    await client.close();
    await server.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected the call to fail');
}

function assertKeyAbsent(err: unknown): void {
  assert.ok(err instanceof Error);
  const seen = [JSON.stringify(err), err.message, err.stack, inspect(err, { depth: 8, showHidden: true })].join('\n');
  assert.ok(!seen.includes(API_KEY), `API key leaked: ${seen}`);
}

const subRecordsBody = {
  id: 'main-1',
  state: 'success',
  err_code: '',
  data_records: {
    storyboards: [{ stroyboard_id: 0, records: [{ id: 'v0', type: 'generate_video', prompt: 'p', creation_url: 'u', state: 'success', err_code: '' }] }],
    narration_records: [],
    bgm_records: [],
    completed_creation_records: [],
  },
};

test('every endpoint: method, path, headers and body as documented, responses parsed', async () => {
  const answers: Record<string, unknown> = {
    'POST /api/ent/v2/ad-one-click': { task_id: 'main-1', state: 'created', images: [IMAGE], prompt: '', duration: 15, aspect_ratio: '16:9', language: 'en', credits: 600 },
    'GET /api/ent/v2/tasks/main-1/creations': { id: 'main-1', state: 'processing', err_code: '', credits: 0, payload: '', progress: 40, creations: [] },
    'GET /api/ent/v2/ad-one-click/main-1': subRecordsBody,
    'POST /api/ent/v2/ad-one-click/edit': { ad_one_click_task_id: 'main-1', sub_task_id: 'edit-1', state: 'created', credits: 200 },
    'POST /api/ent/v2/ad-one-click/compose': { ad_one_click_task_id: 'main-1', compose_sub_task_id: 'comp-1', state: 'created', credits: 1 },
    'POST /api/ent/v2/tasks/main-1/cancel': {},
    'GET /api/ent/v2/credits': { remains: [{ type: 'ad', credit_remain: 900 }], concurrency_limit: 5, current_concurrency: 1, queue_count: 0 },
  };
  const server = await startTestServer((req, res) => {
    const answer = answers[`${req.method} ${req.url}`];
    if (answer === undefined) sendJson(res, 404, { reason: 'NotFound' });
    else sendJson(res, 200, answer);
  });
  // A base URL with a path prefix and a trailing slash.
  const client = new ViduClient({ baseUrl: `${server.url}/api/`, apiKey: API_KEY });
  try {
    const created = await client.createAd({ images: [IMAGE], duration: 15, language: 'en', extra: 'dropped' } as never);
    assert.equal(created.task_id, 'main-1');
    assert.equal((await client.getCreations('main-1')).progress, 40);
    assert.equal((await client.getAdSubRecords('main-1')).data_records.storyboards[0]!.storyboard_id, 0);
    assert.equal((await client.edit({ ad_one_click_task_id: 'main-1', type: 'generate_video', storyboard_video_index: 0, prompt: 'closer' })).sub_task_id, 'edit-1');
    const composed = await client.compose(
      { ad_one_click_task_id: 'main-1', video_task_ids: ['v0'], bgm_task_id: 'b', narration_task_id: 'n' },
      { storyboardCount: 1 },
    );
    assert.equal(composed.compose_sub_task_id, 'comp-1');
    assert.equal(await client.cancelTask('main-1'), undefined);
    assert.equal((await client.getCredits()).remains[0]!.credit_remain, 900);

    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.url}`),
      Object.keys(answers),
    );
    for (const req of server.requests) {
      assert.equal(req.headers.authorization, `Token ${API_KEY}`);
      assert.equal(req.headers['content-type'], 'application/json');
    }
    assert.deepEqual(JSON.parse(server.requests[0]!.body), { images: [IMAGE], duration: 15, language: 'en' });
    assert.deepEqual(JSON.parse(server.requests[5]!.body), {});
    assert.equal(server.requests[1]!.body, '');
    // Keep-alive: connections were reused (undici may open a second one).
    assert.ok(server.connections() < server.requests.length, `${server.connections()} connections`);
  } finally {
    await client.close();
    await server.close();
  }
});

test('task ids are encoded into the path', async () => {
  await withServer(
    (_req, res) => sendJson(res, 200, { state: 'queueing' }),
    async (client, server) => {
      await client.getCreations('a/b?c');
      assert.equal(server.requests[0]!.url, '/ent/v2/tasks/a%2Fb%3Fc/creations');
    },
  );
});

test('an invalid request is rejected before anything is sent', async () => {
  await withServer(
    (_req, res) => sendJson(res, 200, {}),
    async (client, server) => {
      const err = await rejection(client.createAd({ images: [], duration: 5 }));
      assert.ok(err instanceof ViduValidationError);
      assert.deepEqual(
        err.issues.map((i) => i.field),
        ['images', 'duration'],
      );
      const compose = await rejection(
        client.compose({ ad_one_click_task_id: 'm', video_task_ids: ['v0'], bgm_task_id: 'b', narration_task_id: 'n' }, { storyboardCount: 3 }),
      );
      assert.ok(compose instanceof ViduValidationError);
      assert.ok(await rejection(client.getCreations('')) instanceof ViduValidationError);
      assert.equal(server.requests.length, 0);
    },
  );
});

test('non-2xx answers become ViduApiError, whatever the body looks like', async () => {
  const bodies: Record<string, [number, string]> = {
    '/ent/v2/tasks/reason/creations': [400, JSON.stringify({ code: 400, reason: 'CreditInsufficient', message: 'insufficient credits', metadata: { trace_id: 'tr-9' } })],
    '/ent/v2/tasks/string-code/creations': [429, JSON.stringify({ code: 'TooManyRequests', message: 'slow down' })],
    '/ent/v2/tasks/numeric-code/creations': [404, JSON.stringify({ code: 404, message: 'no such task' })],
    '/ent/v2/tasks/html/creations': [502, '<html>bad gateway</html>'],
  };
  await withServer(
    (req, res) => {
      const [status, text] = bodies[req.url]!;
      res.writeHead(status, { 'content-type': text.startsWith('<') ? 'text/html' : 'application/json' });
      res.end(text);
    },
    async (client) => {
      const expected = [
        ['reason', 400, 'CreditInsufficient', 'insufficient credits', 'tr-9', false],
        ['string-code', 429, 'TooManyRequests', 'slow down', undefined, true],
        ['numeric-code', 404, '404', 'no such task', undefined, false],
        ['html', 502, '502', '<html>bad gateway</html>', undefined, true],
      ] as const;
      for (const [id, status, code, message, traceId, retryable] of expected) {
        const err = await rejection(client.getCreations(id));
        assert.ok(err instanceof ViduApiError, id);
        assert.deepEqual(
          [err.status, err.code, err.viduMessage, err.traceId, err.retryable, err.endpoint],
          [status, code, message, traceId, retryable, `GET /ent/v2/tasks/${id}/creations`],
        );
      }
    },
  );
});

test('a 2xx answer that is not JSON, or lacks a used field, becomes ViduResponseError naming the field', async () => {
  await withServer(
    (req, res) => (req.url.includes('not-json') ? sendJson(res, 200, 'OK') : sendJson(res, 200, { state: 'created', credits: 10 })),
    async (client) => {
      const notJson = await rejection(client.getCreations('not-json'));
      assert.ok(notJson instanceof ViduResponseError);
      assert.equal(notJson.field, '(body)');
      const missing = await rejection(client.createAd({ images: [IMAGE] }));
      assert.ok(missing instanceof ViduResponseError);
      assert.equal(missing.field, 'task_id');
      assert.equal(missing.status, 200);
      assert.match(missing.message, /POST \/ent\/v2\/ad-one-click .*task_id/);
    },
  );
});

test('a closed port fails as not sent, so even a create may be retried', async () => {
  const port = await closedPort();
  const client = new ViduClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: API_KEY });
  try {
    const err = await rejection(client.createAd({ images: [IMAGE] }));
    assert.ok(err instanceof ViduNetworkError, String(err));
    assert.equal(err.outcome, 'not-sent');
    assert.equal(err.code, 'ECONNREFUSED');
    assert.equal(err.retryable, true);
    assertKeyAbsent(err);
  } finally {
    await client.close();
  }
});

test('a socket destroyed after the request was read: outcome unknown; only the GET is retryable', async () => {
  await withServer(
    (_req, _res, raw) => raw.socket.destroy(),
    async (client, server) => {
      const post = await rejection(client.createAd({ images: [IMAGE] }));
      assert.ok(post instanceof ViduNetworkError, String(post));
      assert.equal(post.outcome, 'unknown');
      assert.equal(post.retryable, false);
      const get = await rejection(client.getCreations('t1'));
      assert.ok(get instanceof ViduNetworkError);
      assert.equal(get.outcome, 'unknown');
      assert.equal(get.retryable, true);
      // Cancelling twice is harmless, so an unclear cancel may be retried.
      const cancel = await rejection(client.cancelTask('t1'));
      assert.ok(cancel instanceof ViduNetworkError);
      assert.equal(cancel.retryable, true);
      // The server did receive the requests.
      assert.equal(server.requests.length, 3);
      assertKeyAbsent(post);
    },
  );
});

test('no response headers within timeoutMs: a headers timeout with outcome unknown', async () => {
  await withServer(
    () => undefined, // never answers
    async (client, server) => {
      // undici's idle timers tick about once a second, so a short idle timeout gets a deadline well beyond it.
      const err = await rejection(client.edit({ ad_one_click_task_id: 'm', type: 'generate_bgm', prompt: 'jazz' }, { timeoutMs: 150, deadlineMs: 10_000 }));
      assert.ok(err instanceof ViduNetworkError, String(err));
      assert.equal(err.code, 'UND_ERR_HEADERS_TIMEOUT');
      assert.equal(err.outcome, 'unknown');
      assert.equal(err.retryable, false);
      assert.equal(server.requests.length, 1);
    },
  );
});

/** Answers 200 and then sends the body one byte every few milliseconds, never finishing: no idle timeout ever fires. */
function trickleForever(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"state":"');
  const timer = setInterval(() => res.write('x'), 10);
  res.on('close', () => clearInterval(timer));
}

test('a body trickled slower than the deadline: DEADLINE_EXCEEDED, outcome unknown, only the GET retryable', async () => {
  // The idle timeout (timeoutMs) is far longer than the gap between chunks, so only the deadline can end these calls.
  await withServer(
    (_req, res) => trickleForever(res),
    async (client, server) => {
      const post = await rejection(client.createAd({ images: [IMAGE] }, { timeoutMs: 2_000, deadlineMs: 200 }));
      assert.ok(post instanceof ViduNetworkError, String(post));
      assert.ok(!(post instanceof ViduAbortError));
      assert.deepEqual([post.code, post.outcome, post.retryable], ['DEADLINE_EXCEEDED', 'unknown', false]);
      assert.match(post.message, /POST \/ent\/v2\/ad-one-click .*deadline of 200 ms/);

      // Default deadline: twice the call's timeoutMs.
      const get = await rejection(client.getCreations('t1', { timeoutMs: 150 }));
      assert.ok(get instanceof ViduNetworkError, String(get));
      assert.deepEqual([get.code, get.outcome, get.retryable], ['DEADLINE_EXCEEDED', 'unknown', true]);
      assert.match(get.message, /deadline of 300 ms/);
      assert.equal(server.requests.length, 2);
      assertKeyAbsent(post);
    },
  );
});

test('the client-wide deadlineMs applies to every call unless the call overrides it', async () => {
  const server = await startTestServer((req, res) => (req.url.includes('fast') ? sendJson(res, 200, { state: 'success' }) : trickleForever(res)));
  const client = new ViduClient({ baseUrl: server.url, apiKey: API_KEY, timeoutMs: 5_000, deadlineMs: 250 });
  try {
    const slow = await rejection(client.getAdSubRecords('slow'));
    assert.ok(slow instanceof ViduNetworkError, String(slow));
    assert.equal(slow.code, 'DEADLINE_EXCEEDED');
    assert.match(slow.message, /deadline of 250 ms/);
    const overridden = await rejection(client.getAdSubRecords('slow', { deadlineMs: 100 }));
    assert.ok(overridden instanceof ViduNetworkError);
    assert.match(overridden.message, /deadline of 100 ms/);
    // A call that finishes in time is untouched by its deadline.
    assert.equal((await client.getCreations('fast')).state, 'success');
  } finally {
    await client.close();
    await server.close();
  }
});

test('an abort while the body trickles in is still a ViduAbortError, not a deadline', async () => {
  let trickling!: () => void;
  const bodyStarted = new Promise<void>((resolve) => (trickling = resolve));
  await withServer(
    (_req, res) => {
      trickleForever(res);
      trickling();
    },
    async (client) => {
      const controller = new AbortController();
      const call = rejection(client.getCreations('t1', { signal: controller.signal, timeoutMs: 60_000 }));
      await bodyStarted;
      controller.abort('activity cancelled');
      const err = await call;
      assert.ok(err instanceof ViduAbortError, String(err));
      assert.equal(err.reason, 'activity cancelled');
    },
  );
});

test('timeoutMs and deadlineMs must be positive numbers', () => {
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => new ViduClient({ baseUrl: 'http://127.0.0.1:9', apiKey: API_KEY, timeoutMs: bad }), /timeoutMs must be a positive number/);
    assert.throws(() => new ViduClient({ baseUrl: 'http://127.0.0.1:9', apiKey: API_KEY, deadlineMs: bad }), /deadlineMs must be a positive number/);
  }
});

test('an AbortSignal stops the call and keeps the reason', async () => {
  let received!: () => void;
  const requestArrived = new Promise<void>((resolve) => (received = resolve));
  await withServer(
    () => received(), // never answers
    async (client, server) => {
      const controller = new AbortController();
      const reason = new Error('activity cancelled');
      const call = rejection(client.getAdSubRecords('main-1', { signal: controller.signal }));
      await requestArrived;
      controller.abort(reason);
      const err = await call;
      assert.ok(err instanceof ViduAbortError, String(err));
      assert.equal(err.name, 'AbortError');
      assert.equal(err.reason, reason);
      assert.equal(err.retryable, false);

      const before = server.requests.length;
      const already = await rejection(client.getCredits({ signal: AbortSignal.abort('stop') }));
      assert.ok(already instanceof ViduAbortError);
      assert.equal(already.reason, 'stop');
      assert.equal(server.requests.length, before);
    },
  );
});

test('the API key appears in no error: API, response, validation, abort', async () => {
  await withServer(
    (req, res) => {
      // A hostile or buggy server echoing the Authorization header back.
      if (req.url.includes('echo')) sendJson(res, 401, { reason: 'Unauthorized', message: `bad header ${req.headers.authorization}`, metadata: { trace_id: String(req.headers.authorization) } });
      else if (req.url.includes('text')) sendJson(res, 500, `oops ${req.headers.authorization}`);
      else sendJson(res, 200, { state: 7, echoed: req.headers.authorization });
    },
    async (client) => {
      const errors = [
        await rejection(client.getCreations('echo')),
        await rejection(client.getCreations('text')),
        await rejection(client.getCreations('shape')),
        await rejection(client.createAd({ images: ['nope'] })),
        await rejection(client.getCredits({ signal: AbortSignal.abort() })),
      ];
      assert.ok(errors[0] instanceof ViduApiError);
      assert.match((errors[0] as ViduApiError).viduMessage, /bad header Token \[redacted\]/);
      assert.ok(errors[1] instanceof ViduApiError);
      assert.ok(errors[2] instanceof ViduResponseError);
      for (const err of errors) assertKeyAbsent(err);
      assert.ok(!inspect(client, { showHidden: true, depth: 8 }).includes(API_KEY));
    },
  );
});

test('after close() calls fail as not sent', async () => {
  await withServer(
    (_req, res) => sendJson(res, 200, { state: 'success' }),
    async (client, server) => {
      await client.close();
      const err = await rejection(client.getCreations('t1'));
      assert.ok(err instanceof ViduNetworkError, String(err));
      assert.equal(err.outcome, 'not-sent');
      assert.equal(err.code, 'CLIENT_CLOSED');
      assert.equal(server.requests.length, 0);
    },
  );
});

async function readAll(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The test servers listen on loopback, which media downloads refuse unless allowed (VIDU_MEDIA_ALLOW_PRIVATE_HOSTS). */
const LOCAL = { allowPrivateHosts: true };

test('downloadMedia streams the body, follows redirects, and maps expired URLs to MediaUnavailable', async () => {
  const video = Buffer.from('fake mp4 bytes '.repeat(1000));
  await withServer(
    (req, res) => {
      if (req.url.startsWith('/video.mp4')) {
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': video.length });
        res.end(video);
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: '/video.mp4?sig=2' });
        res.end();
      } else if (req.url.startsWith('/chunked')) {
        res.writeHead(200, { 'content-type': 'video/mp4' });
        res.write(video);
        res.end(video);
      } else {
        res.writeHead(req.url.startsWith('/expired') ? 403 : 404, { 'content-type': 'application/xml' });
        res.end('<Error>AccessDenied</Error>');
      }
    },
    async (_client, server) => {
      const media = await downloadMedia(`${server.url}/video.mp4?sig=1`, LOCAL);
      assert.equal(media.contentType, 'video/mp4');
      assert.equal(media.contentLength, video.length);
      assert.deepEqual(await readAll(media.body), video);

      const redirected = await downloadMedia(`${server.url}/moved`, LOCAL);
      assert.deepEqual(await readAll(redirected.body), video);

      for (const [path, status] of [
        ['/expired.mp4?X-Amz-Signature=secretsig', 403],
        ['/gone.mp4', 404],
      ] as const) {
        const err = await rejection(downloadMedia(`${server.url}${path}`, LOCAL));
        assert.ok(err instanceof ViduApiError);
        assert.equal(err.code, 'MediaUnavailable');
        assert.equal(err.status, status);
        assert.equal(err.retryable, false);
        assert.ok(!err.message.includes('secretsig'), 'the signed query stays out of the error');
      }

      const declaredTooBig = await rejection(downloadMedia(`${server.url}/video.mp4`, { ...LOCAL, maxBytes: 100 }));
      assert.ok(declaredTooBig instanceof ViduResponseError);
      assert.equal(declaredTooBig.field, 'content-length');

      const streamedTooBig = await downloadMedia(`${server.url}/chunked`, { ...LOCAL, maxBytes: video.length + 10 });
      assert.equal(streamedTooBig.contentLength, undefined);
      const streamErr = await rejection(readAll(streamedTooBig.body));
      assert.ok(streamErr instanceof ViduResponseError);
      assert.match(streamErr.message, new RegExp(`at most ${video.length + 10} bytes`));
    },
  );
});

test('downloadMedia network failure is a retryable ViduNetworkError', async () => {
  const port = await closedPort();
  const err = await rejection(downloadMedia(`http://127.0.0.1:${port}/video.mp4`, LOCAL));
  assert.ok(err instanceof ViduNetworkError);
  assert.equal(err.outcome, 'not-sent');
  assert.equal(err.retryable, true);
});

test('downloadMedia does not depend on the global dispatcher, which other libraries replace', async () => {
  const video = Buffer.from('kept bytes');
  const previous = getGlobalDispatcher();
  // Stands in for a library (playwright-core does this) that installs a dispatcher undici 7 cannot drive.
  const broken = { dispatch: () => { throw new Error('not an undici 7 dispatcher'); } } as unknown as Dispatcher;
  setGlobalDispatcher(broken);
  try {
    await withServer(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': video.length });
        res.end(video);
      },
      async (_client, server) => {
        const media = await downloadMedia(`${server.url}/video.mp4`, LOCAL);
        assert.deepEqual(await readAll(media.body), video);
      },
    );
  } finally {
    setGlobalDispatcher(previous);
  }
});

test('downloadMedia refuses a loopback media host unless allowed, before connecting', async () => {
  await withServer(
    (_req, res) => res.end('never served'),
    async (_client, server) => {
      const err = await rejection(downloadMedia(`${server.url}/video.mp4?sig=secret`));
      assert.ok(err instanceof OutboundAddressError, String(err));
      assert.equal(err.range, 'loopback');
      assert.match(err.message, /^media url: 127\.0\.0\.1 is an address in range "loopback", not a global unicast address; refused \(set VIDU_MEDIA_ALLOW_PRIVATE_HOSTS=true/);
      assert.ok(!err.message.includes('secret'), 'the signed query stays out of the error');
      assert.equal(server.connections(), 0, 'no connection was made');
    },
  );
});

test('downloadMedia refuses a redirect from a trusted media host to a private one', async () => {
  const inside = await startTestServer((_req, res) => res.end('internal'));
  try {
    await withServer(
      (_req, res) => {
        // localhost: a name, so the refusal comes from the lookup at connect time, not from the URL.
        res.writeHead(302, { location: `${inside.url.replace('127.0.0.1', 'localhost')}/latest/meta-data/` });
        res.end();
      },
      async (client, server) => {
        const err = await rejection(downloadMedia(`${server.url}/video.mp4`, { trustedOrigins: [client.origin] }));
        assert.ok(err instanceof OutboundAddressError, String(err));
        assert.equal(err.host, 'localhost');
        assert.match(err.message, /^media url: localhost resolves to (127\.0\.0\.1|::1), an address in range "loopback"/);
        assert.equal(server.requests.length, 1, 'the trusted host was asked');
        assert.equal(inside.connections(), 0, 'the redirect target was never connected to');
      },
    );
  } finally {
    await inside.close();
  }
});
