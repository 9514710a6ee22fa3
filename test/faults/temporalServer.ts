// The Temporal server a fault rig uses. Either the dev server `npm test`
// already runs (TEMPORAL_ADDRESS), or one of the rig's own on a SQLite file
// and a fixed port, which the rig can stop and start again on the same file
// and port: what an operator restarting Temporal does while ads wait.
import path from 'node:path';
import { freePort } from '../../src/tools/ports';
import { loadConfig } from '../../src/config';
import { startDevServer, type DevServer } from '../../src/temporal/devServer';

export interface RigTemporal {
  address: string;
  namespace: string;
  /** True when the rig owns the server (and so may stop and start it). */
  restartable: boolean;
  stop(): Promise<void>;
  /** Starts the server again on the same SQLite file and port. */
  start(): Promise<void>;
  isRunning(): boolean;
  close(): Promise<void>;
}

export async function sharedTemporal(address: string, namespace: string): Promise<RigTemporal> {
  const refuse = () => Promise.reject(new Error('the shared Temporal server cannot be stopped by one test file; open the rig with ownTemporal: true'));
  return { address, namespace, restartable: false, stop: refuse, start: refuse, isRunning: () => true, close: async () => undefined };
}

export async function ownTemporal(dataDir: string): Promise<RigTemporal> {
  const dbFilename = path.join(dataDir, 'temporal.sqlite');
  const port = await freePort();
  const temporalCliPath = loadConfig().temporalCliPath;
  let server: DevServer | undefined = await startDevServer({ temporalCliPath, dbFilename, port });
  const address = server.address;
  const namespace = server.namespace;
  const temporal: RigTemporal = {
    address,
    namespace,
    restartable: true,
    isRunning: () => server !== undefined,
    async stop() {
      const running = server;
      server = undefined;
      await running?.stop();
    },
    async start() {
      if (server) return;
      server = await startDevServer({ temporalCliPath, dbFilename, port });
      if (server.address !== address) throw new Error(`the dev server came back on ${server.address}, not ${address}`);
    },
    close: () => temporal.stop(),
  };
  return temporal;
}
