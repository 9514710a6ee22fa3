// A live system for the API tests: the test Temporal server, the Vidu
// simulator with millisecond timings, the real callback receiver, a worker,
// and the API server on a free loopback port. Clients talk to `url` over HTTP.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { CreditCaps } from '../../src/api/creditCaps';
import type { ApiKey } from '../../src/api/permissions';
import { startApiServer, type ApiServerDeps, type RunningApiServer } from '../../src/api/server';
import { type ArtifactStore, LocalArtifactStore } from '../../src/artifacts/artifactStore';
import { startViduSimulator, type ViduSimulator } from '../../src/simulator';
import { ViduClient } from '../../src/vidu/viduClient';
import type { AdWorkerOptions } from '../../src/worker/adWorker';
import { startCallbackRelay, type CallbackRelay } from '../support/callbackRelay';
import { suiteResource } from '../support/suiteResource';
import { openTemporalTestEnv, type TemporalTestEnv } from '../support/temporalTestEnv';
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
  const env = await openTemporalTestEnv();
  const taskQueue = env.uniqueTaskQueue('api');
  const artifactDir = await mkdtemp(path.join(tmpdir(), 'api-artifacts-'));
  const artifacts = options.artifacts ?? new LocalArtifactStore(artifactDir);
  const simulator = await startViduSimulator({ timing: { queueMs: 20, processingMs: 150, progressSteps: 2 }, callbackRetryDelayMs: 50 });
  const relay: CallbackRelay = await startCallbackRelay({ client: env.client, apiKey: simulator.apiKey });
  const vidu = new ViduClient({ baseUrl: simulator.url, apiKey: simulator.apiKey, timeoutMs: 2_000 });
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
    artifactDir,
    simulator,
    async close() {
      await api.close();
      await worker.stop();
      await relay.close();
      await vidu.close();
      await simulator.close();
      await env.close();
      await rm(artifactDir, { recursive: true, force: true });
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
