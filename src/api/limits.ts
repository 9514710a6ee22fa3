// What keeps one caller from wearing the API down: failed sign-ins and bad
// bearer tokens limited per client address (@fastify/rate-limit, counting
// failures only), a deadline on every request (fastify's handlerTimeout and
// requestTimeout), and caps on what holds memory or a socket for long:
// concurrent event streams (per key and in total) and concurrent large bodies
// (uploads). Past a cap the answer is 429 (this key's own streams) or 503 (the
// server's), with Retry-After, never an out-of-memory crash.
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { tooManyFailures, type FailureLimiter } from './auth';
import { ApiError } from './errors';
import { ErrorBodySchema } from './schemas';

export interface ApiLimits {
  /** Failed sign-ins and bad bearer tokens one address may make per window (API_AUTH_FAILURE_LIMIT). */
  authFailureLimit: number;
  /** The window of that count, from the first failure (API_AUTH_FAILURE_WINDOW_MS). */
  authFailureWindowMs: number;
  /** The longest a request may take to be answered, body included (API_REQUEST_TIMEOUT_MS); event streams are exempt once open. */
  requestTimeoutMs: number;
  /** Media downloads may stream this long (a large video to a slow client). */
  mediaTimeoutMs: number;
  /** Open event streams per key (API_MAX_STREAMS_PER_KEY). */
  maxStreamsPerKey: number;
  /** Open event streams in all (API_MAX_STREAMS). */
  maxStreams: number;
  /** Requests with a large body (over LARGE_BODY_BYTES, or of unknown length) handled at once (API_MAX_LARGE_BODIES). */
  maxLargeBodies: number;
}

export const LIMIT_DEFAULTS: ApiLimits = {
  authFailureLimit: 20,
  authFailureWindowMs: 5 * 60_000,
  requestTimeoutMs: 120_000,
  mediaTimeoutMs: 30 * 60_000,
  maxStreamsPerKey: 50,
  maxStreams: 500,
  maxLargeBodies: 4,
};

/** A body above this (fastify's default bodyLimit, what every route but POST /v1/ads takes) is a large one. */
export const LARGE_BODY_BYTES = 1024 * 1024;

/** How long a client is told to wait when a stream or upload cap is full. */
const RETRY_AFTER_SECONDS = 10;

/**
 * Failed credential checks per client address, in the rate-limit plugin's store (its key: the
 * client's address, `request.ip`, which follows X-Forwarded-For only with API_TRUST_PROXY). A peek
 * (`increment: false`) decides before the check, a failure alone is counted after it.
 */
export function createFailureLimiter(app: FastifyInstance, limits: Pick<ApiLimits, 'authFailureLimit' | 'authFailureWindowMs'>): FailureLimiter {
  const check = app.createRateLimit({ max: limits.authFailureLimit, timeWindow: limits.authFailureWindowMs });
  return {
    async blockedFor(request) {
      const status = await check(request, { increment: false });
      return !status.isAllowed && status.remaining === 0 ? status.ttlInSeconds : undefined;
    },
    async failed(request) {
      await check(request);
    },
  };
}

/** Refuses a request past the sign-in limit, before its credentials are looked at. */
export async function refuseBlockedAddress(limiter: FailureLimiter, request: FastifyRequest): Promise<void> {
  const wait = await limiter.blockedFor(request);
  if (wait !== undefined) throw tooManyFailures(wait);
}

/** The open event streams, per key and in all. */
export interface StreamSlots {
  /** Takes a slot for `keyName`'s new stream (answers how to give it back), or throws 429/503 past a cap. */
  acquire(keyName: string): () => void;
  open(): number;
}

