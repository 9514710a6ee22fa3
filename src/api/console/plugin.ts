// The review console: a few plain HTML pages with one small ES module each,
// served by the API's own fastify server. The pages hold no data: their
// scripts read everything from the /v1 API with the session cookie, so this
// plugin only serves files (the pages put together by pages.ts). Pages
// without a session find out from the API's 401 and go to /login themselves.
import path from 'node:path';
import fastifyStatic from '@fastify/static';
// For its FastifySchema.hide: the console's routes stay out of /openapi.json.
import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { pageHtml, PAGES } from './pages';

const PUBLIC_DIR = path.join(__dirname, 'public');

/**
 * The pages load only their own scripts, styles and media: with every text
 * from the API rendered through DOM text nodes this is a second line against
 * script injection through prompts or ad ids.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(reply: FastifyReply): void {
  reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'same-origin');
}

/**
 * The API server's token check, when it offers one (`app.isAuthenticated`):
 * then a page asked for without a session goes to /login at once instead of
 * loading and finding out from its first API call.
 */
function sessionCheck(app: FastifyInstance): ((request: FastifyRequest) => Promise<boolean>) | undefined {
  if (!app.hasDecorator('isAuthenticated')) return undefined;
  const check = (app as unknown as { isAuthenticated: (request: FastifyRequest) => boolean | Promise<boolean> }).isAuthenticated;
  return async (request) => check.call(app, request);
}

export const consolePlugin: FastifyPluginAsync = async (app) => {
  const hasSession = sessionCheck(app);
  // Read once at start-up: the pages are small and a missing one should fail the server's start, not a request.
  const pages = await Promise.all(PAGES.map(async (page) => ({ route: page.route, html: await pageHtml(page, PUBLIC_DIR) })));
  for (const { route, html } of pages) {
    app.get(route, { schema: { hide: true } }, async (request, reply) => {
      securityHeaders(reply);
      if (route !== '/login' && hasSession && !(await hasSession(request))) {
        return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      }
      // The HTML is the same for every ad; no-cache keeps a redeployed console from mixing old pages with new scripts.
      return reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(html);
    });
  }

  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/console/',
    // The API server may register @fastify/static for itself; this copy must not claim reply.sendFile too.
    decorateReply: false,
    schemaHide: true,
    index: false,
    list: false,
    dotfiles: 'deny',
    cacheControl: false,
    setHeaders: (reply) => {
      reply.setHeader('Cache-Control', 'no-cache');
      reply.setHeader('X-Content-Type-Options', 'nosniff');
    },
  });
};

export default consolePlugin;
