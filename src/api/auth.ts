// Who may call /v1: a bearer token of one of the API keys (API_KEYS,
// API_KEYS_FILE, API_TOKENS), or the HttpOnly session cookie (for <video src>,
// <audio src> and EventSource, which cannot send headers). The cookie holds an
// opaque session id (./sessions.ts), never a token. Tokens are compared by
// their SHA-256 digests with timingSafeEqual, against every configured key, so
// neither a token's content nor its length nor which key matched shows in the
// timing. Failed token checks are counted per client address, and an address
// past the limit is refused before its token is looked at (./limits.ts). What
// the key's role may do is ./permissions.ts; `requirePermission` enforces it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors';
import { forbiddenMessage, roleAllows, routePermission, type ApiKey, type SignedInKey } from './permissions';
import type { SessionStore, SignInCodes } from './sessions';

/** The session cookie: an opaque session id. */
export const SESSION_COOKIE = 'vidu_session';
/** The cookie older versions set, which held the API token itself: ignored, and cleared at sign-in and sign-out. */
export const LEGACY_TOKEN_COOKIE = 'vidu_api_token';

export interface TokenChecker {
  /** The key whose token `candidate` is; undefined when it is none of them. */
  identify(candidate: string | undefined): SignedInKey | undefined;
  /** True when `candidate` is one of the configured tokens. */
  accepts(candidate: string | undefined): boolean;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The bare tokens of API_TOKENS as admin keys token-1, token-2, ... (the older form). */
export function keysFromTokens(tokens: readonly string[]): ApiKey[] {
  return tokens.map((token, index) => ({ name: `token-${index + 1}`, role: 'admin', token }));
}

export function createTokenChecker(keys: readonly ApiKey[]): TokenChecker {
  if (keys.length === 0) throw new Error('keys: the API needs at least one key');
  const known = keys.map((key) => ({ digest: digest(key.token), key: { name: key.name, role: key.role } }));
  const identify = (candidate: string | undefined): SignedInKey | undefined => {
    if (typeof candidate !== 'string' || candidate === '') return undefined;
    const given = digest(candidate);
    let matched: SignedInKey | undefined;
    // Every key is compared, whichever matches.
    for (const entry of known) if (timingSafeEqual(given, entry.digest)) matched ??= entry.key;
    return matched;
  };
  return { identify, accepts: (candidate) => identify(candidate) !== undefined };
}

/** One cookie's value from a Cookie header; undefined when absent. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0 || pair.slice(0, at).trim() !== name) continue;
    const raw = pair.slice(at + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/** Where a request's credentials come from: the Authorization header wins over the cookie. */
export function credentialSource(request: FastifyRequest): 'header' | 'cookie' | undefined {
  if (request.headers.authorization !== undefined) return 'header';
  return cookieValue(request.headers.cookie, SESSION_COOKIE) !== undefined ? 'cookie' : undefined;
}

/** The bearer token of the Authorization header (undefined without one, or when it is not `Bearer <token>`). */
export function bearerToken(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization === undefined) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
}

/** The session id the cookie carries, if any. */
export function sessionId(request: FastifyRequest): string | undefined {
  return cookieValue(request.headers.cookie, SESSION_COOKIE);
}

/**
 * Counts failed credential checks per client address (sign-ins with a wrong token or code, bearer
 * requests with a wrong token). Only failures count; an address past the limit is refused with 429
 * before its credentials are checked, so a guess that happens to be right is refused too.
 */
export interface FailureLimiter {
  /** Seconds until this request's address may try again; undefined while it may. */
  blockedFor(request: FastifyRequest): Promise<number | undefined>;
  /** Counts one failed attempt of this request's address. */
  failed(request: FastifyRequest): Promise<void>;
}

/** No limit (embedding without the rate-limit plugin, unit tests). */
export const NO_FAILURE_LIMIT: FailureLimiter = { blockedFor: async () => undefined, failed: async () => undefined };

export function tooManyFailures(retryAfterSeconds: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError(429, 'TooManyRequests', `too many failed sign-ins or bad tokens from this address; try again in ${seconds} s`, undefined, {
    'retry-after': String(seconds),
  });
}

