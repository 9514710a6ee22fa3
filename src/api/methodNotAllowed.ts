// 405 Method Not Allowed: a request whose path is a known route but whose
// method none of that path's routes takes is answered 405 with `Allow` listing
// the methods it does take, not 404 (the path exists) nor 400 (fastify would
// otherwise try to read a body for the unknown route first). The routes are
// collected as they are registered into a second router (find-my-way, the
// router fastify itself uses), which matches a concrete path per method.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import Router from 'find-my-way';
import { ApiError, errorBody } from './errors';

export interface AllowedMethods {
  /** The methods some route of this path takes (sorted); empty when no route has the path. */
  of(path: string): string[];
}

/**
 * Watches every route registered on `app` from now on (call it before the routes) and answers
 * 405 with `Allow` for a request no route takes but the path is known. Runs as an onRequest
 * hook of the not-found route, before any body is read or any token checked: which methods a
 * path takes is public (it is the OpenAPI document), so no 401 hides it.
 */
export function answerMethodNotAllowed(app: FastifyInstance): AllowedMethods {
  const router = Router({ ignoreTrailingSlash: false, ignoreDuplicateSlashes: false });
  const methods = new Set<string>();
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      const verb = method.toUpperCase();
      // Two routes may share a method and path across scopes only if fastify refused one already.
      if (router.hasRoute(verb as never, route.url)) continue;
      router.on(verb as never, route.url, () => undefined);
      methods.add(verb);
    }
  });
  const allowed: AllowedMethods = {
    of(path) {
      return [...methods].filter((method) => router.find(method as never, path) !== null).sort();
    },
  };
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0]!;
    const allow = allowed.of(path);
    if (allow.length === 0) return;
    const message = `${request.method} ${path} is not allowed: this path takes ${allow.join(', ')}`;
    return reply
      .code(405)
      .header('allow', allow.join(', '))
      .type('application/json; charset=utf-8')
      .send(errorBody(new ApiError(405, 'MethodNotAllowed', message)));
  });
  return allowed;
}
