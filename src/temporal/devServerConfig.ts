// The project's dev server as Temporal server 1.32.2 built from its Go module:
// ONE process running all four services on SQLite (a file, or memory), and
// the Web UI server beside it. The CLI's `server start-dev` did the same
// inside one binary, but the newest CLI that builds from the Go module proxy
// (v1.5.1) embeds server 1.29.1 (CVE-2025-14986/14987), and v1.9.1 does not
// build from the proxy (its go.mod replaces a module with a local folder).
// These files are written into a scratch folder at each start.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { DYNAMIC_CONFIG, writeServerConfigFiles, type ServerPorts } from './serverConfig';

/**
 * Dynamic config for a dev machine. The one history shard reads its transfer
 * queue at most 20 times a second by default, which put callback-to-workflow
 * p99 at ~70 ms in a steady stream of signals; 200 brought it to ~23 ms
 * (BENCHMARKS.md, `npm run bench -- limits --transfer-poll-rps 20` to compare).
 */
export const DEV_DYNAMIC_CONFIG: Readonly<Record<string, number>> = { 'history.transferProcessorMaxPollRPS': 200 };

/**
 * What the CLI's start-dev sets besides (v1.5.1's devserver/server.go), so the
 * server behaves as the dev server did: a larger mutable-state cache, and 100
 * visibility calls a second instead of 10 (the tests and the Web UI list a lot).
 */
const START_DEV_DYNAMIC_CONFIG: Readonly<Record<string, number>> = {
  'history.hostLevelCacheMaxSize': 8096,
  'frontend.namespaceRPS.visibility': 100,
};

/** The dev server's dynamic config: the local cluster's, start-dev's, the dev defaults, then the caller's values. */
export function devDynamicConfig(overrides: Readonly<Record<string, number>> = {}): Record<string, unknown> {
  return { ...DYNAMIC_CONFIG, ...START_DEV_DYNAMIC_CONFIG, ...DEV_DYNAMIC_CONFIG, ...overrides };
}

/**
 * SQLite through the server's own plugin. A file is created with Temporal's
 * schema when missing (`setup`; on an existing file that step is skipped), in
 * WAL mode without fsync per write: durability of single writes matters less
 * than speed on a dev machine, as with start-dev's `--sqlite-pragma`s. In
 * memory: a database shared by the process's connections, gone with it.
 */
export function sqliteDatastore(dbFilename: string | undefined): Record<string, unknown> {
  const connectAttributes = dbFilename
    ? { mode: 'rwc', setup: 'true', journal_mode: 'wal', synchronous: '0' }
    : { mode: 'memory', cache: 'shared', setup: 'true' };
  const databaseName = dbFilename ?? `dev-server-${randomUUID()}`;
  // The config check requires an address and protocol of every SQL store; SQLite uses neither.
  return { sql: { pluginName: 'sqlite', databaseName, connectAddr: 'localhost', connectProtocol: 'tcp', connectAttributes } };
}

export interface DevServerConfigInput {
  /** Where the frontend listens (the project's ip option, e.g. 127.0.0.1 or 0.0.0.0). */
  ip: string;
  /** An address of this machine that reaches the frontend: the other services listen there too. */
  host: string;
  port: number;
  /** The other services' ports and the frontend's HTTP and membership ports: free ports on `host`. */
  internalPorts: { frontendHttp: number; frontendMembership: number; services: Record<'history' | 'matching' | 'worker', { grpc: number; membership: number }> };
  dbFilename: string | undefined;
  dynamicConfig?: Readonly<Record<string, number>>;
}

/** Writes the server's config and its dynamic config into `dir`; returns the config file. */
export function writeDevServerConfig(dir: string, input: DevServerConfigInput): string {
  const ports: ServerPorts = {
    frontendHttp: input.internalPorts.frontendHttp,
    services: { ...input.internalPorts.services, frontend: { grpc: input.port, membership: input.internalPorts.frontendMembership } },
  };
  const layout = {
    host: input.host,
    frontendBindIp: input.ip,
    ports,
    historyShards: 1,
    // Visibility in the same database, as start-dev has it.
    persistence: { defaultStore: 'sqlite', visibilityStore: 'sqlite', datastores: { sqlite: sqliteDatastore(input.dbFilename) } },
  };
  const header = '# Written by the project dev server start (src/temporal/devServerLaunch.ts); rewritten at each start.\n';
  return writeServerConfigFiles(dir, 'dev-server', layout, devDynamicConfig(input.dynamicConfig), header);
}

/** The ui-server reads <root>/<config>/<env>.yaml: these are its `--config` and `--env`. */
export const UI_CONFIG_SUBDIR = 'ui';
export const UI_CONFIG_ENV = 'dev-server';

/** The Web UI on ip:uiPort, talking to the frontend at `frontendAddress`, as start-dev configures its own. */
export function writeUiConfig(dir: string, input: { ip: string; uiPort: number; frontendAddress: string; namespace: string }): void {
  const configDir = path.join(dir, UI_CONFIG_SUBDIR);
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const config = {
    temporalGrpcAddress: input.frontendAddress,
    // The UI joins host and port as given: an IPv6 address needs its brackets.
    host: input.ip.includes(':') ? `[${input.ip}]` : input.ip,
    port: input.uiPort,
    enableUi: true,
    defaultNamespace: input.namespace,
    // Plain http on a dev machine: a Secure cookie would never come back.
    cors: { cookieInsecure: true },
    // No banner and no request log: nobody reads the UI's output unless it fails.
    hideLogs: true,
  };
  writeFileSync(path.join(configDir, `${UI_CONFIG_ENV}.yaml`), stringify(config), { mode: 0o600 });
}
