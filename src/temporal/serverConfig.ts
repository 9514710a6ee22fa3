// The parts of a Temporal server's configuration that the project's two
// servers built from go.temporal.io/server share: the local cluster (four
// processes on PostgreSQL, src/cluster/serverConfig.ts) and the dev server
// (one process on SQLite, ./devServerConfig.ts). Each brings its persistence;
// the services' ports, the cluster metadata and the dynamic config written
// beside it are the same. Only keys the server needs or that change its
// behaviour here: see Temporal's config/development-*.yaml for the full set.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';

export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

export interface ServicePorts {
  grpc: number;
  membership: number;
}

export interface ServerPorts {
  /** The frontend's HTTP API (and Nexus) port. */
  frontendHttp: number;
  services: Record<TemporalService, ServicePorts>;
}

export interface ServerLayout {
  /** Where the services listen and what they tell each other (membership's broadcast address): an IP. */
  host: string;
  /** Where the frontend listens, when not `host` (e.g. 0.0.0.0 for every interface; `host` must reach it). */
  frontendBindIp?: string;
  ports: ServerPorts;
  /** Fixed when the database is first used; the server ignores (with a warning) a different number later. */
  historyShards: number;
  persistence: { defaultStore: string; visibilityStore: string; datastores: Record<string, unknown> };
}

const CLUSTER_NAME = 'active';

/** The address form Temporal's config takes (IPv6 in brackets). */
function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function serverConfig(layout: ServerLayout, dynamicConfigFile: string): Record<string, unknown> {
  const { host, ports } = layout;
  return {
    log: { stdout: true, level: 'warn' },
    persistence: { numHistoryShards: layout.historyShards, ...layout.persistence },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: host },
    },
    services: Object.fromEntries(
      TEMPORAL_SERVICES.map((service) => {
        const own = ports.services[service];
        // membershipPort must be set: a random one can exceed the smallint column it is stored in.
        const rpc: Record<string, unknown> = { grpcPort: own.grpc, membershipPort: own.membership, bindOnIP: host };
        if (service === 'frontend') {
          rpc.bindOnIP = layout.frontendBindIp ?? host;
          rpc.httpPort = ports.frontendHttp;
        }
        return [service, { rpc }];
      }),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: CLUSTER_NAME,
      currentClusterName: CLUSTER_NAME,
      clusterInformation: {
        [CLUSTER_NAME]: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: hostPort(host, ports.services.frontend.grpc),
          httpAddress: hostPort(host, ports.frontendHttp),
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/**
 * Dynamic settings of both servers. The first three are the ones the CLI's
 * dev server sets: a search attribute registered by the start is usable by
 * the very next workflow (instead of after a cache refresh), and the
 * persistence rate limits are raised to pay for reading it fresh.
 *
 * `frontend.enableCancelWorkerPollsOnShutdown` (server 1.32, off by default):
 * a stopping worker's ShutdownWorker call makes the server cancel that
 * worker's outstanding polls, and the namespace then advertises the
 * `workerPollCompleteOnShutdown` capability, on which the SDK (1.24) lets its
 * polls finish instead of dropping them client-side. Without it, a task the
 * server matched to a poll the worker had already abandoned is lost until its
 * timeout. The SDK reads the capability once per connection and namespace,
 * when the first worker on it starts.
 */
export const DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = {
  'system.forceSearchAttributesCacheRefreshOnRead': true,
  'frontend.persistenceMaxQPS': 10_000,
  'history.persistenceMaxQPS': 45_000,
  'frontend.enableCancelWorkerPollsOnShutdown': true,
};

/** The dynamic config file's form: each key a list of values with constraints (none: for every namespace and queue). */
export function dynamicConfigFile(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, [{ value, constraints: {} }]]));
}

/**
 * Writes `<configDir>/<name>.yaml` and its dynamic config `<configDir>/dynamicconfig.yaml`,
 * both again at every start (so a changed port or password is always what the server reads),
 * readable only by the owner (the cluster's holds the database password).
 */
export function writeServerConfigFiles(
  configDir: string,
  name: string,
  layout: ServerLayout,
  dynamicValues: Readonly<Record<string, unknown>>,
  header: string,
): string {
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const dynamicFile = path.join(configDir, 'dynamicconfig.yaml');
  writeFileSync(dynamicFile, header + stringify(dynamicConfigFile(dynamicValues)), { mode: 0o600 });
  const configFile = path.join(configDir, `${name}.yaml`);
  writeFileSync(configFile, header + stringify(serverConfig(layout, dynamicFile)), { mode: 0o600 });
  return configFile;
}
