// Connections to Temporal from the standard TEMPORAL_* variables and profiles
// (the ones the `temporal` CLI reads), defaulting to the local dev server.
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, type Env } from '../config';
import { GRPC_STATUS } from './grpcStatus';

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

type WorkflowServiceLike = { describeNamespace(request: { namespace: string }): Promise<unknown> };

/** A namespace that does not exist fails start-up here, naming the setting, rather than at the first call. */
async function requireNamespace(service: WorkflowServiceLike, namespace: string, address: string): Promise<void> {
  try {
    await service.describeNamespace({ namespace });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === GRPC_STATUS.NOT_FOUND) throw new ConfigError('TEMPORAL_NAMESPACE', `namespace "${namespace}" does not exist on ${address}`);
    if (code === GRPC_STATUS.UNAUTHENTICATED) throw new ConfigError('TEMPORAL_API_KEY / TEMPORAL_TLS_*', `Temporal at ${address} refused the credentials (${(err as Error).message})`);
    if (code === GRPC_STATUS.UNAVAILABLE || code === GRPC_STATUS.DEADLINE_EXCEEDED) throw unreachable(address, err);
    // Anything else (say, no permission to describe namespaces) is not proof of a wrong setting.
  }
}

function unreachable(address: string, err: unknown): ConfigError {
  return new ConfigError('TEMPORAL_ADDRESS', `cannot reach Temporal at ${address} (${(err as Error).message.split('\n')[0]}); start one with \`npm run temporal\``);
}

export async function connectClient(env: Env = process.env): Promise<Client> {
  const { connectionOptions, namespace } = temporalConnectConfig(env);
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...connectionOptions, connectTimeout: '5s' });
  } catch (err) {
    throw unreachable(connectionOptions.address, err);
  }
  await requireNamespace(connection.workflowService, namespace, connectionOptions.address);
  return new Client({ connection, namespace });
}

export async function connectWorker(env: Env = process.env): Promise<{ connection: NativeConnection; namespace: string }> {
  const { connectionOptions, namespace } = temporalConnectConfig(env);
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect(connectionOptions);
  } catch (err) {
    throw unreachable(connectionOptions.address, err);
  }
  await requireNamespace(connection.workflowService, namespace, connectionOptions.address);
  return { connection, namespace };
}
