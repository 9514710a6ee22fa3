// The Temporal the cluster tier runs on. The real tier runs on the local
// cluster (src/cluster/localCluster.ts: PostgreSQL, and the frontend,
// history, matching and worker services as separate processes), whose
// services the tier kills and restarts. The dev-server backend
// (CLUSTER_TEMPORAL=dev-server) is for working on the tier itself: the same
// cases run, except those that kill a Temporal service, which it has not.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLocalCluster } from '../../src/cluster/localCluster';
import type { TemporalService } from '../../src/cluster/types';
import { loadConfig } from '../../src/config';
import { startDevServer } from '../../src/temporal/devServer';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';

export type BackendKind = 'cluster' | 'dev-server';

export interface TemporalServices {
  /** Sends `signal` to one service process and resolves once it has exited. */
  kill(service: TemporalService, signal: NodeJS.Signals): Promise<void>;
  /** Starts it again with the same config and ports; resolves once it serves. */
  start(service: TemporalService): Promise<void>;
}

export interface TemporalBackend {
  kind: BackendKind;
  address: string;
  namespace: string;
  /** How long the backend took to start, in milliseconds. */
  startupMs: number;
  /** The separate services, when the backend has them (undefined on the dev server). */
  services: TemporalServices | undefined;
  stop(): Promise<void>;
}

export function backendKind(text = process.env.CLUSTER_TEMPORAL): BackendKind {
  if (text === undefined || text === '' || text === 'cluster') return 'cluster';
  if (text === 'dev-server') return 'dev-server';
  throw new Error(`CLUSTER_TEMPORAL must be cluster or dev-server (got "${text}")`);
}

/** Where the local cluster keeps PostgreSQL's data and its logs between runs (git-ignored). */
export const CLUSTER_DIR = path.join(PROJECT_ROOT, '.data', 'cluster-test');

async function clusterBackend(dir: string, log: (line: string) => void): Promise<TemporalBackend> {
  const t0 = performance.now();
  const cluster = await startLocalCluster({ dir, log });
  return {
    kind: 'cluster',
    address: cluster.frontendAddress,
    namespace: cluster.namespace,
    startupMs: performance.now() - t0,
    services: {
      kill: (service, signal) => cluster.killService(service, signal),
      start: (service) => cluster.startService(service),
    },
    stop: () => cluster.stop(),
  };
}

async function devServerBackend(): Promise<TemporalBackend> {
  const t0 = performance.now();
  const config = loadConfig();
  const server = await startDevServer({ ip: '127.0.0.1', port: 0, temporalCliPath: config.temporalCliPath, startTimeoutMs: config.temporalStartTimeoutMs });
  return {
    kind: 'dev-server',
    address: server.address,
    namespace: server.namespace,
    startupMs: performance.now() - t0,
    services: undefined,
    stop: () => server.stop(),
  };
}

export interface BackendOptions {
  /** The cluster's folder (PostgreSQL's data, config, logs); default CLUSTER_DIR. */
  dir?: string;
  /** The cluster's progress lines; default stderr. */
  log?: (line: string) => void;
}

export function startTemporalBackend(kind: BackendKind, options: BackendOptions = {}): Promise<TemporalBackend> {
  const log = options.log ?? ((line: string) => console.error(line));
  return kind === 'cluster' ? clusterBackend(options.dir ?? CLUSTER_DIR, log) : devServerBackend();
}
