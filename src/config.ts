// The one configuration module. Every setting is read from the environment
// here, checked, and given its default; a wrong or missing value fails at
// start-up with a message naming the setting and the rule (ConfigError), never
// later and never as a stack trace (see `runMain`).
import path from 'node:path';
import { DEFAULT_TASK_QUEUE } from './workflows/messages';

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly rule: string,
  ) {
    super(`${setting}: ${rule}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export const DEFAULT_VIDU_BASE_URL = 'https://api.vidu.com';

/**
 * How long the dev server launcher waits for the server to answer. Generous:
 * a first start reads a 250 MB binary that is not yet in the page cache and
 * creates a new SQLite file, which has taken well over the SDK's 5 s here.
 */
export const DEFAULT_TEMPORAL_START_TIMEOUT_MS = 120_000;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function httpUrl(env: Env, name: string, fallback?: string): string | undefined {
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
}

export interface AppConfig {
  vidu: ViduConfig;
  /** Public URL of the callback endpoint that Vidu calls back; the workflow id goes in its query. */
  callbackPublicUrl: string | undefined;
  taskQueue: string;
  artifactDir: string;
  receiver: { host: string; port: number; path: string; maxSkewSeconds: number; maxBodyBytes: number };
  /** A Temporal CLI binary named by the user (the first place the dev server is looked for). */
  temporalCliPath: string | undefined;
  /** How long a dev server started by this project may take to answer before the start fails. */
  temporalStartTimeoutMs: number;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const callbackPublicUrl = httpUrl(env, 'CALLBACK_PUBLIC_URL');
  const receiverPath = text(env, 'RECEIVER_PATH') ?? (callbackPublicUrl ? new URL(callbackPublicUrl).pathname : '/vidu/callback');
  if (!receiverPath.startsWith('/')) throw new ConfigError('RECEIVER_PATH', `must start with "/" (got "${receiverPath}")`);
  const taskQueue = text(env, 'AD_TASK_QUEUE') ?? DEFAULT_TASK_QUEUE;
  if (!/^[\w.-]{1,200}$/.test(taskQueue)) {
    throw new ConfigError('AD_TASK_QUEUE', `must be 1-200 letters, digits, "_", "-" or "." (got "${taskQueue}")`);
  }
  return {
    vidu: {
      baseUrl: httpUrl(env, 'VIDU_BASE_URL', DEFAULT_VIDU_BASE_URL)!,
      apiKey: text(env, 'VIDU_API_KEY'),
      timeoutMs: integer(env, 'VIDU_TIMEOUT_MS', 30_000, 1_000, 600_000),
    },
    callbackPublicUrl,
    taskQueue,
    artifactDir: path.resolve(text(env, 'ARTIFACT_DIR') ?? 'artifacts'),
    receiver: {
      host: text(env, 'RECEIVER_HOST') ?? '0.0.0.0',
      port: integer(env, 'RECEIVER_PORT', 8080, 0, 65535),
      path: receiverPath,
      maxSkewSeconds: integer(env, 'CALLBACK_MAX_SKEW_SECONDS', 300, 1, 86_400),
      maxBodyBytes: integer(env, 'CALLBACK_MAX_BODY_BYTES', 1_048_576, 1_024, 64 * 1_048_576),
    },
    temporalCliPath: text(env, 'TEMPORAL_CLI_PATH'),
    temporalStartTimeoutMs: integer(env, 'TEMPORAL_START_TIMEOUT_MS', DEFAULT_TEMPORAL_START_TIMEOUT_MS, 1_000, 3_600_000),
  };
}

export function requireViduApiKey(config: AppConfig): string {
  if (!config.vidu.apiKey) {
    throw new ConfigError('VIDU_API_KEY', 'is missing: set it to your Vidu API key (`npm run demo` runs against the simulator without one)');
  }
  return config.vidu.apiKey;
}

/**
 * Runs an entry point's main function; configuration errors print one line
 * naming the setting and exit with status 2 instead of a stack trace.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(`configuration error: ${err.message}`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  });
}