export function createStreamSlots(limits: Pick<ApiLimits, 'maxStreamsPerKey' | 'maxStreams'>): StreamSlots {
  const perKey = new Map<string, number>();
  let total = 0;
  return {
    acquire(keyName) {
      const own = perKey.get(keyName) ?? 0;
      const retry = { 'retry-after': String(RETRY_AFTER_SECONDS) };
      if (own >= limits.maxStreamsPerKey) {
        throw new ApiError(429, 'TooManyRequests', `key "${keyName}" has ${own} event streams open, the most one key may have (API_MAX_STREAMS_PER_KEY=${limits.maxStreamsPerKey}); close one first`, undefined, retry);
      }
      if (total >= limits.maxStreams) {
        throw new ApiError(503, 'ServiceUnavailable', `the server has ${total} event streams open, the most it serves (API_MAX_STREAMS=${limits.maxStreams}); try again later`, undefined, retry);
      }
      perKey.set(keyName, own + 1);
      total += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total -= 1;
        const left = (perKey.get(keyName) ?? 1) - 1;
        if (left > 0) perKey.set(keyName, left);
        else perKey.delete(keyName);
      };
    },
    open: () => total,
  };
}

/** True when a request's body may be large: declared over LARGE_BODY_BYTES, or sent without a length (chunked). */
function mayBeLarge(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  if (length === undefined) return request.headers['transfer-encoding'] !== undefined;
  const bytes = Number(length);
  return !Number.isFinite(bytes) || bytes > LARGE_BODY_BYTES;
}

/**
 * The large-body gate: on every route that takes bodies above LARGE_BODY_BYTES (its bodyLimit says
 * so: POST /v1/ads, JSON or multipart), at most `maxLargeBodies` such requests are read and handled
 * at once; one more is refused with 503 and Retry-After before its body is read. The slot is held
 * until the answer has gone (the images are decoded and stored after the body is read).
 */
export function largeBodyGate(limits: Pick<ApiLimits, 'maxLargeBodies'>) {
  let busy = 0;
  const held = new WeakSet<FastifyRequest>();
  const release = async (request: FastifyRequest) => {
    if (!held.has(request)) return;
    held.delete(request);
    busy -= 1;
  };
  return {
    busy: () => busy,
    onRoute(route: RouteOptions): void {
      if (!(typeof route.bodyLimit === 'number' && route.bodyLimit > LARGE_BODY_BYTES)) return;
      const gate = async (request: FastifyRequest) => {
        if (!mayBeLarge(request)) return;
        if (busy >= limits.maxLargeBodies) {
          throw new ApiError(503, 'ServiceUnavailable', `the server is reading ${busy} large request bodies, the most it takes at once (API_MAX_LARGE_BODIES=${limits.maxLargeBodies}); try again shortly`, undefined, {
            'retry-after': String(RETRY_AFTER_SECONDS),
            // The unread body is not drained: the connection closes after this answer.
            connection: 'close',
          });
        }
        busy += 1;
        held.add(request);
      };
      route.onRequest = [...asArray(route.onRequest), gate];
      route.onResponse = [...asArray(route.onResponse), release];
      route.onRequestAbort = [...asArray(route.onRequestAbort), release];
      declareAnswers(route, [503]);
    },
  };
}

/**
 * An onRoute hook of the /v1 scope: every route may answer 429 (an address past the sign-in
 * failure limit) and 503 (not answered within the request timeout); media downloads may stream for
 * longer than other answers take; routes that take large bodies go through the large-body gate.
 */
export function applyLimits(limits: ApiLimits): (route: RouteOptions) => void {
  const gate = largeBodyGate(limits);
  return (route) => {
    declareAnswers(route, [429, 503]);
    if (route.url === '/v1/ads/:adId/media/*') route.handlerTimeout = Math.max(limits.mediaTimeoutMs, limits.requestTimeoutMs);
    gate.onRoute(route);
  };
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Adds error answers to a route's declared responses (for the OpenAPI document). */
export function declareAnswers(route: RouteOptions, statuses: number[]): void {
  const schema = (route.schema ??= {}) as { response?: Record<string | number, unknown>; hide?: boolean };
  if (schema.hide) return;
  const added = Object.fromEntries(statuses.map((status) => [status, ErrorBodySchema]));
  schema.response = { ...added, ...schema.response };
}
