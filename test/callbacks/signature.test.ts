import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStringToSign, signCallback, verifyCallbackSignature } from '../../src/callbacks/signature';

const vector = {
  apiKey: 'your_secret_token',
  callbackUrl: 'http://127.0.0.1:8080/vidu/callback?name=james&age=36',
  date: 'Tue, 06 May 2025 12:09:42 GMT',
  nonce: '123e4567-e89b-12d3-a456-426614174000',
  signature: 'PrO4+kG4W+b3HOSimdHMHn8pnQ6YXQTseBDC/8yvvNA=',
};

test('the documented test vector (docs/vidu-api.md): string to sign and signature match', () => {
  const toSign = buildStringToSign('POST', vector.callbackUrl, vector.date, ['Date', 'x-request-nonce'], {
    Date: vector.date,
    'x-request-nonce': vector.nonce,
  });
  assert.equal(
    toSign,
    'POST\n/vidu/callback\nname=james&age=36\nvidu\nTue, 06 May 2025 12:09:42 GMT\nDate:Tue, 06 May 2025 12:09:42 GMT\nx-request-nonce:123e4567-e89b-12d3-a456-426614174000\n',
  );
  const headers = signCallback({ apiKey: vector.apiKey, callbackUrl: vector.callbackUrl, date: vector.date, nonce: vector.nonce });
  assert.equal(headers['X-HMAC-SIGNATURE'], vector.signature);
});

test('verify accepts the vector with lower-cased header names inside the Date window', () => {
  const result = verifyCallbackSignature({
    apiKey: vector.apiKey,
    method: 'POST',
    callbackUrl: vector.callbackUrl,
    now: new Date(Date.parse(vector.date) + 60_000),
    headers: {
      date: vector.date,
      'x-request-nonce': vector.nonce,
      'x-hmac-signed-headers': 'Date;x-request-nonce',
      'x-hmac-signature': vector.signature,
      'x-hmac-algorithm': 'hmac-sha256',
      'x-hmac-access-key': 'vidu',
    },
  });
  assert.deepEqual(result.ok && result.nonce, vector.nonce);
});

function signedHeaders(overrides: Record<string, string | undefined> = {}) {
  const base = signCallback({ apiKey: 'k1', callbackUrl: 'https://hooks.example/vidu?wf=ad-1', nonce: 'n-1', date: new Date() });
  return { ...base, ...overrides };
}

test('verify rejects a wrong key, a changed query, a missing header, a stale date', () => {
  const url = 'https://hooks.example/vidu?wf=ad-1';
  const ok = verifyCallbackSignature({ apiKey: 'k1', method: 'POST', callbackUrl: url, headers: signedHeaders() });
  assert.equal(ok.ok, true);
  const wrongKey = verifyCallbackSignature({ apiKey: 'k2', method: 'POST', callbackUrl: url, headers: signedHeaders() });
  assert.deepEqual(wrongKey.ok ? 'ok' : wrongKey.reason, 'bad-signature');
  const otherWorkflow = verifyCallbackSignature({ apiKey: 'k1', method: 'POST', callbackUrl: 'https://hooks.example/vidu?wf=ad-2', headers: signedHeaders() });
  assert.deepEqual(otherWorkflow.ok ? 'ok' : otherWorkflow.reason, 'bad-signature');
  const missing = verifyCallbackSignature({ apiKey: 'k1', method: 'POST', callbackUrl: url, headers: signedHeaders({ 'x-request-nonce': undefined }) });
  assert.deepEqual(missing.ok ? 'ok' : missing.reason, 'missing-header');
  const stale = verifyCallbackSignature({ apiKey: 'k1', method: 'POST', callbackUrl: url, headers: signedHeaders(), now: new Date(Date.now() + 6 * 60_000) });
  assert.deepEqual(stale.ok ? 'ok' : stale.reason, 'stale-date');
  const wider = verifyCallbackSignature({ apiKey: 'k1', method: 'POST', callbackUrl: url, headers: signedHeaders(), now: new Date(Date.now() + 6 * 60_000), maxSkewMs: 10 * 60_000 });
  assert.equal(wider.ok, true);
});
