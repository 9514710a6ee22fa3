// The HTTP API server: fastify with zod schemas (validation, responses and
// /openapi.json from the same schemas), bearer-token or cookie auth on /v1,
// and the starter library behind every route, so the API behaves as the
// TypeScript callers do. `buildApiServer` makes the app (tests use it as it
// is); `startApiServer` also listens and answers how to stop it.
import { createHash } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync, type FastifyPluginCallback, type FastifyRequest, type RouteOptions } from 'fastify';
import { z } from 'zod';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { pageTokenSealer } from './adListing';
import { createTokenChecker, keyOfRequest, keysFromTokens, requirePermission, requireToken, SESSION_COOKIE, type Authenticator } from './auth';
import type { SignedInKey } from './permissions';
import type { ApiContext } from './context';
import type { CreditCaps } from './creditCaps';
import { refuseCrossSiteCookieRequests } from './crossSiteCheck';
import { ApiError, errorBody, handleError } from './errors';
import { ErrorBodySchema } from './schemas';
import { applyLimits, createFailureLimiter, createStreamSlots, LIMIT_DEFAULTS, type ApiLimits } from './limits';
import { createMemorySessionStore, createSignInCodes, type SessionSettings, type SessionStore, type SignInCodes } from './sessions';
import { answerMethodNotAllowed } from './methodNotAllowed';
import { openApiTransform, openApiTransformObject } from './openapi';
import { MULTIPART_LIMITS } from './multipartAd';
import type { Registry } from 'prom-client';
import { localUrl } from '../http/localUrl';
import { serveMetrics } from '../metrics/metricsServer';
import { registerApiMetrics } from './metrics';
import { adRoutes } from './routes/ads';
import { campaignRoutes } from './routes/campaigns';
import { eventRoutes } from './routes/events';
import { mediaRoutes } from './routes/media';
import { identityOf, PERMISSIONS, ROLES, routePermission, type ApiKey } from './permissions';
import { operatorRequestRoutes } from './routes/operatorRequests';
import { sessionRoutes } from './routes/session';
import { createStatusReader } from './statusReader';
import { createStatusFeed, type StatusFeed } from './statusFeed';

/** A fastify plugin to register after the API's own routes (the review console), with its options. */
export type ExtraPlugin =
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  | FastifyPluginAsync<any>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  | FastifyPluginCallback<any>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  | { plugin: FastifyPluginAsync<any> | FastifyPluginCallback<any>; options?: Record<string, unknown> };

export interface ApiServerDeps {
  client: Client;
  taskQueue: string;
  artifacts: ArtifactStore;
  /** The API keys (name, role, token); with `tokens`, at least one in all. */
  keys?: readonly ApiKey[];
  /** Bare bearer tokens (the older API_TOKENS form): admin keys named token-1, token-2, ... */
  tokens?: readonly string[];
  /** The server's credit caps (API_MAX_CREDITS_PER_AD, API_MAX_CREDITS_PER_CAMPAIGN); none by default. */
  caps?: CreditCaps;
  /** true for fastify's own JSON logger, or a pino-style logger; off by default. */
  logger?: boolean | FastifyBaseLogger;
  plugins?: ExtraPlugin[];
  /** How often an event stream asks the workflow for its status. Default 500 ms. */
  statusPollMs?: number;
  /** Keep-alive comment interval of event streams. Default 15 s. */
  heartbeatMs?: number;
  /**
   * Trust X-Forwarded-Proto/-Host/-For from a reverse proxy in front (API_TRUST_PROXY). Then a
   * request that reached the proxy over https sets the cookie with Secure, and the cross-site check
   * compares Origin with the address the browser used. Off by default: without a proxy those
   * headers come from the client and must not be believed.
   */
  trustProxy?: boolean;
  /** Deadline of one Temporal read (status query, listing, describe). Default 10 s. Updates have none: an edit waits for Vidu. */
  temporalReadTimeoutMs?: number;
  /** Console sessions: idle and absolute expiry (API_SESSION_IDLE_MS, API_SESSION_MAX_MS), or another store. */
  sessions?: SessionSettings & { store?: SessionStore; signInCodeTtlMs?: number };
  /** Sign-in failure limit, request deadline, stream and upload caps (./limits.ts); LIMIT_DEFAULTS for those not given. */
  limits?: Partial<ApiLimits>;
  /** Add Node's process metrics (heap, CPU, event loop): for the service, not for the many APIs of a test process. */
  processMetrics?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** True when the request carries a valid token or session cookie; for plugins such as the console. A wrong token counts as a failed sign-in. */
    isAuthenticated(request: FastifyRequest): Promise<boolean>;
    /** The key the request is signed in as (bearer token or session cookie), or undefined; a wrong token counts as a failed sign-in. */
    keyOf(request: FastifyRequest): Promise<SignedInKey | undefined>;
    /** One-time sign-in codes (`issue` one for a key: the demo's sign-in link), exchanged at POST /v1/session. */
    signInCodes: SignInCodes;
    /** The console sessions. */
    sessions: SessionStore;
    /** The pollers behind the event streams (how many ads are followed, for tests and metrics). */
    statusFeed: StatusFeed;
    /** The API's request counts, served by startApiServer on a listener of its own. */
    metricsRegistry: Registry;
  }
}

