// `npm run receiver`: the webhook receiver as a service, configured from the
// environment (CALLBACK_PUBLIC_URL, VIDU_API_KEY, RECEIVER_*, TEMPORAL_*); its
// /metrics on RECEIVER_METRICS_HOST:RECEIVER_METRICS_PORT (loopback:9466 by default).
// Stops on SIGINT/SIGTERM after in-flight callbacks are answered (bounded by
// the Temporal timeout). Reads `.env` in the current directory, if any.
import { ConfigError, loadConfig, requireViduApiKey, runMain } from '../../config';
import { createLogger } from '../../logging';
import { connectClient } from '../../temporal/connection';
import { describeTracing, startTracing, tracedClient } from '../../tracing';
import { untilStopSignal } from '../untilStopSignal';
import { createCallbackReceiver } from './callbackReceiver';

runMain(async () => {
  const config = loadConfig();
  const apiKey = requireViduApiKey(config);
  if (!config.callbackPublicUrl) {
    throw new ConfigError('CALLBACK_PUBLIC_URL', 'is missing: the receiver needs the public URL Vidu calls back, because its path is part of the signature');
  }
  const logger = createLogger(config.logLevel).child({ service: 'receiver' });
  // With tracing on (OTEL_* settings), the client's signals and updates carry the trace context into the workflow.
  const tracing = await startTracing(process.env, 'vidu-ad-receiver');
  const client = tracedClient(await connectClient(), tracing);
  const receiver = createCallbackReceiver({
    client,
    apiKey,
    publicUrl: config.callbackPublicUrl,
    path: config.receiver.path,
    maxSkewSeconds: config.receiver.maxSkewSeconds,
    maxBodyBytes: config.receiver.maxBodyBytes,
    log: (line, fields) => logger.warn(fields ?? {}, line),
    debug: (line, fields) => logger.debug(fields ?? {}, line),
    processMetrics: true,
  });
  const { port } = await receiver.listen(config.receiver.port, config.receiver.host);
  // /metrics on its own listener (RECEIVER_METRICS_HOST, loopback by default), never on the callbacks' port.
  const { metricsHost, metricsPort } = config.receiver;
  const metrics = metricsPort === undefined ? undefined : await receiver.listenMetrics(metricsPort, metricsHost);
  logger.info(
    { host: config.receiver.host, port, path: config.receiver.path, publicUrl: config.callbackPublicUrl, health: '/healthz', readiness: '/readyz', metrics: metrics?.url ?? null, tracing: describeTracing(tracing) },
    `Vidu callback receiver on ${config.receiver.host}:${port}${config.receiver.path}`,
  );
  const signal = await untilStopSignal();
  const stopping = Date.now();
  logger.info({ signal }, `stopping the receiver on ${signal}: no new connections; callbacks in flight are answered`);
  await receiver.close();
  await client.connection.close();
  await tracing?.shutdown();
  logger.info({ stoppedMs: Date.now() - stopping }, 'receiver stopped');
}, { envFile: true });
