// The one configuration module. Every setting is read from the environment
// here, checked, and given its default; wrong or missing values fail at
// start-up, all of them at once, each named with its rule (ConfigErrors), never
// later and never as a stack trace (see `runMain`). The readers of each group
// of settings are beside it (apiSettings.ts, artifactSettings.ts,
// workerSettings.ts); this file puts them together into AppConfig.
import path from 'node:path';
import { PROJECT_ROOT } from '../tools/projectRoot';
import { DEFAULT_TASK_QUEUE } from '../workflows/ad/contract';
import { apiKeys, apiLimits, apiSessions, type ApiCreditCaps, type ApiKey, type ApiLimitSettings, type ApiSessionSettings } from './apiSettings';
import { artifactStore, type ArtifactStoreConfig } from './artifactSettings';
import { ConfigError, Problems, type Env } from './errors';
import { flag, httpUrl, integer, jsFilePath, logLevel, optionalCap, optionalPort, text, webhookSecret, type LogLevel } from './readers';
import { DEFAULT_ACCOUNT_RECHECK_MS, DEFAULT_WORKER_MAX_CACHED_WORKFLOWS, maxCachedWorkflows, shortfallPolicy, workerDeployment, type WorkerDeploymentConfig } from './workerSettings';

export { ConfigError, ConfigErrors, type Env } from './errors';
export { httpUrl, text, LOG_LEVELS, type LogLevel } from './readers';
export type { ApiCreditCaps, ApiLimitSettings, ApiSessionSettings } from './apiSettings';
export type { ArtifactStoreConfig } from './artifactSettings';
export { DEFAULT_ACCOUNT_RECHECK_MS, DEFAULT_WORKER_MAX_CACHED_WORKFLOWS, type VersioningBehaviorName, type WorkerDeploymentConfig } from './workerSettings';
export { configErrorLines, ENV_FILE_NAME, loadEnvFile, runMain, type RunMainOptions } from './runMain';

export const DEFAULT_VIDU_BASE_URL = 'https://api.vidu.com';

/** The receiver's /metrics port (RECEIVER_METRICS_PORT), on RECEIVER_METRICS_HOST (loopback by default). */
export const DEFAULT_RECEIVER_METRICS_PORT = 9466;
/** The API's /metrics port (API_METRICS_PORT), on API_METRICS_HOST (loopback by default). */
export const DEFAULT_API_METRICS_PORT = 9467;

/** Where `npm run build` writes the workflow bundle; the worker uses it when WORKFLOW_BUNDLE_PATH is unset and it exists. */
export const DEFAULT_WORKFLOW_BUNDLE_PATH = path.join(PROJECT_ROOT, 'dist', 'workflow-bundle.js');

/**
 * How long the dev server launcher waits for the server to answer. Generous:
 * a first start reads a 250 MB binary that is not yet in the page cache and
 * creates a new SQLite file, which has taken well over the SDK's 5 s here.
 */
export const DEFAULT_TEMPORAL_START_TIMEOUT_MS = 120_000;

/** How long a stopping worker lets running activities finish (WORKER_SHUTDOWN_GRACE_MS); under docker's stop_grace_period. */
export const DEFAULT_WORKER_SHUTDOWN_GRACE_MS = 30_000;

export interface ViduConfig {
  baseUrl: string;
  /** Undefined until a component that calls Vidu asks for it with `requireViduApiKey`. */
  apiKey: string | undefined;
  timeoutMs: number;
  /** Media downloads may reach private and loopback hosts (VIDU_MEDIA_ALLOW_PRIVATE_HOSTS, for local testing); off: global unicast only. */
  mediaAllowPrivateHosts: boolean;
}

