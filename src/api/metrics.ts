// The API's Prometheus metrics: requests by method, route (the route's
// pattern, e.g. /v1/ads/:adId, so ad ids do not multiply the series) and
// status, and how long they took. Counted by a hook added to the root instance
// before any route, so it covers every route, the 404s and the refused tokens
// too. Served at /metrics on a listener of its own (startApiServer's
// `metrics`), never on the API's port, which may face the internet: the
// counts tell an outsider which routes and keys fail.
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function registerApiMetrics(app: FastifyInstance, opts: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'api_http_requests_total',
    help: 'HTTP API requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'api_http_request_duration_seconds',
    help: 'Time to answer an HTTP API request, by method and route pattern (event streams count until they close).',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // No route matched (404): one series for all such paths, not one per path tried.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    seconds.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  return registry;
}
