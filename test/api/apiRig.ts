// A live system for the API tests: the test Temporal server, the Vidu
// simulator with millisecond timings, the real callback receiver, a worker,
// and the API server on a free loopback port. Clients talk to `url` over HTTP.
import type { FastifyBaseLogger } from 'fastify';
import type { CreditCaps } from '../../src/api/creditCaps';
import type { ApiKey } from '../../src/api/permissions';
import { startApiServer, type ApiServerDeps, type RunningApiServer } from '../../src/api/server';
import type { ArtifactStore } from '../../src/artifacts/artifactStore';
import type { ViduSimulator } from '../../src/simulator';
import type { AdWorkerOptions } from '../../src/worker/adWorker';
import { startCallbackRelay } from '../support/callbackRelay';
import { openLiveParts } from '../support/liveParts';
import { suiteResource } from '../support/suiteResource';
import type { TemporalTestEnv } from '../support/temporalTestEnv';
import { QUICK_ACTIVITY_TUNING, startTestAdWorker } from '../support/testAdWorker';
import { apiClient, type ApiClient } from './httpClient';

export const API_TOKEN = 'test-token-0123456789abcdef';
export const OTHER_TOKEN = 'other-token-0123456789abcdef';

export interface ApiRig {
  env: TemporalTestEnv;
  api: RunningApiServer;
  /** Base URL of the API, e.g. http://127.0.0.1:41234 */
  url: string;
  artifactDir: string;
  simulator: ViduSimulator;
  close(): Promise<void>;
}

export interface ApiRigOptions {
  /** The worker's completion-webhook settings (signing secret; loopback receivers need allowPrivateHosts). */
  notify?: AdWorkerOptions['notify'];
  statusPollMs?: number;
  heartbeatMs?: number;
  /** The store the worker and the API share; default: a local folder in `artifactDir`. */
  artifacts?: ArtifactStore;
  /** Named keys with roles, besides API_TOKEN and OTHER_TOKEN (admin keys token-1 and token-2). */
  keys?: ApiKey[];
  /** The server's credit caps. */
  caps?: CreditCaps;
  /** The API's logger (default: none). */
  logger?: FastifyBaseLogger;
  /** Session expiry (default: the API's). */
  sessions?: ApiServerDeps['sessions'];
  /** Sign-in failure limit, request timeout, stream and upload caps (default: the API's). */
  limits?: ApiServerDeps['limits'];
}

export async function openApiRig(options: ApiRigOptions = {}): Promise<ApiRig> {
  const parts = await openLiveParts({ simulator: { timing: { queueMs: 20, processingMs: 150, progressSteps: 2 }, callbackRetryDelayMs: 50 }, viduTimeoutMs: 2_000, artifactPrefix: 'api-artifacts-' });
  const { env, simulator, vidu } = parts;
  const taskQueue = env.uniqueTaskQueue('api');
  const artifacts = options.artifacts ?? parts.artifacts;
  const relay = await startCallbackRelay({ client: env.client, apiKey: simulator.apiKey });
  const worker = await startTestAdWorker(env, { taskQueue, vidu, artifacts, callbackPublicUrl: relay.url, activityTuning: QUICK_ACTIVITY_TUNING, notify: options.notify });
  const api = await startApiServer({
    client: env.client,
    taskQueue,
    artifacts,
    tokens: [API_TOKEN, OTHER_TOKEN],
    keys: options.keys,
    caps: options.caps,
    logger: options.logger,
    sessions: options.sessions,
    limits: options.limits,
    host: '127.0.0.1',
    port: 0,
    statusPollMs: options.statusPollMs,
    heartbeatMs: options.heartbeatMs,
  });
  return {
    env,
    api,
    url: api.url,
    artifactDir: parts.artifactDir,
    simulator,
    async close() {
      await api.close();
      await worker.stop();
      await relay.close();
      await parts.close();
    },
  };
}

/** The rig of one describe block's tests, and a client with API_TOKEN (test/support/suiteResource.ts): call it in the describe body. */
export function suiteApiRig(options: ApiRigOptions = {}): { rig: ApiRig; http: ApiClient } {
  const rig = suiteResource(() => openApiRig(options), (opened) => opened.close());
  const http = suiteResource(async () => apiClient(rig.url, API_TOKEN), async () => undefined);
  return { rig, http };
}

/** Polls `fn` every 200 ms until it answers something other than undefined; fails after `timeoutMs` (a liveness bound). */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
