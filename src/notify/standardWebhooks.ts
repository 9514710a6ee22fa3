// Standard Webhooks signatures (https://www.standardwebhooks.com): the sender
// signs "<webhook-id>.<webhook-timestamp>.<body>" with HMAC-SHA256, keyed with
// the bytes of the secret ("whsec_" then base64), and sends the signature as
// "v1,<base64>". The receiver recomputes it, and refuses a timestamp far from
// its own clock so that a captured request cannot be replayed later.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
/** How far a webhook-timestamp may be from the receiver's clock, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

// A type alias, not an interface: it must also pass where any header record is taken (verify).
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** The key bytes of a "whsec_<base64>" secret (the prefix is optional, as in the reference libraries). */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new TypeError('signing secret: must be "whsec_" followed by base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new TypeError('signing secret: the base64 part decodes to no bytes');
  return key;
}

/** The signature header value for one message: "v1,<base64 HMAC-SHA256>". */
export function sign(secret: string, webhookId: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${webhookId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three headers a webhook carries besides Content-Type. */
export function webhookHeaders(secret: string, webhookId: string, body: string, nowSeconds = Math.floor(Date.now() / 1000)): WebhookHeaders {
  return { 'webhook-id': webhookId, 'webhook-timestamp': String(nowSeconds), 'webhook-signature': sign(secret, webhookId, nowSeconds, body) };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string {
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  const value = Array.isArray(found) ? found[0] : found;
  if (value === undefined || value === '') throw new WebhookVerificationError(`${name}: header is missing`);
  return value;
}

/**
 * Checks a received webhook: the timestamp is within the tolerance and one of
 * the space-separated "v1,<signature>" entries matches the body. Returns the
 * webhook id (receivers use it to drop repeats); throws WebhookVerificationError otherwise.
 */
export function verify(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): string {
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!/^\d{1,12}$/.test(timestampText)) throw new WebhookVerificationError('webhook-timestamp: must be unix seconds');
  const timestamp = Number(timestampText);
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - timestamp) > tolerance) throw new WebhookVerificationError(`webhook-timestamp: more than ${tolerance} s from now`);
  const expected = Buffer.from(sign(secret, id, timestamp, body).slice('v1,'.length), 'base64');
  const matches = signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new WebhookVerificationError('webhook-signature: no v1 signature matches the body');
  return id;
}