export interface AppConfig {
  vidu: ViduConfig;
  /** Public URL of the callback endpoint that Vidu calls back; the workflow id goes in its query. */
  callbackPublicUrl: string | undefined;
  taskQueue: string;
  /** The local artifacts folder (ARTIFACT_DIR), absolute; the store unless ARTIFACT_STORE names a bucket. */
  artifactDir: string;
  /** Where artifacts are kept: the local folder, or an S3-compatible bucket (ARTIFACT_STORE, AWS_*). */
  artifactStore: ArtifactStoreConfig;
  /** The receiver; its /metrics listens apart (metricsHost, metricsPort; undefined: off), never on the callbacks' port. */
  receiver: { host: string; port: number; path: string; maxSkewSeconds: number; maxBodyBytes: number; metricsHost: string; metricsPort: number | undefined };
  /** A Temporal CLI binary named by the user, run as `server start-dev` (the first place the dev server is looked for). */
  temporalCliPath: string | undefined;
  /** How long a dev server started by this project may take to answer before the start fails. */
  temporalStartTimeoutMs: number;
  /**
   * The HTTP API and review console (`npm run api`). `keys` holds the named keys of API_KEYS and
   * API_KEYS_FILE, then the bare tokens of API_TOKENS as admin keys `token-1`, `token-2`, ...; it is
   * empty until one of them is set. `caps` are the server's credit caps (unset: no cap).
   */
  api: {
    host: string;
    port: number;
    keys: ApiKey[];
    trustProxy: boolean;
    caps: ApiCreditCaps;
    sessions: ApiSessionSettings;
    limits: ApiLimitSettings;
    /** /metrics listens apart (metricsHost, metricsPort; undefined: off), never on the API's port. */
    metricsHost: string;
    metricsPort: number | undefined;
  };
  /**
   * Completion webhooks (the worker sends them). `signingSecret` is a Standard
   * Webhooks secret, "whsec_" then base64 of at least 24 bytes; undefined when
   * NOTIFY_SIGNING_SECRET is unset. Private and loopback notify hosts are refused
   * unless `allowPrivateHosts`.
   */
  notify: { signingSecret: string | undefined; allowPrivateHosts: boolean };
  /**
   * A prebuilt workflow bundle (`npm run build`) for the worker, absolute;
   * undefined when WORKFLOW_BUNDLE_PATH is unset. Whether the file exists is
   * checked by the worker, the one command that reads it.
   */
  workflowBundlePath: string | undefined;
  /** Level of the JSON log lines every service writes (LOG_LEVEL). */
  logLevel: LogLevel;
  /**
   * The worker's two Prometheus endpoints: the Temporal SDK's own metrics and
   * the application's (Vidu calls, credits, downloads). A port of `undefined`
   * means that endpoint is off.
   */
  workerMetrics: { host: string; sdkPort: number | undefined; appPort: number | undefined };
  /**
   * Worker Deployment Versioning (WORKER_DEPLOYMENT_NAME, WORKER_BUILD_ID,
   * WORKER_VERSIONING_BEHAVIOR); undefined when WORKER_DEPLOYMENT_NAME is unset:
   * an unversioned worker, which takes every task of its queue. Off by default
   * because a versioned worker takes nothing until an operator makes its
   * version current (docs/deploying.md), which `npm run worker` on a laptop
   * should not need.
   */
  workerDeployment: WorkerDeploymentConfig | undefined;
  /**
   * How the worker runs its tasks. `shutdownGraceMs`: after SIGTERM, how long
   * running activities may take to finish before they are cancelled.
   * `maxCachedWorkflows`: DEFAULT_WORKER_MAX_CACHED_WORKFLOWS unless set.
   * `maxConcurrentActivities`: undefined means the SDK's default (100 at once).
   */
  workerTuning: { shutdownGraceMs: number; maxCachedWorkflows: number; maxConcurrentActivities: number | undefined };
  /**
   * What an ad does when the Vidu account has fewer credits left than its
   * create needs (read with GET /ent/v2/credits just before the create):
   * `wait` reads the balance again every `recheckMs` until it suffices (the
   * status says so), `fail` ends the ad with AccountCreditsShort at once.
   */
  accountShortfall: { onShortfall: 'wait' | 'fail'; recheckMs: number };
}

