// The worker: runs the ad workflow and its activities. `npm run worker`
// starts one from the environment (see src/config.ts); tests and the demo
// build their own with `createAdWorker`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { AsyncCompletionClient } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerDeploymentOptions, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities';
import type { NotifyDeps } from './activities/deps';
import type { ArtifactStore } from './artifacts/artifactStore';
import { artifactStoreFromConfig } from './artifacts/artifactStoreFromConfig';
import { ConfigError, DEFAULT_WORKFLOW_BUNDLE_PATH, loadConfig, requireViduApiKey, runMain, type WorkerDeploymentConfig } from './config';
import { createLogger, type Logger } from './logging';
import { serveMetrics } from './metrics/metricsServer';
import { bindAddress, installTemporalRuntime } from './metrics/temporalRuntime';
import { createWorkerMetrics } from './metrics/workerMetrics';
import { connectWorker } from './temporal/connection';
import { PROJECT_ROOT } from './temporal/projectRoot';
import { WORKFLOWS_PATH, WORKFLOW_INTERCEPTOR_MODULES } from './temporal/workflowCode';
import { describeTracing, startTracing, type Tracing } from './tracing';
import { ViduClient } from './vidu/viduClient';

export interface AdWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  vidu: ViduClient;
  artifacts: ArtifactStore;
  /** Public URL of the webhook receiver; without it Vidu gets no callback URL and the workflow polls. */
  callbackPublicUrl?: string;
  /** A prebuilt bundle (tests, many workers); otherwise the workflow code is bundled at start. */
  workflowBundle?: WorkflowBundleOption;
  /** Bounds worker memory (about 1 MB per cached workflow); evicted workflows replay on their next event. */
  maxCachedWorkflows?: number;
  /** How many activities run at once (the SDK's maxConcurrentActivityTaskExecutions, default 100). */
  maxConcurrentActivities?: number;
  /**
   * After shutdown starts (SIGTERM, SIGINT): how long running activities may
   * take to finish before they are cancelled. The SDK's default is 0: cancel
   * them at once, which interrupts a Vidu request whose outcome then has to be
   * looked up by the next worker.
   */
  shutdownGraceTime?: Duration;
  /** After shutdown starts: when to give up waiting and fail run() (the SDK's shutdownForceTime); default: wait. */
  shutdownForceTime?: Duration;
  /** How long a workflow task waits for this worker before any worker may take it. Temporal's default is 10 s. */
  stickyQueueScheduleToStartTimeout?: Duration;
  /** Completion webhooks: the signing secret and whether private hosts may be notified (NOTIFY_* settings). */
  notify?: NotifyDeps;
  /** Activity tuning (retry backoff, lookup window, media limits); mainly for tests. */
  activityTuning?: Omit<ActivityDeps, 'vidu' | 'artifacts' | 'callbackPublicUrl' | 'notify' | 'recordHeartbeat'>;
  /**
   * Worker Deployment Versioning (WORKER_DEPLOYMENT_NAME and friends): this worker then serves
   * only its version, which takes tasks once an operator makes it current (docs/deploying.md).
   * Undefined: an unversioned worker.
   */
  deployment?: WorkerDeploymentConfig;
  /** OpenTelemetry tracing (OTEL_* settings, see src/tracing.ts); undefined: off, no interceptor. */
  tracing?: Tracing;
}

/** The SDK's form of the deployment settings; the behaviour applies to every ad this worker starts. */
export function workerDeploymentOptions(deployment: WorkerDeploymentConfig): WorkerDeploymentOptions {
  return {
    useWorkerVersioning: true,
    version: { deploymentName: deployment.deploymentName, buildId: deployment.buildId },
    defaultVersioningBehavior: deployment.defaultVersioningBehavior,
  };
}

/** One line for the worker's start-up log: which version it serves, if any. */
export function describeDeployment(deployment: WorkerDeploymentConfig | undefined): string {
  if (!deployment) return 'unversioned (no WORKER_DEPLOYMENT_NAME): takes every task of its queue';
  const behavior = deployment.defaultVersioningBehavior === 'PINNED' ? 'pinned' : 'auto-upgrade';
  return `deployment ${deployment.deploymentName}, build id ${deployment.buildId}, ${behavior}: new ads come once this version is current (docs/deploying.md)`;
}

