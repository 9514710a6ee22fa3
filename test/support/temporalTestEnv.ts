// What a workflow test needs: a client and a worker connection to the ONE dev
// server that `npm test` started, and the workflow bundle it built. A file run
// on its own (`npx tsx --test test/x.test.ts`) starts its own server and bundle.
import { readFileSync } from 'node:fs';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type LogLevel, type WorkflowBundle } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { startDevServer, type DevServer } from '../../src/temporal/devServer';
import { bundleAdWorkflowCode } from '../../src/temporal/workflowCode';

export interface TemporalTestEnv {
  client: Client;
  /** host:port of the server, for child processes (CLI tests) that connect on their own. */
  address: string;
  nativeConnection: NativeConnection;
  namespace: string;
  workflowBundle: WorkflowBundle;
  /** A task queue no other test uses, so parallel test files don't steal each other's tasks. */
  uniqueTaskQueue(prefix?: string): string;
  close(): Promise<void>;
}

let counter = 0;

/**
 * The SDK's logs, and the core's, at ERROR unless TEST_LOG_LEVEL says
 * otherwise: expected failures would flood the output (and the time-skipping
 * server lacks a capability the core warns about once per worker).
 */
export function quietRuntime(): void {
  const level = (process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'ERROR';
  try {
    Runtime.install({ logger: new DefaultLogger(level), telemetryOptions: { logging: { filter: { core: level, other: level } } } });
  } catch {
    // Already installed by an earlier call in this process.
  }
}

export async function openTemporalTestEnv(): Promise<TemporalTestEnv> {
  quietRuntime();
  let ownServer: DevServer | undefined;
  let address = process.env.TEMPORAL_ADDRESS;
  let namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  let workflowBundle: WorkflowBundle;
  if (address && process.env.TEST_WORKFLOW_BUNDLE) {
    workflowBundle = { code: readFileSync(process.env.TEST_WORKFLOW_BUNDLE, 'utf8') };
  } else {
    const config = loadConfig();
    ownServer = await startDevServer({ temporalCliPath: config.temporalCliPath, startTimeoutMs: config.temporalStartTimeoutMs });
    address = ownServer.address;
    namespace = ownServer.namespace;
    workflowBundle = await bundleAdWorkflowCode();
  }
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection: nativeConnection, namespace });
  return {
    client,
    address,
    nativeConnection,
    namespace,
    workflowBundle,
    uniqueTaskQueue: (prefix = 'test') => `${prefix}-${process.pid}-${++counter}-${Date.now().toString(36)}`,
    async close() {
      await nativeConnection.close();
      await ownServer?.stop();
    },
  };
}
