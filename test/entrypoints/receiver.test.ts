// The webhook receiver over real HTTP against the real dev server. The target
// workflow runs with no worker: Temporal accepts signals all the same, and its
// history shows exactly what reached it. (What it answers before reading a
// body, and how it closes such connections, is in receiverBeforeBody.test.ts.)
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Client, Connection, ServiceError } from '@temporalio/client';
import { signCallback } from '../../src/callbacks/signature';
import { AD_WORKFLOW_TYPE } from '../../src/workflows/ad/contract';
import { freePort } from '../../src/tools/ports';
import { createCallbackReceiver, type CallbackReceiver } from '../../src/entrypoints/receiver/callbackReceiver';
import { openTemporalTestEnv, type TemporalTestEnv } from '../support/temporalTestEnv';
import { historyLength, signalsOf } from './signalHistory';

const API_KEY = 'receiver-test-key';
const PUBLIC_URL = 'https://ads.example.com/hooks/vidu';
const PATH = '/hooks/vidu';
const MAX_BODY = 4096;

let env: TemporalTestEnv;
let receiver: CallbackReceiver;
let baseUrl: string;
let workflowId: string;
let nonceCounter = 0;

function nextNonce(): string {
  return `nonce-${process.pid}-${Date.now()}-${++nonceCounter}`;
}

interface CallbackRequest {
  query?: string;
  body?: string;
  headers?: Record<string, string>;
}

/** A callback as Vidu would send it for `query`, signed with `apiKey`. */
function signedCallback(query: string, opts: { apiKey?: string; date?: Date; nonce?: string; body?: unknown } = {}): CallbackRequest {
  const headers = signCallback({
    apiKey: opts.apiKey ?? API_KEY,
    callbackUrl: `${PUBLIC_URL}?${query}`,
    nonce: opts.nonce ?? nextNonce(),
    date: opts.date,
  });
  const body = JSON.stringify(opts.body ?? { id: 'task-1', state: 'processing', progress: 40 });
  return { query, headers, body };
}