export async function createAdWorker(opts: AdWorkerOptions): Promise<Worker> {
  // A prebuilt bundle carries its interceptor module; bundled at start, the worker adds it.
  const code = opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH };
  // Heartbeats the create waits for (its evidence), on the worker's own connection.
  const heartbeats = new AsyncCompletionClient({ connection: opts.connection, namespace: opts.namespace });
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...code,
    interceptors: {
      workflowModules: WORKFLOW_INTERCEPTOR_MODULES,
      // Activity spans only when tracing is on (src/tracing.ts).
      ...(opts.tracing && { activity: opts.tracing.activityInterceptors }),
    },
    activities: createActivities({
      ...opts.activityTuning,
      vidu: opts.vidu,
      artifacts: opts.artifacts,
      recordHeartbeat: (taskToken, details) => heartbeats.heartbeat(taskToken, details),
      callbackPublicUrl: opts.callbackPublicUrl,
      notify: opts.notify,
    }),
    // Only options given: an explicit undefined would override the SDK's defaults.
    ...(opts.maxCachedWorkflows !== undefined && { maxCachedWorkflows: opts.maxCachedWorkflows }),
    ...(opts.maxConcurrentActivities !== undefined && { maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivities }),
    ...(opts.shutdownGraceTime !== undefined && { shutdownGraceTime: opts.shutdownGraceTime }),
    ...(opts.shutdownForceTime !== undefined && { shutdownForceTime: opts.shutdownForceTime }),
    ...(opts.stickyQueueScheduleToStartTimeout !== undefined && { stickyQueueScheduleToStartTimeout: opts.stickyQueueScheduleToStartTimeout }),
    ...(opts.deployment && { workerDeploymentOptions: workerDeploymentOptions(opts.deployment) }),
  });
}

export interface WorkflowCodeChoice {
  /** The prebuilt bundle to run; undefined: bundle src/workflows at start (webpack, a few seconds). */
  workflowBundle?: { codePath: string };
  /** What the worker logs at start, so which code runs is never a guess. */
  description: string;
}

/**
 * The workflow code `npm run worker` runs: the bundle named by
 * WORKFLOW_BUNDLE_PATH (which must exist), else the one `npm run build` left in
 * dist/ if any, else the workflow code bundled at start as in development.
 */
export function chooseWorkflowCode(configuredPath: string | undefined, defaultPath = DEFAULT_WORKFLOW_BUNDLE_PATH): WorkflowCodeChoice {
  if (configuredPath !== undefined) {
    if (!existsSync(configuredPath)) {
      throw new ConfigError('WORKFLOW_BUNDLE_PATH', `no file at ${configuredPath}: run \`npm run build\` to make it, or unset the setting to bundle at start`);
    }
    return { workflowBundle: { codePath: configuredPath }, description: `prebuilt workflow bundle ${configuredPath} (WORKFLOW_BUNDLE_PATH)` };
  }
  if (existsSync(defaultPath)) {
    const stale = newerWorkflowSource(statSync(defaultPath).mtimeMs);
    return {
      workflowBundle: { codePath: defaultPath },
      description:
        `prebuilt workflow bundle ${defaultPath}` +
        (stale ? ` (WARNING: older than ${stale}; run \`npm run build\` again or delete it to bundle at start)` : ''),
    };
  }
  return { description: `workflow code bundled at start (no ${defaultPath}; \`npm run build\` makes one)` };
}

/**
 * A workflow source file changed after the bundle in dist/ was built: in
 * development that bundle is out of date. It looks at the TypeScript sources
 * in the project's src/workflows, not next to this file, so the compiled worker
 * (dist/src/worker.js) checks them too; the image holds no sources, so nothing to check there.
 */
function newerWorkflowSource(bundleMtimeMs: number): string | undefined {
  const dir = path.join(PROJECT_ROOT, 'src', 'workflows');
  if (!existsSync(dir)) return undefined;
  const newer = readdirSync(dir).find((name) => name.endsWith('.ts') && statSync(path.join(dir, name)).mtimeMs > bundleMtimeMs);
  return newer && path.join('src', 'workflows', newer);
}

/** How long past the grace time a stopping worker waits for cancelled activities before it gives up (exit status 1). */
export const SHUTDOWN_FORCE_MARGIN_MS = 10_000;

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

if (require.main === module) runMain(main, { envFile: true });