/** Longest path parameter fastify matches: above every bound (a media path's 1024 characters) so the schemas decide. */
const MAX_PARAM_LENGTH = 4096;

export async function buildApiServer(deps: ApiServerDeps): Promise<FastifyInstance> {
  const allKeys = [...(deps.keys ?? []), ...keysFromTokens(deps.tokens ?? [])];
  const checker = createTokenChecker(allKeys);
  const logging = typeof deps.logger === 'object' ? { loggerInstance: deps.logger } : { logger: deps.logger ?? false };
  const limits: ApiLimits = { ...LIMIT_DEFAULTS, ...deps.limits };
  // Every request is answered within requestTimeoutMs (503), its body received within it too (408); open event streams are exempt.
  const timeouts = { handlerTimeout: limits.requestTimeoutMs, requestTimeout: limits.requestTimeoutMs };
  // maxParamLength: fastify's default (100) answered 414 for ad ids of 101-128 characters, which the
  // schemas allow; past this, the params' own schemas refuse with a 400 naming the field.
  const app = Fastify({ ...logging, ...timeouts, trustProxy: deps.trustProxy ?? false, routerOptions: { maxParamLength: MAX_PARAM_LENGTH } }).withTypeProvider<ZodTypeProvider>();
  app.decorate('metricsRegistry', registerApiMetrics(app, { processMetrics: deps.processMetrics }));
  // Before any route: it learns every route's methods as they are registered.
  answerMethodNotAllowed(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody(new ApiError(404, 'NotFound', `no route ${request.method} ${request.url.split('?')[0]}`)));
  });
  // An empty JSON body means "no body" (e.g. approve without a request id); anything else goes to fastify's own safe parser.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
    void parseJson(request, body.toString(), done);
  });
  // Only failed sign-ins and bad bearer tokens are counted (see ./limits.ts): no route is limited as such.
  await app.register(fastifyRateLimit, { global: false });
  const sessions = deps.sessions?.store ?? createMemorySessionStore(deps.sessions);
  const auth: Authenticator = { checker, sessions, codes: createSignInCodes(deps.sessions?.signInCodeTtlMs), limiter: createFailureLimiter(app, limits) };
  app.decorate('sessions', sessions);
  app.decorate('signInCodes', auth.codes);
  app.decorate('isAuthenticated', async (request: FastifyRequest) => (await keyOfRequest(auth, request)) !== undefined);
  app.decorate('keyOf', (request: FastifyRequest) => keyOfRequest(auth, request));
  app.addHook('onClose', async () => sessions.close());
  app.addHook('onResponse', async (request, reply) => logChange(request, reply.statusCode));

  const readTimeoutMs = deps.temporalReadTimeoutMs ?? 10_000;
  const read = <T>(fn: () => Promise<T>): Promise<T> => deps.client.withDeadline(Date.now() + readTimeoutMs, fn);
  const statuses = createStatusReader(deps.client);
  const feed = createStatusFeed(statuses, {
    read,
    intervalMs: deps.statusPollMs,
    onError: (adId, err) => app.log.warn({ adId, err }, 'status poll failed; trying again'),
  });
  app.decorate('statusFeed', feed);
  const ctx: ApiContext = {
    client: deps.client,
    taskQueue: deps.taskQueue,
    artifacts: deps.artifacts,
    feed,
    statuses,
    heartbeatMs: deps.heartbeatMs ?? 15_000,
    read,
    streams: new Set(),
    streamSlots: createStreamSlots(limits),
    caps: deps.caps ?? {},
    pageTokens: pageTokenSealer(pageTokenSecret(allKeys)),
  };
  app.addHook('preClose', async () => {
    for (const close of [...ctx.streams]) close();
    feed.close();
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Vidu ad orchestrator API', version: '1.0.0', description: 'Start, follow, review and download video ads. See docs/api.md.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: openApiTransform,
    transformObject: openApiTransformObject,
  });
  await app.register(fastifyMultipart, { limits: MULTIPART_LIMITS });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(sessionRoutes(auth));
  // Every other /v1 route sits behind the token check and the permission table, in one encapsulated scope.
  await app.register(async (v1) => {
    v1.addHook('onRoute', checkRoutePermission);
    v1.addHook('onRoute', applyLimits(limits));
    v1.addHook('onRequest', requireToken(auth));
    v1.addHook('onRequest', refuseCrossSiteCookieRequests);
    v1.addHook('onRequest', requirePermission);
    v1.get('/v1/me', { schema: { summary: 'The key this request signed in with: its name, role and permissions (never the token)', response: { 200: MeSchema, 401: ErrorBodySchema } } }, async (request) =>
      identityOf(request.apiKey!),
    );
    await v1.register(adRoutes(ctx));
    await v1.register(operatorRequestRoutes(ctx));
    await v1.register(campaignRoutes(ctx));
    await v1.register(eventRoutes(ctx));
    await v1.register(mediaRoutes(ctx));
  });
  for (const extra of deps.plugins ?? []) {
    if (typeof extra === 'function') await app.register(extra);
    else await app.register(extra.plugin, extra.options ?? {});
  }
  return app;
}

