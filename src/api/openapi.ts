// How /openapi.json is generated: @fastify/swagger walks the routes and
// fastify-type-provider-zod turns each route's zod schemas (the ones that
// validate its params, query and body and shape its answers) into JSON Schema.
// This transform adds what a route answers without saying so in its own
// schema, so that every status code and content type the API can answer is
// declared:
// - the refusals fastify and the /v1 hooks make before a handler runs: 400 (an
//   input that fails its schema, a body that is not JSON), 401 (no valid token),
//   403 (the key's role, or a cross-site cookie request), 413 (a body over the
//   route's limit), 415 (a body type the route does not take);
// - every error is the one JSON error body, whatever the route's own content
//   type (an event stream's 404 is JSON, not text/event-stream);
// - a route that answers a stream or a file declares its 2xx in its own types.
import type { RouteOptions } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { ErrorBodySchema } from './schemas';

/** What each status means, as the document's response descriptions. */
export const STATUS_DESCRIPTIONS: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No content',
  206: 'Partial content (a Range request)',
  304: 'Not modified (If-None-Match names this version)',
  400: 'Bad request: the message names every field and its rule; `field` is the first',
  401: 'No valid token (Authorization: Bearer, or the session cookie)',
  403: "The key's role lacks the route's permission, or a cookie-authenticated change came from another origin",
  404: 'No such ad, campaign or file',
  409: 'Not in a stage that takes this request, or past the credit budget',
  413: "The body is larger than the route's limit",
  415: 'The body has a content type the route does not take',
  416: "The Range starts past the file's end",
  422: "The workflow's validator refused the content, or a budget is above the server's cap",
  503: 'Temporal is unreachable or did not answer in time; try again',
};

/** Methods whose requests may carry a body fastify parses (and so may refuse as 400, 413 or 415). */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Successful answers of routes that stream files, beyond 200: the media route's ranges and revalidation. */
const EXTRA_SUCCESSES: Readonly<Record<string, readonly number[]>> = {
  '/v1/ads/:adId/media/*': [206, 304],
};

type RouteSchema = {
  params?: unknown;
  querystring?: unknown;
  body?: unknown;
  produces?: readonly string[];
  response?: Record<string | number, unknown>;
  hide?: boolean;
};

function methodsOf(route: RouteOptions): string[] {
  return (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase());
}

/** The refusals a route can answer before (or besides) its handler, from how it is declared. */
export function implicitRefusals(route: Pick<RouteOptions, 'method' | 'url' | 'schema'>): number[] {
  const schema = (route.schema ?? {}) as RouteSchema;
  const methods = methodsOf(route as RouteOptions);
  const codes = new Set<number>();
  const takesBody = methods.some((m) => BODY_METHODS.has(m));
  if (schema.params || schema.querystring || schema.body || takesBody) codes.add(400);
  if (takesBody) {
    codes.add(413);
    codes.add(415);
  }
  const behindToken = route.url.startsWith('/v1/') && route.url !== '/v1/session';
  if (behindToken) codes.add(401);
  // A cookie-authenticated change from another origin (src/api/crossSiteCheck.ts).
  if (behindToken && takesBody) codes.add(403);
  return [...codes];
}

const binary = { type: 'string', format: 'binary' };

/** One server-sent event as a client reads it: `status` with the AdStatus JSON, then `end`. */
const SERVER_SENT_EVENT = {
  type: 'object',
  properties: {
    event: { type: 'string', enum: ['status', 'end'] },
    data: { type: 'string', description: 'status: the AdStatus as JSON; end: {"reason": ...}' },
  },
  required: ['event', 'data'],
};

/** Marks an operation whose body may be left out (approve, cancel): fastify-swagger would call every body required. */
const OPTIONAL_BODY = 'x-optional-body';

function schemaOfType(type: string): unknown {
  if (type === 'text/event-stream') return SERVER_SENT_EVENT;
  return type.startsWith('text/') ? { type: 'string' } : binary;
}

