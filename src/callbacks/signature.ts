// Vidu's callback signature (docs/vidu-api.md, "Callback signature"): HMAC-SHA256 keyed
// with the API key over method, callback path, raw query, the literal "vidu",
// the Date header and each listed signed header. The body is not signed, so a
// verified callback proves who sent it and for which callback URL, not what it says.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADERS = {
  date: 'Date',
  nonce: 'x-request-nonce',
  signedHeaders: 'X-HMAC-SIGNED-HEADERS',
  signature: 'X-HMAC-SIGNATURE',
  algorithm: 'X-HMAC-ALGORITHM',
  accessKey: 'X-HMAC-ACCESS-KEY',
} as const;

const ACCESS_KEY = 'vidu';
const ALGORITHM = 'hmac-sha256';
const DEFAULT_SIGNED_HEADERS = ['Date', 'x-request-nonce'];

export type HeaderBag = Record<string, string | string[] | undefined>;

function headerValue(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
}

/** The exact string Vidu signs. `callbackUrl` is the URL registered with the task. */
export function buildStringToSign(
  method: string,
  callbackUrl: string,
  date: string,
  signedHeaderNames: readonly string[],
  headers: HeaderBag,
): string {
  const url = new URL(callbackUrl);
  const parts = [method.toUpperCase(), url.pathname || '/', url.search.replace(/^\?/, ''), ACCESS_KEY, date];
  let signed = parts.join('\n') + '\n';
  for (const name of signedHeaderNames) signed += `${name}:${headerValue(headers, name) ?? ''}\n`;
  return signed;
}

function hmac(apiKey: string, text: string): string {
  return createHmac('sha256', apiKey).update(text, 'utf8').digest('base64');
}

export interface SignCallbackInput {
  apiKey: string;
  callbackUrl: string;
  method?: string;
  date?: Date | string;
  nonce: string;
}

/** Headers a Vidu callback carries (used by the simulator and tests). */
export function signCallback(input: SignCallbackInput): Record<string, string> {
  const date = typeof input.date === 'string' ? input.date : (input.date ?? new Date()).toUTCString();
  const headers: Record<string, string> = {
    [SIGNATURE_HEADERS.date]: date,
    [SIGNATURE_HEADERS.nonce]: input.nonce,
  };
  const toSign = buildStringToSign(input.method ?? 'POST', input.callbackUrl, date, DEFAULT_SIGNED_HEADERS, headers);
  return {
    ...headers,
    [SIGNATURE_HEADERS.signedHeaders]: DEFAULT_SIGNED_HEADERS.join(';'),
    [SIGNATURE_HEADERS.signature]: hmac(input.apiKey, toSign),
    [SIGNATURE_HEADERS.algorithm]: ALGORITHM,
    [SIGNATURE_HEADERS.accessKey]: ACCESS_KEY,
  };
}

export interface VerifyCallbackInput {
  apiKey: string;
  method: string;
  /** The callback URL as Vidu knows it: CALLBACK_PUBLIC_URL's origin plus the request's path and raw query. */
  callbackUrl: string;
  headers: HeaderBag;
  /** Allowed distance between the Date header and `now`, in milliseconds. Default 5 minutes. */
  maxSkewMs?: number;
  now?: Date;
}

export type VerifyResult =
  | { ok: true; nonce: string; date: Date }
  | { ok: false; reason: 'missing-header' | 'bad-algorithm' | 'bad-signature' | 'stale-date' | 'bad-date'; detail: string };

/** Checks a callback's signature and Date window; never throws. */
export function verifyCallbackSignature(input: VerifyCallbackInput): VerifyResult {
  const { headers } = input;
  const signature = headerValue(headers, SIGNATURE_HEADERS.signature);
  const signedHeaderList = headerValue(headers, SIGNATURE_HEADERS.signedHeaders);
  const date = headerValue(headers, SIGNATURE_HEADERS.date);
  const nonce = headerValue(headers, SIGNATURE_HEADERS.nonce);
  for (const [name, value] of [
    [SIGNATURE_HEADERS.signature, signature],
    [SIGNATURE_HEADERS.signedHeaders, signedHeaderList],
    [SIGNATURE_HEADERS.date, date],
    [SIGNATURE_HEADERS.nonce, nonce],
  ] as const) {
    if (!value) return { ok: false, reason: 'missing-header', detail: `header ${name} is missing` };
  }
  const algorithm = headerValue(headers, SIGNATURE_HEADERS.algorithm);
  if (algorithm !== undefined && algorithm.toLowerCase() !== ALGORITHM) {
    return { ok: false, reason: 'bad-algorithm', detail: `algorithm ${algorithm} is not ${ALGORITHM}` };
  }
  // A caller's mistake rather than a forgery, but either way nothing signed can match it (and `new URL` would throw).
  if (!URL.canParse(input.callbackUrl)) return { ok: false, reason: 'bad-signature', detail: 'the callback URL is not a URL, so no signature can match' };
  const names = signedHeaderList!.split(';').map((n) => n.trim()).filter(Boolean);
  // Date and nonce must be covered, or a forger could replay a signature with a fresh Date or nonce.
  for (const required of DEFAULT_SIGNED_HEADERS) {
    if (!names.some((n) => n.toLowerCase() === required.toLowerCase())) {
      return { ok: false, reason: 'bad-signature', detail: `${required} is not among the signed headers` };
    }
  }
  const expected = Buffer.from(hmac(input.apiKey, buildStringToSign(input.method, input.callbackUrl, date!, names, headers)));
  const given = Buffer.from(signature!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'bad-signature', detail: 'signature does not match' };
  }
  const sentAt = new Date(date!);
  if (Number.isNaN(sentAt.getTime())) return { ok: false, reason: 'bad-date', detail: `Date ${date} is not a date` };
  const skew = Math.abs((input.now ?? new Date()).getTime() - sentAt.getTime());
  const maxSkewMs = input.maxSkewMs ?? 5 * 60_000;
  if (skew > maxSkewMs) {
    return { ok: false, reason: 'stale-date', detail: `Date is ${Math.round(skew / 1000)} s away from now (limit ${maxSkewMs / 1000} s)` };
  }
  return { ok: true, nonce: nonce!, date: sentAt };
}
