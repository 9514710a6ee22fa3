// The ad worker: runs the ad workflow (and the campaign workflow) with its
// activities. `createAdWorker` is what `npm run worker`
// (src/entrypoints/worker/main.ts), the demo and the tests build theirs with.
import { AsyncCompletionClient } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerDeploymentOptions, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import type { NotifyDeps } from '../activities/deps';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { type WorkerDeploymentConfig } from '../config';
import { WORKFLOWS_PATH, WORKFLOW_INTERCEPTOR_MODULES } from '../temporal/workflowCode';
import { type Tracing } from '../tracing';
import { ViduClient } from '../vidu/viduClient';

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

/** How long past the grace time a stopping worker waits for cancelled activities before it gives up (exit status 1). */
export const SHUTDOWN_FORCE_MARGIN_MS = 10_000;

