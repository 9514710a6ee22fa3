// Cross-site request refusal for cookie sessions. SameSite=Strict keeps the
// cookie away from other sites, but "site" is the registrable domain: a page
// on another port or a sibling subdomain of the same site still gets the
// cookie sent, so its form could POST /v1/ads and spend credits. Requests
// that change something and are authenticated by the cookie must therefore
// come from this very origin. Bearer requests carry their token themselves
// and cannot be forged by a page, so they are not checked.
import type { FastifyRequest } from 'fastify';
import { credentialSource } from './auth';
import { ApiError } from './errors';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** scheme://host[:port] the request was addressed to (through a trusted proxy: what it forwarded). */
export function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`.toLowerCase();
}

/** Why a cookie-authenticated request must be refused, or undefined when it may go on. */
export function crossSiteRefusal(request: FastifyRequest): string | undefined {
  if (!UNSAFE_METHODS.has(request.method) || credentialSource(request) !== 'cookie') return undefined;
  // Every current browser sends Sec-Fetch-Site; it is the precise answer (and cannot be set by a page).
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite !== undefined) {
    return fetchSite === 'same-origin' ? undefined : `Sec-Fetch-Site is "${String(fetchSite)}", not "same-origin"`;
  }
  // Older browsers: the Origin header, which they send on every cross-origin (and same-origin fetch) POST.
  const origin = request.headers.origin;
  if (origin === undefined) return 'a request signed in by the session cookie must come from this origin (no Sec-Fetch-Site or Origin header)';
  const own = ownOrigin(request);
  return origin.toLowerCase() === own ? undefined : `Origin ${origin} is not ${own}`;
}

/** An onRequest hook (after the token check) refusing cross-site requests that ride on the session cookie. */
export async function refuseCrossSiteCookieRequests(request: FastifyRequest): Promise<void> {
  const refusal = crossSiteRefusal(request);
  if (refusal !== undefined) throw new ApiError(403, 'Forbidden', `cross-site request refused: ${refusal}`);
}
