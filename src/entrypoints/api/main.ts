// `npm run api`: the HTTP API and the review console (at /) as a
// service, configured from the environment (API_HOST, API_PORT, API_KEYS,
// API_KEYS_FILE, API_TOKENS, API_MAX_CREDITS_PER_AD, API_MAX_CREDITS_PER_CAMPAIGN,
// API_TRUST_PROXY, API_SESSION_*, API_METRICS_HOST, API_METRICS_PORT, the limits' settings (API_AUTH_FAILURE_*,
// API_REQUEST_TIMEOUT_MS, API_MAX_STREAMS*, API_MAX_LARGE_BODIES), AD_TASK_QUEUE, ARTIFACT_DIR or
// ARTIFACT_STORE, TEMPORAL_*). Stops on SIGINT/SIGTERM after
// closing the open event streams and answering requests in flight.
import { artifactStoreFromConfig } from '../../artifacts/artifactStoreFromConfig';
import { loadConfig, requireApiKeys, runMain } from '../../config';
import { createLogger } from '../../logging';
import { connectClient } from '../../temporal/connection';
import { describeTracing, startTracing, tracedClient } from '../../tracing';
import { startApiServer } from '../../api/server';
import { consolePlugin } from '../../api/console/plugin';
import { untilStopSignal } from '../untilStopSignal';

runMain(async () => {
  const config = loadConfig();
  const keys = requireApiKeys(config);
  const logger = createLogger(config.logLevel).child({ service: 'api' });
  // With tracing on (OTEL_* settings), the client's signals and updates carry the trace context into the workflow.
  const tracing = await startTracing(process.env, 'vidu-ad-api');
  const client = tracedClient(await connectClient(), tracing);
  const server = await startApiServer({
    client,
    taskQueue: config.taskQueue,
    artifacts: artifactStoreFromConfig(config),
    keys,
    caps: config.api.caps,
    host: config.api.host,
    port: config.api.port,
    trustProxy: config.api.trustProxy,
    sessions: config.api.sessions,
    limits: config.api.limits,
    metrics: config.api.metricsPort === undefined ? undefined : { host: config.api.metricsHost, port: config.api.metricsPort },
    processMetrics: true,
    // Fastify's request lines (method, url, status, time) in the same JSON as everything else.
    logger,
    plugins: [consolePlugin],
  });
  logger.info(
    { url: server.url, console: '/', openapi: '/openapi.json', health: '/healthz', metrics: server.metricsUrl ?? 'off', tracing: describeTracing(tracing) },
    `HTTP API on ${config.api.host}:${config.api.port} (${server.url})`,
  );
  const signal = await untilStopSignal();
  logger.info({ signal }, 'stopping the API');
  await server.close();
  await client.connection.close();
  await tracing?.shutdown();
}, { envFile: true });
