// POST /v1/session turns a token into the HttpOnly session cookie (for
// <video>, <audio> and EventSource, which cannot send headers); DELETE clears it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clearSessionCookie, setSessionCookie, type TokenChecker } from '../auth';
import { ApiError } from '../errors';
import { ErrorBodySchema, SessionBodySchema } from '../schemas';

export function sessionRoutes(checker: TokenChecker): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/session',
      {
        schema: {
          summary: 'Sign in: sets the vidu_api_token cookie (HttpOnly, SameSite=Strict)',
          security: [],
          body: SessionBodySchema,
          response: { 204: z.undefined(), 400: ErrorBodySchema, 401: ErrorBodySchema },
        },
      },
      async (request, reply) => {
        const key = checker.identify(request.body.token);
        if (!key) throw new ApiError(401, 'Unauthorized', 'the token is not valid');
        // Named in the request's log line (never the token).
        request.apiKey = key;
        setSessionCookie(request, reply, request.body.token);
        return reply.code(204).send();
      },
    );
    app.delete('/v1/session', { schema: { summary: 'Sign out: clears the cookie', security: [], response: { 204: z.undefined() } } }, async (_request, reply) => {
      clearSessionCookie(reply);
      return reply.code(204).send();
    });
  };
}
