// Connections to Temporal from the standard TEMPORAL_* variables and profiles
// (the ones the `temporal` CLI reads), defaulting to the local dev server.
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, type Env } from '../config';

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

export function temporalConnectConfig(env: Env = process.env) {
  let loaded;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: env as Record<string, string> });
  } catch (err) {
    throw new ConfigError('TEMPORAL_CONFIG_FILE / TEMPORAL_*', `cannot be read: ${(err as Error).message}`);
  }
  const connectionOptions = { ...loaded.connectionOptions, address: loaded.connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS };
  if (!/^[^\s:/]+:\d{1,5}$/.test(connectionOptions.address) && !/^\[[0-9a-f:]+\]:\d{1,5}$/i.test(connectionOptions.address)) {
    throw new ConfigError('TEMPORAL_ADDRESS', `must be host:port (got "${connectionOptions.address}")`);
  }
  return { connectionOptions, namespace: loaded.namespace ?? 'default' };
}

function unreachable(address: string, err: unknown): ConfigError {
  return new ConfigError('TEMPORAL_ADDRESS', `cannot reach Temporal at ${address} (${(err as Error).message.split('\n')[0]}); start one with \`npm run temporal\``);
}

export async function connectClient(env: Env = process.env): Promise<Client> {
  const { connectionOptions, namespace } = temporalConnectConfig(env);
  try {
    const connection = await Connection.connect({ ...connectionOptions, connectTimeout: '5s' });
    return new Client({ connection, namespace });
  } catch (err) {
    throw unreachable(connectionOptions.address, err);
  }
}

export async function connectWorker(env: Env = process.env): Promise<{ connection: NativeConnection; namespace: string }> {
  const { connectionOptions, namespace } = temporalConnectConfig(env);
  try {
    return { connection: await NativeConnection.connect(connectionOptions), namespace };
  } catch (err) {
    throw unreachable(connectionOptions.address, err);
  }
}
