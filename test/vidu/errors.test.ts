import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ViduAbortError,
  ViduApiError,
  ViduNetworkError,
  ViduResponseError,
  ViduValidationError,
  classifyNetworkFailure,
  isRetryableViduError,
  parseViduErrorBody,
} from '../../src/vidu/errors';

const endpoint = 'POST /ent/v2/ad-one-click';
const fromBody = (status: number, bodyText: string, secret?: string) => ViduApiError.fromResponse({ status, bodyText, endpoint, secret });

test('error body: code comes from reason, with message and trace id', () => {
  const err = fromBody(400, JSON.stringify({ code: 400, reason: 'CreditInsufficient', message: 'insufficient credits', metadata: { trace_id: 'tr-1' } }));
  assert.equal(err.status, 400);
  assert.equal(err.code, 'CreditInsufficient');
  assert.equal(err.viduMessage, 'insufficient credits');
  assert.equal(err.traceId, 'tr-1');
  assert.equal(err.endpoint, endpoint);
  assert.equal(err.retryable, false);
  assert.equal(err.message, 'Vidu POST /ent/v2/ad-one-click answered HTTP 400 CreditInsufficient: insufficient credits (trace_id tr-1)');
});

test('error body: a string code is used when there is no reason', () => {
  const err = fromBody(429, JSON.stringify({ code: 'QuotaExceeded', message: 'concurrency limit' }));
  assert.equal(err.code, 'QuotaExceeded');
  assert.equal(err.traceId, undefined);
  assert.equal(err.retryable, true);
});

test('error body: a numeric code falls back to the HTTP status', () => {
  const err = fromBody(404, JSON.stringify({ code: 404, message: 'task not found' }));
  assert.equal(err.code, '404');
  assert.equal(err.viduMessage, 'task not found');
});

test('error body: a non-JSON body keeps the status as code and a short excerpt as message', () => {
  const err = fromBody(502, '<html><body>Bad gateway</body></html>');
  assert.equal(err.code, '502');
  assert.equal(err.viduMessage, '<html><body>Bad gateway</body></html>');
  assert.equal(err.retryable, true);
  const empty = fromBody(503, '');
  assert.equal(empty.code, '503');
  assert.equal(empty.viduMessage, '');
  assert.equal(fromBody(500, 'x'.repeat(5000)).viduMessage.length, 200);
});

test('error body: JSON that is not an object is treated as text', () => {
  assert.equal(parseViduErrorBody('[1,2]'), undefined);
  assert.equal(parseViduErrorBody('null'), undefined);
  assert.equal(fromBody(400, '"OperationInProcess"').code, '400');
});

test('retryable follows the documented table', () => {
  const cases: Array<[number, string, boolean]> = [
    [400, 'BadRequest', false],
    [400, 'CreditInsufficient', false],
    [400, 'OperationInProcess', true],
    [401, 'Unauthorized', false],
    [403, 'Forbidden', false],
    [404, 'TaskNotFound', false],
    [409, 'Conflict', false],
    [429, 'QuotaExceeded', true],
    [429, 'TooManyRequests', true],
    [429, 'SystemThrottling', true],
    [499, 'Canceled', false],
    [500, 'InternalServiceFailure', true],
    [503, '503', true],
  ];
  for (const [status, reason, retryable] of cases) {
    const err = fromBody(status, JSON.stringify({ reason }));
    assert.equal(err.retryable, retryable, `${status} ${reason}`);
    assert.equal(isRetryableViduError(err), retryable, `${status} ${reason}`);
  }
});

test('network failures are classified by their code, also when nested', () => {
  const coded = (code: string) => Object.assign(new Error(code), { code });
  for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']) {
    assert.deepEqual(classifyNetworkFailure(coded(code)), { outcome: 'not-sent', code });
  }
  for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'EPIPE']) {
    assert.deepEqual(classifyNetworkFailure(coded(code)), { outcome: 'unknown', code });
  }
  assert.deepEqual(classifyNetworkFailure(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], 'all failed')), {
    outcome: 'not-sent',
    code: 'ECONNREFUSED',
  });
  assert.deepEqual(classifyNetworkFailure(new Error('fetch failed', { cause: coded('ENOTFOUND') })), { outcome: 'not-sent', code: 'ENOTFOUND' });
  assert.deepEqual(classifyNetworkFailure('weird'), { outcome: 'unknown', code: 'UNKNOWN' });
});

test('a network error is retryable when not sent, or when the call is idempotent', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
  const make = (cause: Error, idempotent: boolean, responded = false) => ViduNetworkError.fromCause(cause, { endpoint, idempotent, responded });
  assert.equal(make(refused, false).retryable, true);
  assert.equal(make(reset, false).retryable, false);
  assert.equal(make(reset, true).retryable, true);
  assert.equal(make(reset, false).outcome, 'unknown');
  // Once headers arrived the request certainly reached the server.
  assert.equal(make(refused, false, true).outcome, 'unknown');
  assert.equal(make(refused, false, true).retryable, false);
  assert.equal(make(reset, false).cause, reset);
});

test('abort, validation and response errors are never retryable', () => {
  const reason = new Error('activity cancelled');
  const aborted = new ViduAbortError(endpoint, reason);
  assert.equal(aborted.name, 'AbortError');
  assert.equal(aborted.reason, reason);
  assert.equal(aborted.cause, reason);
  assert.equal(isRetryableViduError(aborted), false);
  assert.equal(isRetryableViduError(new ViduValidationError('create request', [{ field: 'images', rule: 'r' }])), false);
  assert.equal(isRetryableViduError(new ViduResponseError({ status: 200, endpoint, issues: [{ field: 'task_id', rule: 'r' }] })), false);
  assert.equal(isRetryableViduError(new Error('plain')), false);
  assert.equal(isRetryableViduError(Object.assign(new Error('look-alike'), { retryable: true })), false);
});

test('the API key is scrubbed from anything taken from an error body', () => {
  const key = 'vda_secret_key_123456';
  const err = fromBody(401, JSON.stringify({ reason: `bad ${key}`, message: `Token ${key} is invalid`, metadata: { trace_id: key } }), key);
  const everything = `${JSON.stringify(err)} ${err.message} ${err.stack} ${err.code} ${err.viduMessage} ${err.traceId}`;
  assert.ok(!everything.includes(key), everything);
  assert.match(err.viduMessage, /Token \[redacted\] is invalid/);
  const textBody = fromBody(500, `upstream said Authorization: Token ${key}`, key);
  assert.ok(!`${JSON.stringify(textBody)} ${textBody.stack}`.includes(key));
});