/**
 * Reads and checks every setting, in a fixed order; throws one ConfigErrors
 * naming each wrong setting, or returns the whole configuration.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems = new Problems();
  const read = problems.read.bind(problems);
  const callbackPublicUrl = read(undefined, () => httpUrl(env, 'CALLBACK_PUBLIC_URL'));
  const receiverPath = read('/vidu/callback', () => {
    const value = text(env, 'RECEIVER_PATH') ?? (callbackPublicUrl ? new URL(callbackPublicUrl).pathname : '/vidu/callback');
    if (!value.startsWith('/')) throw new ConfigError('RECEIVER_PATH', `must start with "/" (got "${value}")`);
    return value;
  });
  const taskQueue = read(DEFAULT_TASK_QUEUE, () => {
    const value = text(env, 'AD_TASK_QUEUE') ?? DEFAULT_TASK_QUEUE;
    if (!/^[\w.-]{1,200}$/.test(value)) throw new ConfigError('AD_TASK_QUEUE', `must be 1-200 letters, digits, "_", "-" or "." (got "${value}")`);
    return value;
  });
  const artifactDir = path.resolve(text(env, 'ARTIFACT_DIR') ?? 'artifacts');
  const config: AppConfig = {
    vidu: {
      baseUrl: read(DEFAULT_VIDU_BASE_URL, () => httpUrl(env, 'VIDU_BASE_URL', DEFAULT_VIDU_BASE_URL)!),
      apiKey: text(env, 'VIDU_API_KEY'),
      timeoutMs: read(30_000, () => integer(env, 'VIDU_TIMEOUT_MS', 30_000, 1_000, 600_000)),
      mediaAllowPrivateHosts: read(false, () => flag(env, 'VIDU_MEDIA_ALLOW_PRIVATE_HOSTS')),
    },
    callbackPublicUrl,
    taskQueue,
    artifactDir,
    artifactStore: artifactStore(env, problems, artifactDir),
    receiver: {
      host: text(env, 'RECEIVER_HOST') ?? '0.0.0.0',
      port: read(8080, () => integer(env, 'RECEIVER_PORT', 8080, 0, 65535)),
      path: receiverPath,
      maxSkewSeconds: read(300, () => integer(env, 'CALLBACK_MAX_SKEW_SECONDS', 300, 1, 86_400)),
      maxBodyBytes: read(1_048_576, () => integer(env, 'CALLBACK_MAX_BODY_BYTES', 1_048_576, 1_024, 64 * 1_048_576)),
      metricsHost: text(env, 'RECEIVER_METRICS_HOST') ?? '127.0.0.1',
      metricsPort: read(undefined, () => optionalPort(env, 'RECEIVER_METRICS_PORT', DEFAULT_RECEIVER_METRICS_PORT)),
    },
    temporalCliPath: text(env, 'TEMPORAL_CLI_PATH'),
    temporalStartTimeoutMs: read(DEFAULT_TEMPORAL_START_TIMEOUT_MS, () =>
      integer(env, 'TEMPORAL_START_TIMEOUT_MS', DEFAULT_TEMPORAL_START_TIMEOUT_MS, 1_000, 3_600_000),
    ),
    api: {
      host: text(env, 'API_HOST') ?? '0.0.0.0',
      port: read(8090, () => integer(env, 'API_PORT', 8090, 0, 65535)),
      keys: apiKeys(env, problems),
      trustProxy: read(false, () => flag(env, 'API_TRUST_PROXY')),
      caps: {
        perAd: read(undefined, () => optionalCap(env, 'API_MAX_CREDITS_PER_AD')),
        perCampaign: read(undefined, () => optionalCap(env, 'API_MAX_CREDITS_PER_CAMPAIGN')),
      },
      sessions: apiSessions(env, problems),
      limits: apiLimits(env, problems),
      metricsHost: text(env, 'API_METRICS_HOST') ?? '127.0.0.1',
      metricsPort: read(undefined, () => optionalPort(env, 'API_METRICS_PORT', DEFAULT_API_METRICS_PORT)),
    },
    notify: {
      signingSecret: read(undefined, () => webhookSecret(env, 'NOTIFY_SIGNING_SECRET')),
      allowPrivateHosts: read(false, () => flag(env, 'NOTIFY_ALLOW_PRIVATE_HOSTS')),
    },
    workflowBundlePath: read(undefined, () => jsFilePath(env, 'WORKFLOW_BUNDLE_PATH')),
    logLevel: read('info', () => logLevel(env)),
    workerMetrics: {
      host: text(env, 'WORKER_METRICS_HOST') ?? '0.0.0.0',
      sdkPort: read(undefined, () => optionalPort(env, 'WORKER_METRICS_PORT', 9464)),
      appPort: read(undefined, () => optionalPort(env, 'WORKER_APP_METRICS_PORT', 9465)),
    },
    workerDeployment: workerDeployment(env, problems),
    workerTuning: {
      shutdownGraceMs: read(DEFAULT_WORKER_SHUTDOWN_GRACE_MS, () => integer(env, 'WORKER_SHUTDOWN_GRACE_MS', DEFAULT_WORKER_SHUTDOWN_GRACE_MS, 0, 3_600_000)),
      maxCachedWorkflows: read(DEFAULT_WORKER_MAX_CACHED_WORKFLOWS, () => maxCachedWorkflows(env)),
      maxConcurrentActivities: read(undefined, () =>
        text(env, 'WORKER_MAX_CONCURRENT_ACTIVITIES') === undefined ? undefined : integer(env, 'WORKER_MAX_CONCURRENT_ACTIVITIES', 100, 1, 10_000),
      ),
    },
    accountShortfall: {
      onShortfall: read('wait' as const, () => shortfallPolicy(env)),
      recheckMs: read(DEFAULT_ACCOUNT_RECHECK_MS, () => integer(env, 'ACCOUNT_CREDITS_RECHECK_MS', DEFAULT_ACCOUNT_RECHECK_MS, 1_000, 86_400_000)),
    },
  };
  problems.read(undefined, () => refuseDryRunTokenOffSimulator(env, config));
  problems.throwIfAny();
  return config;
}

/** The API token of the dry run (deploy/dry-run.env): public, so refused unless Vidu is the simulator. */
export const DRY_RUN_API_TOKEN = 'dry-run-token-local-only';

