// Who may call /v1: a bearer token of one of the API keys (API_KEYS,
// API_KEYS_FILE, API_TOKENS), or the same token in the HttpOnly session cookie
// (for <video src>, <audio src> and EventSource, which cannot send headers).
// Tokens are compared by their SHA-256 digests with timingSafeEqual, against
// every configured key, so neither a token's content nor its length nor which
// key matched shows in the timing. What the key's role may do is
// ./permissions.ts; `requirePermission` enforces it per route.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors';
import { forbiddenMessage, roleAllows, routePermission, type ApiKey } from './permissions';

export const SESSION_COOKIE = 'vidu_api_token';

/** A key as the server knows it once a request has shown its token: name and role, never the token. */
export type SignedInKey = Pick<ApiKey, 'name' | 'role'>;

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

/** Where a request's token comes from: the Authorization header wins over the cookie (as in `requestToken`). */
export function credentialSource(request: FastifyRequest): 'header' | 'cookie' | undefined {
  if (request.headers.authorization !== undefined) return 'header';
  return cookieValue(request.headers.cookie, SESSION_COOKIE) !== undefined ? 'cookie' : undefined;
}

/** The token a request carries: the bearer token first, else the session cookie. */
export function requestToken(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  return cookieValue(request.headers.cookie, SESSION_COOKIE);
}

export function isAuthenticated(checker: TokenChecker, request: FastifyRequest): boolean {
  return checker.accepts(requestToken(request));
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The key the request signed in with (set by `requireToken`); undefined before, or without one. */
    apiKey?: SignedInKey;
  }
}

/** An onRequest hook refusing requests without a valid token; it remembers the key as `request.apiKey`. */
export function requireToken(checker: TokenChecker) {
  return async (request: FastifyRequest): Promise<void> => {
    const key = checker.identify(requestToken(request));
    if (key) {
      request.apiKey = key;
      return;
    }
    const hasCredentials = request.headers.authorization !== undefined || cookieValue(request.headers.cookie, SESSION_COOKIE) !== undefined;
    const message = hasCredentials
      ? 'the token is not valid'
      : `send "Authorization: Bearer <token>" or sign in with POST /v1/session to get the ${SESSION_COOKIE} cookie`;
    throw new ApiError(401, 'Unauthorized', message);
  };
}

/**
 * Sets the session cookie; Secure when the request came over https. Behind a TLS-terminating proxy
 * the API itself is reached over http, so that is known only from X-Forwarded-Proto, which fastify
 * believes only with trustProxy (API_TRUST_PROXY=true); without it such a cookie lacks Secure.
 */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', `${SESSION_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/${secure}`);
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
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
