// Starts the real Temporal dev server (SQLite persistence, Web UI) with the
// project's search attributes registered. Used by `npm run temporal`, the demo
// and the test suite.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { AD_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';
import { resolveTemporalExecutable } from './temporalBinary';

export interface DevServerOptions {
  ip?: string;
  /** gRPC port; 0 or undefined picks a free one. */
  port?: number;
  /** Web UI port; undefined turns the UI off. */
  uiPort?: number;
  /** SQLite file (state survives restarts); undefined keeps everything in memory. */
  dbFilename?: string;
  temporalCliPath?: string;
  log?: (line: string) => void;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl: string | undefined;
  env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const executable = resolveTemporalExecutable(options.temporalCliPath, options.log);
  if (options.dbFilename) mkdirSync(path.dirname(options.dbFilename), { recursive: true });
  const ip = options.ip ?? '127.0.0.1';
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: executable.type === 'existing-path' ? { type: 'existing-path', path: executable.path } : { type: 'cached-download' },
      ip,
      port: options.port || undefined,
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      dbFilename: options.dbFilename,
      searchAttributes: [...AD_SEARCH_ATTRIBUTES],
      // Durability of single writes matters less than speed on a dev machine (the SDK's own stress runs do the same).
      extraArgs: ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF'],
    },
  });
  const address = env.address;
  return {
    address,
    namespace: env.namespace ?? 'default',
    uiUrl: options.uiPort !== undefined ? `http://${ip}:${options.uiPort}` : undefined,
    env,
    stop: () => env.teardown(),
  };
}