/** Everything the API knows about who is calling: the keys, the sessions, the sign-in codes and the failure limit. */
export interface Authenticator {
  checker: TokenChecker;
  sessions: SessionStore;
  codes: SignInCodes;
  limiter: FailureLimiter;
}

/**
 * The key a request is signed in as: the bearer token when there is an Authorization header, else
 * the session cookie (`app.keyOf`, the console pages' check). A bearer token goes through the same
 * failure limit as on /v1: a wrong one counts, and from an address past the limit none is accepted,
 * so no route answers whether a guessed token is right.
 */
export async function keyOfRequest(auth: Authenticator, request: FastifyRequest): Promise<SignedInKey | undefined> {
  if (request.headers.authorization === undefined) return auth.sessions.get(sessionId(request));
  if ((await auth.limiter.blockedFor(request)) !== undefined) return undefined;
  const key = auth.checker.identify(bearerToken(request));
  if (!key) await auth.limiter.failed(request);
  return key;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The key the request signed in with (set by `requireToken`); undefined before, or without one. */
    apiKey?: SignedInKey;
  }
}

/**
 * An onRequest hook refusing requests without a valid bearer token or live session; it remembers
 * the key as `request.apiKey`. A wrong bearer token counts as a failure of the client's address;
 * an unknown or expired session does not (a browser coming back after the session ended is no
 * attack, and a session id cannot be guessed), it is told to sign in again.
 */
export function requireToken(auth: Authenticator) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.headers.authorization !== undefined) {
      const wait = await auth.limiter.blockedFor(request);
      if (wait !== undefined) throw tooManyFailures(wait);
      const key = auth.checker.identify(bearerToken(request));
      if (key) {
        request.apiKey = key;
        return;
      }
      await auth.limiter.failed(request);
      throw new ApiError(401, 'Unauthorized', 'the token is not valid');
    }
    const id = sessionId(request);
    const key = auth.sessions.get(id);
    if (key) {
      request.apiKey = key;
      return;
    }
    const message =
      id !== undefined
        ? 'the session has ended (signed out or expired): sign in again with POST /v1/session'
        : `send "Authorization: Bearer <token>" or sign in with POST /v1/session to get the ${SESSION_COOKIE} cookie`;
    throw new ApiError(401, 'Unauthorized', message);
  };
}

/** The cookie attributes every session cookie gets: HttpOnly, SameSite=Strict, the whole site. */
const COOKIE_ATTRIBUTES = 'HttpOnly; SameSite=Strict; Path=/';

/**
 * Sets the session cookie to the session's id; Secure when the request came over https. Behind a
 * TLS-terminating proxy the API itself is reached over http, so that is known only from
 * X-Forwarded-Proto, which fastify believes only with trustProxy (API_TRUST_PROXY=true); without it
 * such a cookie lacks Secure. The cookie of older versions (which held the token) is cleared.
 */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, id: string): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', [`${SESSION_COOKIE}=${encodeURIComponent(id)}; ${COOKIE_ATTRIBUTES}${secure}`, `${LEGACY_TOKEN_COOKIE}=; ${COOKIE_ATTRIBUTES}; Max-Age=0`]);
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.header('set-cookie', [`${SESSION_COOKIE}=; ${COOKIE_ATTRIBUTES}; Max-Age=0`, `${LEGACY_TOKEN_COOKIE}=; ${COOKIE_ATTRIBUTES}; Max-Age=0`]);
}

/**
 * An onRequest hook (after `requireToken`) refusing a request its key's role does not allow: 403
 * naming the key, its role and the permission. A route the permission table does not know is
 * refused too (the server also refuses to register one, see `checkRoutePermission`).
 */
export async function requirePermission(request: FastifyRequest): Promise<void> {
  const key = request.apiKey;
  if (!key) throw new ApiError(401, 'Unauthorized', 'the token is not valid');
  const permission = routePermission(request.method, request.routeOptions.url ?? '');
  if (permission === undefined) throw new ApiError(403, 'Forbidden', `key "${key.name}" (role ${key.role}): no permission covers ${request.method} ${request.routeOptions.url}`);
  if (!roleAllows(key.role, permission)) throw new ApiError(403, 'Forbidden', forbiddenMessage(key, permission as Exclude<typeof permission, 'signed-in'>));
}
