// POST /v1/session signs in: a key's token, or a one-time sign-in code (the
// demo's link), becomes a session kept by the API, and the HttpOnly cookie gets
// the session's opaque id (for <video>, <audio> and EventSource, which cannot
// send headers). DELETE ends the session on the server and clears the cookie.
// Failed sign-ins count against the client address's limit (../limits.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clearSessionCookie, sessionId, setSessionCookie, type Authenticator } from '../auth';
import { ApiError } from '../errors';
import { refuseBlockedAddress } from '../limits';
import { ErrorBodySchema } from '../schemas';

/** A token (as in the keys' rules) or a sign-in code (43 base64url characters), not both. */
export const SignInBodySchema = z
  .strictObject({
    token: z.string({ error: 'must be text: one of the API tokens' }).min(1, { error: 'must not be empty' }).max(256, { error: 'must be at most 256 characters' }).optional(),
    code: z
      .string({ error: 'must be text: a one-time sign-in code' })
      .regex(/^[A-Za-z0-9_-]{43}$/, { error: 'must be a sign-in code: 43 letters, digits, "-" or "_"' })
      .optional(),
  })
  .refine((body) => (body.token === undefined) !== (body.code === undefined), { error: 'give either token (an API token) or code (a one-time sign-in code)', path: ['token'] })
  // The refinement in the document's words: exactly one of the two.
  .meta({ oneOf: [{ required: ['token'] }, { required: ['code'] }] });

export function sessionRoutes(auth: Authenticator): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/session',
      {
        schema: {
          summary: 'Sign in with a token or a one-time sign-in code: starts a session and sets the vidu_session cookie (HttpOnly, SameSite=Strict)',
          security: [],
          body: SignInBodySchema,
          response: { 204: z.undefined(), 400: ErrorBodySchema, 401: ErrorBodySchema, 429: ErrorBodySchema, 503: ErrorBodySchema },
        },
        // Before the body is read: an address past the limit is not even parsed.
        onRequest: async (request) => refuseBlockedAddress(auth.limiter, request),
      },
      async (request, reply) => {
        const { token, code } = request.body;
        const key = token !== undefined ? auth.checker.identify(token) : auth.codes.redeem(code);
        if (!key) {
          await auth.limiter.failed(request);
          throw new ApiError(401, 'Unauthorized', token !== undefined ? 'the token is not valid' : 'the sign-in code is not valid: it was used already, has expired or was never issued');
        }
        // Named in the request's log line (never the token).
        request.apiKey = key;
        // A session the browser had before is ended, not left behind.
        auth.sessions.end(sessionId(request));
        setSessionCookie(request, reply, auth.sessions.create(key));
        return reply.code(204).send();
      },
    );
    app.delete(
      '/v1/session',
      { schema: { summary: 'Sign out: ends the session on the server and clears the cookie', security: [], response: { 204: z.undefined(), 503: ErrorBodySchema } } },
      async (request, reply) => {
        const id = sessionId(request);
        const key = auth.sessions.get(id);
        if (key) request.apiKey = key;
        auth.sessions.end(id);
        clearSessionCookie(reply);
        return reply.code(204).send();
      },
    );
  };
}