/** Whether VIDU_BASE_URL names the simulator: the compose stack's `simulator` service, or this machine (`npm run simulator`). */
export function isSimulatorUrl(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'simulator' || host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function refuseDryRunTokenOffSimulator(env: Env, config: AppConfig): void {
  const key = config.api.keys.find((k) => k.token === DRY_RUN_API_TOKEN);
  if (!key || isSimulatorUrl(config.vidu.baseUrl)) return;
  const setting = text(env, 'API_TOKENS')?.split(',').some((t) => t.trim() === DRY_RUN_API_TOKEN) ? 'API_TOKENS' : 'API_KEYS';
  throw new ConfigError(
    setting,
    `key "${key.name}" has the dry run's public token (deploy/dry-run.env), which is allowed only while VIDU_BASE_URL points at the simulator (http://simulator:8089 or a loopback address; got "${config.vidu.baseUrl}"): set a token of your own`,
  );
}

export function requireViduApiKey(config: AppConfig): string {
  if (!config.vidu.apiKey) {
    throw new ConfigError('VIDU_API_KEY', 'is missing: set it to your Vidu API key (`npm run demo` runs against the simulator without one)');
  }
  return config.vidu.apiKey;
}

export function requireApiKeys(config: AppConfig): ApiKey[] {
  if (config.api.keys.length === 0) {
    throw new ConfigError('API_KEYS', 'is missing: set one or more keys <name>:<role>:<token>, comma-separated (or API_KEYS_FILE, or the older API_TOKENS)');
  }
  return config.api.keys;
}