async function post(req: CallbackRequest): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}${PATH}${req.query ? `?${req.query}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...req.headers },
    body: req.body ?? '{}',
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** A POST whose request line carries `target` byte for byte (fetch would drop a "#..." tail before sending). */
function postRawTarget(target: string, req: CallbackRequest): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(baseUrl);
    const outgoing = request({ hostname, port, method: 'POST', path: target, headers: { 'content-type': 'application/json', ...req.headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
    });
    outgoing.on('error', reject);
    outgoing.end(req.body ?? '{}');
  });
}

describe('webhook receiver', () => {
  before(async () => {
    env = await openTemporalTestEnv();
    workflowId = `receiver-test-${process.pid}-${Date.now()}`;
    // No worker polls this queue: the workflow just collects signals.
    await env.client.workflow.start(AD_WORKFLOW_TYPE, { workflowId, taskQueue: env.uniqueTaskQueue('receiver'), args: [{ adId: 'x', images: [] }] });
    receiver = createCallbackReceiver({
      client: env.client,
      apiKey: API_KEY,
      publicUrl: PUBLIC_URL,
      path: PATH,
      maxSkewSeconds: 300,
      maxBodyBytes: MAX_BODY,
      log: () => undefined,
    });
    baseUrl = (await receiver.listen(0, '127.0.0.1')).url;
  });

  after(async () => {
    await receiver?.close();
    await env?.client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
    await env?.close();
  });

  it('delivers a good callback to the workflow named in the query, as a compact viduCallback signal', async () => {
    const nonce = nextNonce();
    const body = { id: 'task-77', state: 'failed', progress: 100, err_code: 'CreationPolicyViolation', credits: 0, payload: '' };
    const answer = await post(signedCallback(`workflowId=${workflowId}`, { nonce, body }));
    assert.equal(answer.status, 200);
    assert.equal(answer.json.delivered, true);
    const signals = (await signalsOf(env.client, workflowId)).filter((s) => s.name === 'viduCallback');
    assert.deepEqual(
      signals.map((s) => s.args),
      [[{ taskId: 'task-77', state: 'failed', progress: 100, errCode: 'CreationPolicyViolation', nonce }]],
    );
  });

  it('lets no media URL from a callback body into history, and passes on the create attempt marker from the signed query', async () => {
    const nonce = nextNonce();
    const media = (name: string) => `https://cdn.vidu.example/${name}.mp4?Expires=1746533382&Signature=abc`;
    const body = {
      id: 'task-88',
      state: 'success',
      progress: 100,
      err_code: '',
      payload: media('payload'),
      creations: [{ id: 'c-1', url: media('video'), cover_url: media('cover'), watermarked_url: media('watermarked') }],
    };
    const answer = await post(signedCallback(`workflowId=${workflowId}&createAttempt=attempt-1`, { nonce, body }));
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    const signal = (await signalsOf(env.client, workflowId)).find((s) => s.name === 'viduCallback' && (s.args[0] as { nonce?: string }).nonce === nonce);
    assert.deepEqual(signal?.args, [{ taskId: 'task-88', state: 'success', progress: 100, createAttempt: 'attempt-1', nonce }]);
    // The payloads as stored, decoded: no URL of any kind in any signal the workflow received.
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const signalPayloads = (history.events ?? []).flatMap((e) => e.workflowExecutionSignaledEventAttributes?.input?.payloads ?? []);
    assert.ok(signalPayloads.length > 0);
    for (const payload of signalPayloads) assert.doesNotMatch(Buffer.from(payload.data ?? []).toString('utf8'), /https?:|cdn\.vidu/);
  });

  it('acts on the query the signature covered: a "#..." tail added to the URL changes nothing', async () => {
    const nonce = nextNonce();
    const req = signedCallback(`workflowId=${workflowId}`, { nonce, body: { id: 'task-99', state: 'processing' } });
    const answer = await postRawTarget(`${PATH}?workflowId=${workflowId}#-other`, req);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.equal(answer.json.workflowId, workflowId);
  });

  it('answers every bad request with its documented status and changes nothing', async () => {
    const before = await historyLength(env.client, workflowId);
    const countsBefore = { unauthorized: receiver.metrics.count('unauthorized'), tooLarge: receiver.metrics.count('too_large'), badRequest: receiver.metrics.count('bad_request') };
    const query = `workflowId=${workflowId}`;
    const good = signedCallback(query);
    const { 'X-HMAC-SIGNATURE': _signature, ...withoutSignature } = good.headers!;
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
    const cases: Array<{ name: string; req: CallbackRequest; status: number; check?: (json: Record<string, unknown>) => void }> = [
      {
        name: 'forged signature',
        req: { ...good, headers: { ...good.headers, 'X-HMAC-SIGNATURE': Buffer.from('x'.repeat(32)).toString('base64') } },
        status: 401,
        check: (json) => assert.equal(json.error, 'bad-signature'),
      },
      {
        name: 'query changed after signing (another workflow id)',
        req: { ...good, query: `workflowId=${workflowId}-other` },
        status: 401,
        check: (json) => assert.equal(json.error, 'bad-signature'),
      },
      { name: 'wrong key', req: signedCallback(query, { apiKey: 'not-the-key' }), status: 401, check: (json) => assert.equal(json.error, 'bad-signature') },
      { name: 'missing headers', req: { ...good, headers: withoutSignature }, status: 401, check: (json) => assert.equal(json.error, 'missing-header') },
      { name: 'no headers at all', req: { query, body: good.body }, status: 401, check: (json) => assert.equal(json.error, 'missing-header') },
      { name: 'stale Date', req: signedCallback(query, { date: sixMinutesAgo }), status: 401, check: (json) => assert.equal(json.error, 'stale-date') },
      {
        name: 'oversized body',
        req: { ...signedCallback(query), body: JSON.stringify({ id: 't', state: 'success', pad: 'x'.repeat(MAX_BODY * 3) }) },
        status: 413,
        check: (json) => assert.equal(json.limitBytes, MAX_BODY),
      },
      { name: 'malformed JSON', req: { ...signedCallback(query), body: '{"id": "t", "state": ' }, status: 400, check: (json) => assert.match(String(json.detail), /not valid JSON/) },
      { name: 'JSON that is not an object', req: { ...signedCallback(query), body: '[1,2]' }, status: 400 },
      { name: 'body naming no task', req: signedCallback(query, { body: { state: 'success' } }), status: 400, check: (json) => assert.match(String(json.detail), /task/) },
      { name: 'no workflowId in the signed query', req: signedCallback('ref=abc'), status: 400, check: (json) => assert.match(String(json.detail), /workflowId/) },
      {
        name: 'a media URL where the task id belongs',
        req: signedCallback(query, { body: { id: 'https://cdn.vidu.example/v.mp4', state: 'success' } }),
        status: 400,
        check: (json) => assert.match(String(json.detail), /^id may only contain/),
      },
      { name: 'progress not a number', req: signedCallback(query, { body: { id: 't', progress: '40%' } }), status: 400, check: (json) => assert.match(String(json.detail), /progress/) },
      {
        name: 'a create attempt marker that is not one',
        req: signedCallback(`${query}&createAttempt=a%20b`),
        status: 400,
        check: (json) => assert.match(String(json.detail), /createAttempt/),
      },
    ];
    for (const c of cases) {
      const answer = await post(c.req);
      assert.equal(answer.status, c.status, `${c.name}: ${JSON.stringify(answer.json)}`);
      c.check?.(answer.json);
    }
    assert.equal(await historyLength(env.client, workflowId), before, 'no rejected callback may reach the workflow');
    assert.equal(receiver.metrics.count('unauthorized') - countsBefore.unauthorized, 6);
    assert.equal(receiver.metrics.count('too_large') - countsBefore.tooLarge, 1);
    assert.equal(receiver.metrics.count('bad_request') - countsBefore.badRequest, 7);
  });

  it('acknowledges a replayed nonce with 200 and drops it', async () => {
    const replayable = signedCallback(`workflowId=${workflowId}`);
    const first = await post(replayable);
    assert.equal(first.status, 200);
    const afterFirst = await historyLength(env.client, workflowId);
    const second = await post(replayable);
    assert.equal(second.status, 200);
    assert.equal(second.json.ignored, 'replayed nonce');
    assert.equal(await historyLength(env.client, workflowId), afterFirst);
  });

  it('answers 202 for an unknown workflow and for a finished one, so Vidu stops retrying', async () => {
    const unknown = await post(signedCallback(`workflowId=no-such-workflow-${Date.now()}`));
    assert.equal(unknown.status, 202);
    assert.match(String(unknown.json.ignored), /not found/);

    const finishedId = `${workflowId}-finished`;
    const handle = await env.client.workflow.start(AD_WORKFLOW_TYPE, { workflowId: finishedId, taskQueue: env.uniqueTaskQueue('receiver'), args: [{}] });
    await handle.terminate('finished for the test');
    const lengthBefore = await historyLength(env.client, finishedId);
    const finished = await post(signedCallback(`workflowId=${finishedId}`));
    assert.equal(finished.status, 202);
    assert.equal(await historyLength(env.client, finishedId), lengthBefore);
    assert.equal(receiver.metrics.count('workflow_not_found'), 2);
  });

  it('serves health and readiness, Prometheus metrics on a port of their own, and refuses other paths and methods', async () => {
    assert.equal((await fetch(`${baseUrl}/healthz`)).status, 200);
    const ready = await fetch(`${baseUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { status: string }).status, 'ready');
    // /metrics is not on the callbacks' port (it faces the internet), but on a listener of its own, loopback by default.
    assert.equal((await fetch(`${baseUrl}/metrics`)).status, 404);
    const metricsUrl = (await receiver.listenMetrics(0)).url;
    assert.match(metricsUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    assert.equal((await fetch(metricsUrl.replace('/metrics', '/healthz'))).status, 404, 'the metrics listener serves /metrics only');
    const metrics = await fetch(metricsUrl);
    assert.match(metrics.headers.get('content-type') ?? '', /text\/plain/);
    const text = await metrics.text();
    assert.match(text, new RegExp(`vidu_callbacks_total\\{outcome="delivered"\\} ${receiver.metrics.count('delivered')}\\n`));
    assert.ok(receiver.metrics.count('delivered') >= 2);
    assert.match(text, /vidu_callback_duration_seconds_count \d+/);
    assert.match(text, /vidu_callback_signature_failures_total\{reason="stale-date"\} 1/);
    assert.equal((await fetch(`${baseUrl}${PATH}`)).status, 405);
    assert.equal((await fetch(`${baseUrl}/elsewhere`, { method: 'POST', body: '{}' })).status, 404);
  });

  it('answers 202 when Temporal refuses the signal for good, so Vidu stops retrying', async () => {
    // Temporal's refusal is stood in for by an interceptor throwing what the client throws for PERMISSION_DENIED.
    const refusal = Object.assign(new Error('7 PERMISSION_DENIED: caller may not signal'), { code: 7, details: 'caller may not signal' });
    const refusing = createCallbackReceiver({
      client: new Client({
        connection: env.client.connection,
        namespace: env.namespace,
        interceptors: { workflow: [{ signal: () => Promise.reject(new ServiceError('Failed to signal Workflow', { cause: refusal })) }] },
      }),
      apiKey: API_KEY,
      publicUrl: PUBLIC_URL,
      maxSkewSeconds: 300,
      maxBodyBytes: MAX_BODY,
      log: () => undefined,
    });
    try {
      const { url } = await refusing.listen(0, '127.0.0.1');
      const req = signedCallback(`workflowId=${workflowId}`);
      const res = await fetch(`${url}${PATH}?${req.query}`, { method: 'POST', headers: req.headers, body: req.body });
      assert.equal(res.status, 202);
      assert.equal(((await res.json()) as { ignored: string }).ignored, 'temporal rejected the signal: caller may not signal');
      assert.equal(refusing.metrics.count('rejected_by_temporal'), 1);
      assert.equal(refusing.metrics.count('temporal_unavailable'), 0);
    } finally {
      await refusing.close();
    }
  });

  it('answers 503 when Temporal cannot be reached, and reports not ready', async () => {
    // A free port: nothing listens there.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const unreachable = createCallbackReceiver({
      client: new Client({ connection }),
      apiKey: API_KEY,
      publicUrl: PUBLIC_URL,
      maxSkewSeconds: 300,
      maxBodyBytes: MAX_BODY,
      temporalTimeoutMs: 500,
      log: () => undefined,
    });
    try {
      const { url } = await unreachable.listen(0, '127.0.0.1');
      const req = signedCallback(`workflowId=${workflowId}`);
      const res = await fetch(`${url}${PATH}?${req.query}`, { method: 'POST', headers: req.headers, body: req.body });
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '5');
      assert.equal((await fetch(`${url}/readyz`)).status, 503);
      // Vidu's retry of the same delivery must not be mistaken for a replay.
      const retry = await fetch(`${url}${PATH}?${req.query}`, { method: 'POST', headers: req.headers, body: req.body });
      assert.equal(retry.status, 503);
    } finally {
      await unreachable.close();
      await connection.close();
    }
  });
});
