// The one configuration module. Every setting is read from the environment
// here, checked, and given its default; wrong or missing values fail at
// start-up, all of them at once, each named with its rule (ConfigErrors), never
// later and never as a stack trace (see `runMain`).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { isRole, ROLES, type ApiKey } from './api/permissions';
import type { S3StoreSettings } from './artifacts/s3ArtifactStore';
import { PROJECT_ROOT } from './temporal/projectRoot';
import { DEFAULT_TASK_QUEUE } from './workflows/ad/contract';

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly rule: string,
  ) {
    super(`${setting}: ${rule}`);
    this.name = 'ConfigError';
  }
}

/**
 * Every wrong setting found by `loadConfig`, in the order it reads them (a
 * fixed order, so the same mistakes always read the same). It is a
 * ConfigError itself: with one problem its setting, rule and message are that
 * problem's; with several, the message has one line per setting.
 */
export class ConfigErrors extends ConfigError {
  constructor(readonly problems: readonly ConfigError[]) {
    super(problems.map((p) => p.setting).join(', '), problems.map((p) => p.rule).join('; '));
    this.message = problems.map((p) => p.message).join('\n');
    this.name = 'ConfigErrors';
  }
}

/**
 * Collects the problems of one `loadConfig`: each setting's reader runs
 * through `read`, which records a ConfigError and carries on with a stand-in
 * value, so that one start-up names every wrong setting.
 */
class Problems {
  readonly found: ConfigError[] = [];

  read<T>(fallback: T, reader: () => T): T {
    try {
      return reader();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      this.found.push(err);
      return fallback;
    }
  }

  add(problem: ConfigError): void {
    this.found.push(problem);
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new ConfigErrors(this.found);
  }
}

export type Env = Record<string, string | undefined>;

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