/**
 * The secret that seals page tokens, derived from the keys' tokens: every API process configured
 * with the same keys reads the others' page tokens, and nobody without a token can make one.
 */
function pageTokenSecret(keys: readonly ApiKey[]): Buffer {
  const hash = createHash('sha256').update('vidu-api page tokens');
  for (const token of keys.map((key) => key.token).sort()) hash.update('\0').update(token);
  return hash.digest();
}

const MeSchema = z.object({ name: z.string(), role: z.enum(ROLES), permissions: z.array(z.enum(PERMISSIONS)) });

/**
 * An onRoute hook of the /v1 scope: every route must have its line in the permission table (a
 * route without one would be refused to everyone, so it is a mistake to find at start-up), and
 * its OpenAPI answers declare the 403 a key without that permission gets.
 */
function checkRoutePermission(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  for (const method of methods) {
    const permission = routePermission(method, route.url);
    if (permission === undefined) throw new Error(`${method} ${route.url} has no line in the permission table (src/api/permissions.ts)`);
    if (permission === 'signed-in') continue;
    const schema = (route.schema ??= {}) as { response?: Record<string | number, unknown> };
    schema.response = { ...schema.response, 403: ErrorBodySchema };
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The id a request names, from its path or (starting one) its body; bounded, never the body itself. */
function namedId(request: FastifyRequest, field: 'adId' | 'campaignId'): string | undefined {
  const fromParams = (request.params as Record<string, unknown> | undefined)?.[field];
  const fromBody = request.body !== null && typeof request.body === 'object' ? (request.body as Record<string, unknown>)[field] : undefined;
  const id = typeof fromParams === 'string' ? fromParams : fromBody;
  return typeof id === 'string' ? id.slice(0, 128) : undefined;
}

/**
 * One JSON log line for every request under /v1 that may change something (any method but GET,
 * HEAD and OPTIONS), whatever its outcome: the key's name and role (none when the token was not
 * valid), the route, the ad or campaign it names and the status code. Never the token or the body.
 */
function logChange(request: FastifyRequest, statusCode: number): void {
  const url = request.routeOptions.url ?? request.url.split('?')[0]!;
  if (READ_METHODS.has(request.method) || !url.startsWith('/v1/')) return;
  const key = request.apiKey;
  const adId = namedId(request, 'adId');
  const campaignId = namedId(request, 'campaignId');
  request.log.info(
    {
      audit: {
        key: key?.name ?? null,
        role: key?.role ?? null,
        route: `${request.method} ${url}`,
        ...(adId !== undefined && { adId }),
        ...(campaignId !== undefined && { campaignId }),
        statusCode,
      },
    },
    `${key ? `key "${key.name}"` : 'no valid key'}: ${request.method} ${url} answered ${statusCode}`,
  );
}

export interface ApiServerOptions extends ApiServerDeps {
  host: string;
  port: number;
  /** Where /metrics listens (API_METRICS_HOST, API_METRICS_PORT); undefined: not served. */
  metrics?: { host: string; port: number };
}

export interface RunningApiServer {
  /** Base URL, e.g. http://127.0.0.1:8090 */
  url: string;
  /** The metrics listener's URL, e.g. http://127.0.0.1:9467/metrics, when it was asked for. */
  metricsUrl: string | undefined;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const app = await buildApiServer(options);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const metrics = options.metrics ? await serveMetrics(app.metricsRegistry, options.metrics.host, options.metrics.port).catch(async (err: unknown) => {
    await app.close();
    throw err;
  }) : undefined;
  return {
    url: localUrl(options.host, port),
    metricsUrl: metrics && `${localUrl(options.metrics!.host, metrics.port)}/metrics`,
    app,
    close: async () => {
      await metrics?.close();
      await app.close();
    },
  };
}