/** The transform given to @fastify/swagger: the zod transform, then every answer declared with its content type. */
export function openApiTransform(input: Parameters<typeof jsonSchemaTransform>[0] & { route?: RouteOptions }): ReturnType<typeof jsonSchemaTransform> {
  const original = (input.schema ?? {}) as RouteSchema;
  if (original.hide) return jsonSchemaTransform(input);
  const response: Record<string, unknown> = { ...original.response };
  const route = input.route ?? ({ method: 'GET', url: input.url, schema: input.schema } as RouteOptions);
  for (const code of implicitRefusals({ method: route.method, url: input.url, schema: input.schema })) response[code] ??= ErrorBodySchema;
  const produces = original.produces;
  const result = jsonSchemaTransform({ ...input, schema: { ...(input.schema as object), response } as typeof input.schema });
  const transformed = result.schema as { response?: Record<string, unknown>; produces?: string[] };
  const answers: Record<string, unknown> = {};
  for (const [code, schema] of Object.entries(transformed.response ?? {})) {
    const status = Number(code);
    const description = STATUS_DESCRIPTIONS[status] ?? 'Answer';
    if (status >= 400) {
      // Errors are always the JSON error body, whatever the route produces otherwise.
      answers[code] = { description, content: { 'application/json': { schema } } };
    } else if (produces && status !== 204 && status !== 304) {
      answers[code] = { description, content: Object.fromEntries(produces.map((type) => [type, { schema }])) };
    } else {
      answers[code] = schema;
    }
  }
  // A route that produces a stream or files, and says nothing of its 2xx, answers them in its own types.
  if (produces && !Object.keys(answers).some((code) => code.startsWith('2'))) {
    const content = Object.fromEntries(produces.map((type) => [type, { schema: schemaOfType(type) }]));
    answers['200'] = { description: STATUS_DESCRIPTIONS[200], content };
    for (const status of EXTRA_SUCCESSES[input.url] ?? []) {
      answers[String(status)] = status === 304 ? { description: STATUS_DESCRIPTIONS[304], type: 'null' } : { description: STATUS_DESCRIPTIONS[status], content };
    }
  }
  const body = original.body as { safeParse?: (value: unknown) => { success: boolean } } | undefined;
  const bodyOptional = body?.safeParse?.(undefined).success === true;
  return { ...result, schema: { ...transformed, response: answers, ...(bodyOptional && { [OPTIONAL_BODY]: true }) } };
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, { requestBody?: { required?: boolean }; [OPTIONAL_BODY]?: boolean }>>;
}

/**
 * OpenAPI links: the ad (campaign) a start answers is what the ad's (campaign's) other operations
 * take as their path parameter, so clients and fuzzers can follow a start to the ad it made.
 */
const LINKS: ReadonlyArray<{ from: string; parameter: string; to: string[] }> = [
  {
    from: '/v1/ads',
    parameter: 'adId',
    to: ['/v1/ads/{adId} get', '/v1/ads/{adId}/edits post', '/v1/ads/{adId}/selections post', '/v1/ads/{adId}/approve post', '/v1/ads/{adId}/cancel post'],
  },
  {
    from: '/v1/campaigns',
    parameter: 'campaignId',
    to: ['/v1/campaigns/{campaignId} get', '/v1/campaigns/{campaignId}/edits post', '/v1/campaigns/{campaignId}/approve post', '/v1/campaigns/{campaignId}/cancel post'],
  },
];

function pointer(path: string, method: string): string {
  return `#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}`;
}

function addLinks(document: OpenApiDocument): void {
  for (const { from, parameter, to } of LINKS) {
    const start = document.paths?.[from]?.post as { responses?: Record<string, { links?: Record<string, unknown> }> } | undefined;
    if (!start?.responses) continue;
    const links: Record<string, unknown> = {};
    for (const target of to) {
      const [path, method] = target.split(' ') as [string, string];
      if (!document.paths?.[path]?.[method]) continue;
      const name = `${method}${path.replace(/[{}]/g, '').split('/').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')}`;
      links[name] = { operationRef: pointer(path, method), parameters: { [parameter]: `$response.body#/${parameter}` } };
    }
    for (const code of ['200', '201']) if (start.responses[code]) start.responses[code]!.links = links;
  }
}

/** The transformObject given to @fastify/swagger: a body the route may go without is not required; links from starts. */
export function openApiTransformObject(input: object): Record<string, unknown> {
  const document = (input as { openapiObject: OpenApiDocument }).openapiObject;
  addLinks(document);
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      if (!operation[OPTIONAL_BODY]) continue;
      delete operation[OPTIONAL_BODY];
      if (operation.requestBody) operation.requestBody.required = false;
    }
  }
  return document as Record<string, unknown>;
}