/** A setting's trimmed value; undefined when unset or blank. */
export function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** An absolute http(s) URL setting without trailing slashes; undefined when unset and no fallback. */
export function httpUrl(env: Env, name: string, fallback?: string): string | undefined {
  const value = text(env, name) ?? fallback;
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL (got "${value}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must use http or https (got "${url.protocol}")`);
  }
  return value.replace(/\/+$/, '');
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

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

export const DEFAULT_ACCOUNT_RECHECK_MS = 300_000;

function shortfallPolicy(env: Env): 'wait' | 'fail' {
  const raw = text(env, 'ACCOUNT_CREDITS_SHORTFALL')?.toLowerCase() ?? 'wait';
  if (raw !== 'wait' && raw !== 'fail') throw new ConfigError('ACCOUNT_CREDITS_SHORTFALL', `must be wait or fail (got "${raw}")`);
  return raw;
}

export type ArtifactStoreConfig = { kind: 'local'; dir: string } | ({ kind: 's3' } & S3StoreSettings);

// S3's bucket naming rules (general purpose buckets); prefix segments keep to the characters S3 calls safe in keys.
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KEY_SEGMENT_PATTERN = /^[\w.!*'()-]+$/;
const REGION_PATTERN = /^[a-z0-9-]{1,64}$/;

/** `s3://bucket[/prefix]` as bucket and prefix (no leading or trailing "/"). */
function s3Location(raw: string): { bucket: string; prefix: string } {
  const rest = raw.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  if (!BUCKET_PATTERN.test(bucket) || bucket.includes('..')) {
    throw new ConfigError('ARTIFACT_STORE', `the bucket must be 3-63 lowercase letters, digits, "." or "-", starting and ending with a letter or digit (got "${bucket}")`);
  }
  if (prefix !== '' && !prefix.split('/').every((segment) => KEY_SEGMENT_PATTERN.test(segment) && segment !== '.' && segment !== '..')) {
    throw new ConfigError('ARTIFACT_STORE', `the prefix must be "/"-separated names of letters, digits and . _ - ! * ' ( ), without empty, "." or ".." parts (got "${prefix}")`);
  }
  return { bucket, prefix };
}

/**
 * The local folder unless ARTIFACT_STORE is `s3://bucket/prefix`; then the
 * bucket's endpoint, region and credentials come from the standard AWS
 * variables, read (and checked) only then.
 */
function artifactStore(env: Env, problems: Problems, artifactDir: string): ArtifactStoreConfig {
  const raw = text(env, 'ARTIFACT_STORE');
  if (raw === undefined) return { kind: 'local', dir: artifactDir };
  const read = problems.read.bind(problems);
  const location = read(undefined, () => {
    if (!raw.startsWith('s3://')) {
      throw new ConfigError('ARTIFACT_STORE', `must be s3://<bucket>[/<prefix>] for an S3-compatible bucket, or unset for the local folder ARTIFACT_DIR (got "${raw}")`);
    }
    return s3Location(raw);
  });
  const endpoint = read(undefined, () => httpUrl(env, 'AWS_ENDPOINT_URL_S3') ?? httpUrl(env, 'AWS_ENDPOINT_URL'));
  const region = read('us-east-1', () => {
    const value = text(env, 'AWS_REGION') ?? text(env, 'AWS_DEFAULT_REGION') ?? 'us-east-1';
    if (!REGION_PATTERN.test(value)) throw new ConfigError('AWS_REGION', `must be a region name of lowercase letters, digits and "-", e.g. eu-west-1 (got "${value}")`);
    return value;
  });
  const accessKeyId = text(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = text(env, 'AWS_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    const [missing, present] = accessKeyId === undefined ? ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] : ['AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID'];
    problems.add(new ConfigError(missing, `is missing: ${present} is set, and the two go together (or leave both unset for the AWS SDK's default credentials)`));
  }
  const sessionToken = text(env, 'AWS_SESSION_TOKEN');
  // S3-compatible servers on a custom endpoint rarely have bucket subdomains; AWS itself wants virtual-hosted style.
  const forcePathStyle = read(endpoint !== undefined, () => (text(env, 'AWS_S3_FORCE_PATH_STYLE') === undefined ? endpoint !== undefined : flag(env, 'AWS_S3_FORCE_PATH_STYLE')));
  if (!location) return { kind: 'local', dir: artifactDir };
  return {
    kind: 's3',
    ...location,
    ...(endpoint ? { endpoint } : {}),
    region,
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
    forcePathStyle,
  };
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function logLevel(env: Env): LogLevel {
  const raw = text(env, 'LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${raw}")`);
  return raw as LogLevel;
}

/** A port that can be switched off: unset gives the default, `off` or an empty value turns it off. */
function optionalPort(env: Env, name: string, fallback: number): number | undefined {
  const raw = env[name];
  if (raw === undefined) return fallback;
  if (raw.trim() === '' || raw.trim().toLowerCase() === 'off') return undefined;
  return integer(env, name, fallback, 0, 65535);
}

/** The SDK's names for the two behaviours; see docs/deploying.md for the trade-off. */
export type VersioningBehaviorName = 'AUTO_UPGRADE' | 'PINNED';

export interface WorkerDeploymentConfig {
  deploymentName: string;
  buildId: string;
  /** For every ad this worker starts: AUTO_UPGRADE (the default) or PINNED. */
  defaultVersioningBehavior: VersioningBehaviorName;
}

const API_TOKEN_PATTERN = /^[\x21-\x7e]{16,256}$/;
const API_TOKEN_RULE = '16-256 printable characters without spaces or commas';
const API_KEY_NAME_PATTERN = /^[\w.-]{1,64}$/;
const API_KEY_RULE = `must be <name>:<role>:<token>: a name of 1-64 letters, digits, "-", "_" or ".", a role (${ROLES.join(', ')}) and a token of ${API_TOKEN_RULE}`;
const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/;

/** The server's credit caps (API_MAX_CREDITS_PER_AD, API_MAX_CREDITS_PER_CAMPAIGN); undefined: no cap. */
export interface ApiCreditCaps {
  perAd?: number;
  perCampaign?: number;
}

/** Console sessions (API_SESSION_IDLE_MS, API_SESSION_MAX_MS). */
export interface ApiSessionSettings {
  idleMs: number;
  maxMs: number;
}

/** The API's abuse limits (src/api/limits.ts). */
export interface ApiLimitSettings {
  authFailureLimit: number;
  authFailureWindowMs: number;
  requestTimeoutMs: number;
  maxStreamsPerKey: number;
  maxStreams: number;
  maxLargeBodies: number;
}

function apiSessions(env: Env, problems: Problems): ApiSessionSettings {
  const idleMs = problems.read(1_800_000, () => integer(env, 'API_SESSION_IDLE_MS', 1_800_000, 60_000, 86_400_000));
  const maxMs = problems.read(43_200_000, () => integer(env, 'API_SESSION_MAX_MS', 43_200_000, 60_000, 30 * 86_400_000));
  if (idleMs > maxMs) problems.add(new ConfigError('API_SESSION_IDLE_MS', `must not be longer than API_SESSION_MAX_MS (${idleMs} > ${maxMs})`));
  return { idleMs, maxMs };
}

function apiLimits(env: Env, problems: Problems): ApiLimitSettings {
  const read = problems.read.bind(problems);
  return {
    authFailureLimit: read(20, () => integer(env, 'API_AUTH_FAILURE_LIMIT', 20, 1, 10_000)),
    authFailureWindowMs: read(300_000, () => integer(env, 'API_AUTH_FAILURE_WINDOW_MS', 300_000, 1_000, 86_400_000)),
    requestTimeoutMs: read(120_000, () => integer(env, 'API_REQUEST_TIMEOUT_MS', 120_000, 1_000, 3_600_000)),
    maxStreamsPerKey: read(50, () => integer(env, 'API_MAX_STREAMS_PER_KEY', 50, 1, 100_000)),
    maxStreams: read(500, () => integer(env, 'API_MAX_STREAMS', 500, 1, 100_000)),
    maxLargeBodies: read(4, () => integer(env, 'API_MAX_LARGE_BODIES', 4, 1, 1_000)),
  };
}

function apiTokens(env: Env): string[] {
  const raw = text(env, 'API_TOKENS');
  if (raw === undefined) return [];
  const tokens = raw.split(',').map((t) => t.trim());
  tokens.forEach((token, index) => {
    if (!API_TOKEN_PATTERN.test(token)) {
      throw new ConfigError('API_TOKENS', `token ${index + 1} must be ${API_TOKEN_RULE}`);
    }
  });
  return tokens;
}

/**
 * One `<name>:<role>:<token>` entry; `where` names it in a refusal ("entry 2", "line 5").
 * The token may hold ":" (only the first two separate); a refusal never shows it.
 */
function apiKeyEntry(setting: string, where: string, entry: string): ApiKey {
  const first = entry.indexOf(':');
  const second = first < 0 ? -1 : entry.indexOf(':', first + 1);
  if (second < 0) throw new ConfigError(setting, `${where} ${API_KEY_RULE}`);
  const name = entry.slice(0, first);
  const role = entry.slice(first + 1, second);
  const token = entry.slice(second + 1);
  if (!API_KEY_NAME_PATTERN.test(name)) throw new ConfigError(setting, `${where}: the name must be 1-64 letters, digits, "-", "_" or "." (${API_KEY_RULE})`);
  if (!isRole(role)) throw new ConfigError(setting, `${where} (key "${name}"): the role must be one of ${ROLES.join(', ')}`);
  if (!API_TOKEN_PATTERN.test(token)) throw new ConfigError(setting, `${where} (key "${name}"): the token must be ${API_TOKEN_RULE}`);
  return { name, role, token };
}

/** API_KEYS: comma-separated entries. */
function apiKeysFromList(env: Env): ApiKey[] {
  const raw = text(env, 'API_KEYS');
  if (raw === undefined) return [];
  return raw.split(',').map((entry, index) => apiKeyEntry('API_KEYS', `entry ${index + 1}`, entry.trim()));
}

/** API_KEYS_FILE: one entry a line; blank lines and lines starting with "#" are skipped. */
function apiKeysFromFile(env: Env): ApiKey[] {
  const file = text(env, 'API_KEYS_FILE');
  if (file === undefined) return [];
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('API_KEYS_FILE', `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const keys: ApiKey[] = [];
  content.split(/\r?\n/).forEach((line, index) => {
    const entry = line.trim();
    if (entry === '' || entry.startsWith('#')) return;
    keys.push(apiKeyEntry('API_KEYS_FILE', `line ${index + 1}`, entry));
  });
  return keys;
}

/**
 * Every API key: API_KEYS, then API_KEYS_FILE, then API_TOKENS's bare tokens as admin keys
 * `token-<n>` (the older form). Two keys may share neither a name nor a token.
 */
function apiKeys(env: Env, problems: Problems): ApiKey[] {
  const keys = [
    ...problems.read([], () => apiKeysFromList(env)),
    ...problems.read([], () => apiKeysFromFile(env)),
    ...problems.read([], () => apiTokens(env)).map((token, index): ApiKey => ({ name: `token-${index + 1}`, role: 'admin', token })),
  ];
  const names = new Set<string>();
  const tokens = new Set<string>();
  for (const key of keys) {
    if (names.has(key.name)) problems.add(new ConfigError('API_KEYS', `the name "${key.name}" is given to two keys; each key needs its own name`));
    else if (tokens.has(key.token)) problems.add(new ConfigError('API_KEYS', `key "${key.name}" has the same token as an earlier key; each key needs its own token`));
    names.add(key.name);
    tokens.add(key.token);
  }
  return keys;
}

function optionalCap(env: Env, name: string): number | undefined {
  return text(env, name) === undefined ? undefined : integer(env, name, 0, 1, 100_000_000);
}

function webhookSecret(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !WEBHOOK_SECRET_PATTERN.test(value)) {
    throw new ConfigError(name, 'must be "whsec_" followed by base64 of at least 24 random bytes');
  }
  return value;
}

function jsFilePath(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  if (!value.endsWith('.js')) throw new ConfigError(name, `must name a .js file made by \`npm run build\` (got "${value}")`);
  return path.resolve(value);
}

// Temporal writes a version as "<deployment>.<build id>" (and "<deployment>:<build id>"), so a
// deployment name holds neither separator; names starting with "__" are the server's own.
const DEPLOYMENT_NAME_PATTERN = /^(?!__)[\w-]{1,100}$/;
const BUILD_ID_PATTERN = /^(?!__)[\w.+-]{1,100}$/;
const VERSIONING_BEHAVIORS: Record<string, VersioningBehaviorName> = { 'auto-upgrade': 'AUTO_UPGRADE', pinned: 'PINNED' };

function workerDeployment(env: Env, problems: Problems): WorkerDeploymentConfig | undefined {
  // Each setting is checked even when versioning is off, so a typo never waits for the day it is turned on.
  const deploymentName = problems.read(undefined, () => {
    const value = text(env, 'WORKER_DEPLOYMENT_NAME');
    if (value !== undefined && !DEPLOYMENT_NAME_PATTERN.test(value)) {
      throw new ConfigError('WORKER_DEPLOYMENT_NAME', `must be 1-100 letters, digits, "_" or "-", not starting with "__" (got "${value}")`);
    }
    return value;
  });
  const rawBuildId = text(env, 'WORKER_BUILD_ID');
  const buildId = problems.read(undefined, () => {
    if (rawBuildId !== undefined && !BUILD_ID_PATTERN.test(rawBuildId)) {
      throw new ConfigError('WORKER_BUILD_ID', `must be 1-100 letters, digits, "_", "-", "." or "+", not starting with "__" (got "${rawBuildId}")`);
    }
    return rawBuildId;
  });
  const defaultVersioningBehavior = problems.read(undefined, () => {
    const raw = text(env, 'WORKER_VERSIONING_BEHAVIOR') ?? 'auto-upgrade';
    const behavior = VERSIONING_BEHAVIORS[raw.toLowerCase()];
    if (behavior === undefined) throw new ConfigError('WORKER_VERSIONING_BEHAVIOR', `must be auto-upgrade or pinned (got "${raw}")`);
    return behavior;
  });
  if (text(env, 'WORKER_DEPLOYMENT_NAME') === undefined) return undefined;
  if (rawBuildId === undefined) {
    problems.add(
      new ConfigError('WORKER_BUILD_ID', 'is missing: a versioned worker (WORKER_DEPLOYMENT_NAME is set) needs the build id of the code it runs, e.g. the image tag'),
    );
  }
  if (deploymentName === undefined || buildId === undefined || defaultVersioningBehavior === undefined) return undefined;
  return { deploymentName, buildId, defaultVersioningBehavior };
}

function flag(env: Env, name: string): boolean {
  const raw = text(env, name);
  if (raw === undefined) return false;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

/**
 * Ads kept in a worker's memory between their events (WORKER_MAX_CACHED_WORKFLOWS).
 * The SDK sizes its default from the heap limit (about 2,300 here), which let
 * 2,000 ads parked awaiting their callbacks hold ~1 GB of worker RSS. Measured
 * with 2,000 parked (BENCHMARKS.md, "parked"): a cache of 500 left the worker
 * at 577 MiB, 250 at 462 MiB; an ad outside the cache replays its short
 * history on its next event, about 3 ms of worker CPU per callback.
 */
export const DEFAULT_WORKER_MAX_CACHED_WORKFLOWS = 250;

/** 0 turns the workflow cache off, 1 is not allowed (the SDK would make it 2). */
function maxCachedWorkflows(env: Env): number {
  if (text(env, 'WORKER_MAX_CACHED_WORKFLOWS') === undefined) return DEFAULT_WORKER_MAX_CACHED_WORKFLOWS;
  const value = integer(env, 'WORKER_MAX_CACHED_WORKFLOWS', 0, 0, 100_000);
  if (value === 1) throw new ConfigError('WORKER_MAX_CACHED_WORKFLOWS', 'must be 0 (no cache) or from 2 to 100000 (got "1")');
  return value;
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

/** The optional settings file of the service entry points, in the current directory. */
export const ENV_FILE_NAME = '.env';

/**
 * Loads `<dir>/.env`, when there is one, into `env`: `NAME=value` lines as
 * Node's own `--env-file` reads them. A variable already set wins over the
 * file, so the environment (a container's, a shell's) always has the last
 * word. Returns the file loaded, if any.
 */
export function loadEnvFile(dir: string = process.cwd(), env: Env = process.env): string | undefined {
  const file = path.join(dir, ENV_FILE_NAME);
  if (!existsSync(file)) return undefined;
  let entries: NodeJS.Dict<string>;
  try {
    entries = parseEnv(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(ENV_FILE_NAME, `cannot be read: ${(err as Error).message}`);
  }
  for (const [name, value] of Object.entries(entries)) {
    if (env[name] === undefined && value !== undefined) env[name] = value;
  }
  return file;
}

export interface RunMainOptions {
  /**
   * Load `.env` from the current directory first (see `loadEnvFile`). For the
   * services (worker, receiver); off elsewhere, so that neither the test
   * harness nor the demo picks up a deployment's settings by accident.
   */
  envFile?: boolean;
}

/** One "configuration error: SETTING: rule" line per wrong setting. */
export function configErrorLines(err: ConfigError): string[] {
  const problems = err instanceof ConfigErrors ? err.problems : [err];
  return problems.map((problem) => `configuration error: ${problem.message}`);
}

/**
 * Runs an entry point's main function; configuration errors print one line
 * per wrong setting and exit with status 2 instead of a stack trace.
 */
export function runMain(main: () => Promise<void>, options: RunMainOptions = {}): void {
  const run = async () => {
    if (options.envFile) loadEnvFile();
    await main();
  };
  run().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      for (const line of configErrorLines(err)) console.error(line);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  });
}
