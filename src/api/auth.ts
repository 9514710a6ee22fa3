// Who may call /v1: a bearer token from API_TOKENS, or the same token in the
// HttpOnly session cookie (for <video src>, <audio src> and EventSource, which
// cannot send headers). Tokens are compared by their SHA-256 digests with
// timingSafeEqual, against every configured token, so neither a token's
// content nor its length nor which token matched shows in the timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors';

export const SESSION_COOKIE = 'vidu_api_token';

export interface TokenChecker {
  /** True when `candidate` is one of the configured tokens. */
  accepts(candidate: string | undefined): boolean;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function createTokenChecker(tokens: readonly string[]): TokenChecker {
  if (tokens.length === 0) throw new Error('tokens: the API needs at least one token');
  const digests = tokens.map(digest);
  return {
    accepts(candidate) {
      if (typeof candidate !== 'string' || candidate === '') return false;
      const given = digest(candidate);
      let matched = false;
      for (const known of digests) matched = timingSafeEqual(given, known) || matched;
      return matched;
    },
  };
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

/** An onRequest hook refusing requests without a valid token. */
export function requireToken(checker: TokenChecker) {
  return async (request: FastifyRequest): Promise<void> => {
    if (isAuthenticated(checker, request)) return;
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
