// `npm run worker`: one ad worker as a service, configured from the
// environment (see src/config.ts). Drains on SIGTERM/SIGINT: polling stops at
// once, running activities get WORKER_SHUTDOWN_GRACE_MS to finish.
import { Worker } from '@temporalio/worker';
import { artifactStoreFromConfig } from '../../artifacts/artifactStoreFromConfig';
import { loadConfig, requireViduApiKey, runMain } from '../../config';
import { createLogger, type Logger } from '../../logging';
import { serveMetrics } from '../../metrics/metricsServer';
import { bindAddress, installTemporalRuntime } from '../../metrics/temporalRuntime';
import { createWorkerMetrics } from '../../metrics/workerMetrics';
import { connectWorker } from '../../temporal/connection';
import { describeTracing, startTracing } from '../../tracing';
import { ViduClient } from '../../vidu/viduClient';
import { createAdWorker, describeDeployment, SHUTDOWN_FORCE_MARGIN_MS } from '../../worker/adWorker';
import { chooseWorkflowCode } from '../../worker/workflowCodeChoice';

/**
 * Logs when the worker begins draining (the first SIGTERM or SIGINT, which the
 * SDK's runtime also acts on) and when it has drained. A second signal finds no
 * listener left and ends the process at once, as Node does by default.
 */
function logDraining(logger: Logger, worker: Worker, shutdownGraceMs: number): { ended(): void } {
  let began: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    began = Date.now();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const activitiesRunning = worker.getStatus().numInFlightActivities;
    logger.info(
      { signal, shutdownGraceMs, activitiesRunning },
      `ad worker draining on ${signal}: polling stopped; ${activitiesRunning} running activities get up to ${shutdownGraceMs} ms to finish, then are cancelled`,
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    ended() {
      const drainedMs = began === undefined ? null : Date.now() - began;
      logger.info({ drainedMs }, `ad worker drained and stopped${drainedMs === null ? '' : ` after ${drainedMs} ms`}`);
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const { shutdownGraceMs } = config.workerTuning;
  const apiKey = requireViduApiKey(config);
  const logger = createLogger(config.logLevel).child({ service: 'worker' });
  // Before any connection, once per process: the SDK's logs and Prometheus endpoint.
  const { host, sdkPort, appPort } = config.workerMetrics;
  installTemporalRuntime({ logger, logLevel: config.logLevel, metrics: sdkPort === undefined ? undefined : { host, port: sdkPort } });
  const metrics = createWorkerMetrics({ processMetrics: true });
  const appMetrics = appPort === undefined ? undefined : await serveMetrics(metrics.registry, host, appPort);
  const workflowCode = chooseWorkflowCode(config.workflowBundlePath);
  const tracing = await startTracing(process.env, 'vidu-ad-worker');
  const { connection, namespace } = await connectWorker();
  const vidu = new ViduClient({ baseUrl: config.vidu.baseUrl, apiKey, timeoutMs: config.vidu.timeoutMs, observer: metrics.viduCalls });
  const artifacts = artifactStoreFromConfig(config);
  try {
    const worker = await createAdWorker({
      connection,
      namespace,
      taskQueue: config.taskQueue,
      vidu,
      artifacts,
      callbackPublicUrl: config.callbackPublicUrl,
      notify: config.notify,
      activityTuning: { metrics, accountShortfall: config.accountShortfall, mediaAllowPrivateHosts: config.vidu.mediaAllowPrivateHosts },
      workflowBundle: workflowCode.workflowBundle,
      deployment: config.workerDeployment,
      maxCachedWorkflows: config.workerTuning.maxCachedWorkflows,
      maxConcurrentActivities: config.workerTuning.maxConcurrentActivities,
      shutdownGraceTime: shutdownGraceMs,
      // Activities that ignore their cancellation must not keep a stopping worker forever.
      shutdownForceTime: shutdownGraceMs + SHUTDOWN_FORCE_MARGIN_MS,
      tracing,
    });
    logger.info({ workflowCode: workflowCode.description }, `ad worker workflow code: ${workflowCode.description}`);
    logger.info({ versioning: describeDeployment(config.workerDeployment) }, `ad worker versioning: ${describeDeployment(config.workerDeployment)}`);
    logger.info(
      {
        taskQueue: config.taskQueue,
        namespace,
        viduBaseUrl: config.vidu.baseUrl,
        artifacts: artifacts.location,
        callbacks: config.callbackPublicUrl ?? null,
        completionWebhooks: config.notify.signingSecret ? 'signed' : 'off (no NOTIFY_SIGNING_SECRET)',
        sdkMetrics: sdkPort === undefined ? null : `http://${bindAddress(host, sdkPort)}/metrics`,
        appMetrics: appMetrics ? `http://${bindAddress(host, appMetrics.port)}/metrics` : null,
        tracing: describeTracing(tracing),
      },
      `ad worker on task queue "${config.taskQueue}"`,
    );
    // The SDK's runtime shuts the worker down on SIGINT and SIGTERM: it stops polling at once, lets
    // running activities finish for shutdownGraceMs, then cancels them; run() resolves once all have ended.
    const drain = logDraining(logger, worker, shutdownGraceMs);
    await worker.run();
    drain.ended();
  } finally {
    await vidu.close();
    await connection.close();
    await appMetrics?.close();
    await tracing?.shutdown();
  }
}

runMain(main, { envFile: true });
