// The Temporal server's configuration for the local cluster, written as
// <dir>/config/cluster.yaml (the server reads <config dir>/<env>.yaml) plus
// its dynamic configuration: PostgreSQL persistence on the parts both of the
// project's servers share (src/temporal/serverConfig.ts).
import path from 'node:path';
import { DYNAMIC_CONFIG, writeServerConfigFiles, type ServerLayout } from '../temporal/serverConfig';
import { CLUSTER_HOST, type ClusterPorts } from './ports';
import { TEMPORAL_DB_USER } from './postgres';

/** The `--env` the services start with: the server reads config/<env>.yaml. */
export const CONFIG_ENV = 'cluster';
export const CONFIG_SUBDIR = 'config';

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

function clusterLayout(input: ServerConfigInput): ServerLayout {
  return {
    host: CLUSTER_HOST,
    ports: input.ports,
    historyShards: input.historyShards,
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      datastores: {
        'postgres-default': datastore('temporal', input, 20),
        'postgres-visibility': datastore('temporal_visibility', input, 5),
      },
    },
  };
}

/** Writes both files (again at every start, so a changed password or port list is always what the services read). */
export function writeServerConfig(dir: string, input: ServerConfigInput): { configDir: string; configFile: string } {
  const configDir = path.join(dir, CONFIG_SUBDIR);
  const header = '# Written by the local cluster start at each start: edits here are overwritten.\n';
  const configFile = writeServerConfigFiles(configDir, CONFIG_ENV, clusterLayout(input), DYNAMIC_CONFIG, header);
  return { configDir, configFile };
}
