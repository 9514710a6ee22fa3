// Property-based tests of the callback signature check: for any header bag,
// method and URL it answers without throwing, it accepts what was signed with
// the key, and it refuses a signature, query or Date changed by one character.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SIGNATURE_HEADERS, signCallback, verifyCallbackSignature, type HeaderBag, type VerifyResult } from '../../src/callbacks/signature';

const RUNS = { numRuns: 200 };
const API_KEY = 'property-test-key';
const BASE = 'https://hooks.example.com/vidu/callback';
const NOW = new Date('2025-05-06T12:09:42Z');
const MAX_SKEW_MS = 300_000;
const REASONS = ['missing-header', 'bad-algorithm', 'bad-signature', 'stale-date', 'bad-date'];

function verify(callbackUrl: string, headers: HeaderBag, method = 'POST', now = NOW): VerifyResult {
  return verifyCallbackSignature({ apiKey: API_KEY, method, callbackUrl, headers, now, maxSkewMs: MAX_SKEW_MS });
}

function signed(callbackUrl: string, nonce = 'nonce-1', date: Date | string = NOW): Record<string, string> {
  return signCallback({ apiKey: API_KEY, callbackUrl, nonce, date });
}

/** Header names as a server hands them over: lower case. */
function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function assertRefused(result: VerifyResult, reason?: string): void {
  assert.equal(result.ok, false, 'must be refused');
  if (result.ok) return;
  assert.ok(REASONS.includes(result.reason), result.reason);
  assert.ok(result.detail.length > 0);
  if (reason) assert.equal(result.reason, reason, result.detail);
}

/** `text` with the character at `index` (modulo its length) replaced by `by`, or undefined when that changes nothing. */
function withOneCharChanged(text: string, index: number, by: string): string | undefined {
  const at = index % text.length;
  if (text[at] === by) return undefined;
  return text.slice(0, at) + by + text.slice(at + 1);
}

const SIGNATURE_HEADER_NAMES = Object.values(SIGNATURE_HEADERS);
const anyText = fc.string({ unit: 'binary', maxLength: 60 });
const headerName = fc.oneof(fc.mixedCase(fc.constantFrom(...SIGNATURE_HEADER_NAMES)), fc.string({ maxLength: 20 }));
const headerValue = fc.oneof(anyText, fc.array(anyText, { maxLength: 3 }), fc.constant(undefined), fc.base64String({ maxLength: 44 }));
const anyHeaders = fc.dictionary(headerName, headerValue, { maxKeys: 8 });
const anyMethod = fc.oneof(fc.constantFrom('POST', 'post', 'GET', 'PUT'), fc.string({ maxLength: 10 }));
const anyUrl = fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), anyText, fc.constant(''));
/** Characters a request line can carry in a query (visible ASCII; "#" would end it). */
const QUERY_CHARS = [...Array(0x7e - 0x21 + 1)].map((_, i) => String.fromCharCode(0x21 + i)).filter((c) => c !== '#');
const rawQuery = fc.string({ unit: fc.constantFrom(...QUERY_CHARS), minLength: 1, maxLength: 80 });
const path = fc.array(fc.stringMatching(/^[A-Za-z0-9._~%!$&'()*+,;=:@-]{1,12}$/), { maxLength: 4 }).map((segments) => `/${segments.join('/')}`);
/** Extra headers that are neither signed nor part of the signature scheme. */
const unrelatedHeaders = fc.dictionary(
  fc.stringMatching(/^x-[a-z0-9-]{1,16}$/).filter((name) => !SIGNATURE_HEADER_NAMES.some((n) => n.toLowerCase() === name)),
  fc.string({ maxLength: 40 }),
  { maxKeys: 5 },
);

describe('verifyCallbackSignature, for any input', () => {
  it('never throws on arbitrary header bags, methods and URLs, and refuses them', { timeout: 5_000 }, () => {
    fc.assert(
      fc.property(anyHeaders, anyMethod, anyUrl, (headers, method, url) => assertRefused(verify(url, headers, method))),
      RUNS,
    );
  });

  it('never throws when the signature headers are all there but the URL is anything', { timeout: 5_000 }, () => {
    fc.assert(
      fc.property(anyUrl, anyMethod, (url, method) => assertRefused(verify(url, signed(`${BASE}?workflowId=ad-1`), method))),
      RUNS,
    );
  });

  it('accepts what was signed, for any nonce, path, query and unrelated extra headers', { timeout: 5_000 }, () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), path, rawQuery, unrelatedHeaders, (nonce, urlPath, query, extra) => {
        const url = `https://hooks.example.com${urlPath}?${query}`;
        const headers = { ...extra, ...lowerCased(signed(url, nonce)) };
        const result = verify(url, headers, 'post');
        assert.ok(result.ok, result.ok ? '' : `${result.reason}: ${result.detail}`);
        assert.equal(result.nonce, nonce);
      }),
      RUNS,
    );
  });

  it('refuses a method other than the one signed', { timeout: 5_000 }, () => {
    fc.assert(
      fc.property(anyMethod, (method) => {
        const url = `${BASE}?workflowId=ad-1`;
        const result = verify(url, signed(url), method);
        assert.equal(result.ok, method.toUpperCase() === 'POST', method);
      }),
      RUNS,
    );
  });

  it('refuses a signature changed by one character', { timeout: 5_000 }, () => {
    fc.assert(
      fc.property(rawQuery, fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), (query, index, by) => {
        const url = `${BASE}?${query}`;
        const headers = signed(url);
        const forged = withOneCharChanged(headers[SIGNATURE_HEADERS.signature]!, index, by);
        fc.pre(forged !== undefined);
        assertRefused(verify(url, { ...headers, [SIGNATURE_HEADERS.signature]: forged }), 'bad-signature');
      }),
      RUNS,
    );
  });

  it('refuses a query changed by one character (the workflow id cannot be redirected)', { timeout: 5_000 }, () => {
    fc.assert(
      fc.property(rawQuery, fc.nat(), fc.constantFrom(...QUERY_CHARS, '#'), (query, index, by) => {
        const changed = withOneCharChanged(query, index, by);
        fc.pre(changed !== undefined);
        assertRefused(verify(`${BASE}?${changed}`, signed(`${BASE}?${query}`)), 'bad-signature');
      }),
      RUNS,
    );
  });

  it('refuses a Date changed by one character', { timeout: 5_000 }, () => {
    fc.assert(
      fc.property(fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), (index, by) => {
        const url = `${BASE}?workflowId=ad-1`;
        const headers = signed(url);
        const changed = withOneCharChanged(headers[SIGNATURE_HEADERS.date]!, index, by);
        fc.pre(changed !== undefined);
        assertRefused(verify(url, { ...headers, [SIGNATURE_HEADERS.date]: changed }), 'bad-signature');
      }),
      RUNS,
    );
  });

  it('accepts a signed Date exactly when it is within the window', { timeout: 5_000 }, () => {
    fc.assert(
      fc.property(fc.integer({ min: -2 * MAX_SKEW_MS, max: 2 * MAX_SKEW_MS }), (offsetMs) => {
        const url = `${BASE}?workflowId=ad-1`;
        // Date headers carry whole seconds, so the offset is measured from the date as sent.
        const sent = new Date(Math.floor((NOW.getTime() + offsetMs) / 1000) * 1000);
        const result = verify(url, signed(url, 'n', sent));
        const within = Math.abs(NOW.getTime() - sent.getTime()) <= MAX_SKEW_MS;
        if (within) assert.ok(result.ok, `offset ${offsetMs}`);
        else assertRefused(result, 'stale-date');
      }),
      RUNS,
    );
  });
});
