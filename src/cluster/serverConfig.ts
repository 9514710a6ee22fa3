// The Temporal server's configuration for the local cluster, written as
// <dir>/config/cluster.yaml (the server reads <config dir>/<env>.yaml) plus
// its dynamic configuration. Only keys the server needs or that change its
// behaviour here: see Temporal's config/development-postgres12.yaml for the
// full set.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { CLUSTER_HOST, type ClusterPorts } from './ports';
import { TEMPORAL_DB_USER } from './postgres';
import { TEMPORAL_SERVICES } from './types';

/** The `--env` the services start with: the server reads config/<env>.yaml. */
export const CONFIG_ENV = 'cluster';
export const CONFIG_SUBDIR = 'config';
const CLUSTER_NAME = 'active';

export interface ServerConfigInput {
  historyShards: number;
  ports: ClusterPorts;
  postgresPassword: string;
}

function datastore(databaseName: string, input: ServerConfigInput, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${CLUSTER_HOST}:${input.ports.postgres}`,
      connectProtocol: 'tcp',
      user: TEMPORAL_DB_USER,
      password: input.postgresPassword,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

export function serverConfig(input: ServerConfigInput, dynamicConfigFile: string): Record<string, unknown> {
  const frontend = input.ports.services.frontend;
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      // Fixed when the cluster is first started; the server ignores (with a warning) a different number later.
      numHistoryShards: input.historyShards,
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      datastores: {
        'postgres-default': datastore('temporal', input, 20),
        'postgres-visibility': datastore('temporal_visibility', input, 5),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: CLUSTER_HOST },
    },
    services: Object.fromEntries(
      TEMPORAL_SERVICES.map((service) => {
        const ports = input.ports.services[service];
        // membershipPort must be set: a random one can exceed the smallint column it is stored in.
        const rpc: Record<string, unknown> = { grpcPort: ports.grpc, membershipPort: ports.membership, bindOnIP: CLUSTER_HOST };
        if (service === 'frontend') rpc.httpPort = input.ports.frontendHttp;
        return [service, { rpc }];
      }),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: CLUSTER_NAME,
      currentClusterName: CLUSTER_NAME,
      clusterInformation: {
        [CLUSTER_NAME]: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `${CLUSTER_HOST}:${frontend.grpc}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/**
 * Dynamic settings. The first three are the ones the dev server sets: a search
 * attribute registered by the start is usable by the very next workflow
 * (instead of after a cache refresh), and the persistence rate limits are
 * raised to pay for reading it fresh.
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
export const DYNAMIC_CONFIG: Record<string, unknown> = {
  'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true, constraints: {} }],
  'frontend.persistenceMaxQPS': [{ value: 10_000, constraints: {} }],
  'history.persistenceMaxQPS': [{ value: 45_000, constraints: {} }],
  'frontend.enableCancelWorkerPollsOnShutdown': [{ value: true, constraints: {} }],
};

/** Writes both files (again at every start, so a changed password or port list is always what the services read). */
export function writeServerConfig(dir: string, input: ServerConfigInput): { configDir: string; configFile: string } {
  const configDir = path.join(dir, CONFIG_SUBDIR);
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const dynamicConfigFile = path.join(configDir, 'dynamicconfig.yaml');
  const header = '# Written by the local cluster start at each start: edits here are overwritten.\n';
  writeFileSync(dynamicConfigFile, header + stringify(DYNAMIC_CONFIG), { mode: 0o600 });
  const configFile = path.join(configDir, `${CONFIG_ENV}.yaml`);
  writeFileSync(configFile, header + stringify(serverConfig(input, dynamicConfigFile)), { mode: 0o600 });
  return { configDir, configFile };
}
