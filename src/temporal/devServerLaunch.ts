// What a dev server start runs, for each kind of Temporal executable
// (./temporalBinary.ts): a CLI's `server start-dev`, one process that is the
// server and the Web UI; or the server built from its Go module with its
// config files written first, and the Web UI server as a second process.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isPortFree, pickServerPort } from '../tools/ports';
import { serverArgs, startDevArgs, uiServerArgs } from './devServerCommand';
import { writeDevServerConfig, writeUiConfig, type DevServerConfigInput } from './devServerConfig';
import { grpcAddress } from './serverReadiness';

export interface ProcessSpec {
  binary: string;
  args: string[];
}

export interface LaunchPlan {
  server: ProcessSpec;
  /** The Web UI when it is a process of its own. */
  ui?: ProcessSpec;
  /** The server makes neither the namespace nor the search attributes: the start creates them through its API. */
  register: boolean;
  /** Removes what the plan wrote (after the processes have stopped). */
  cleanup(): void;
}

export interface LaunchOptions {
  ip: string;
  port: number;
  uiPort: number | undefined;
  dbFilename: string | undefined;
  namespace: string;
  dynamicConfig?: Readonly<Record<string, number>>;
}

/** A host clients can reach when the server binds every interface. */
export function reachableHost(ip: string): string {
  if (ip === '0.0.0.0') return '127.0.0.1';
  if (ip === '::') return '::1';
  return ip;
}

export function cliLaunch(cli: string, options: LaunchOptions): LaunchPlan {
  const { ip, port, uiPort, dbFilename, dynamicConfig } = options;
  return { server: { binary: cli, args: startDevArgs({ ip, port, uiPort, dbFilename, dynamicConfig }) }, register: false, cleanup: () => undefined };
}

type InternalPorts = DevServerConfigInput['internalPorts'];

/**
 * The server's other ports (history, matching and worker gRPC, all four membership ports, the
 * frontend's HTTP port): free ports on `host`, only the frontend's gRPC port being the caller's.
 * With a database file they are kept in `<dir>/ports.json` and taken again at the next start
 * while they are free: each service finds the others through the membership table in the
 * database, and members that answered within the last 20 s are the ones it must join. After a
 * quick restart on new ports those would be the stopped server's, and the start fails after
 * 75 s of trying to join them ("failed to start ringpop").
 */
async function internalPorts(host: string, taken: Set<number>, keptIn: string | undefined): Promise<InternalPorts> {
  const file = keptIn && path.join(keptIn, 'ports.json');
  const kept = file ? readKeptPorts(file) : undefined;
  if (kept) {
    const all = [kept.frontendHttp, kept.frontendMembership, ...Object.values(kept.services).flatMap((p) => [p.grpc, p.membership])];
    if (all.every((p) => !taken.has(p)) && (await Promise.all(all.map((p) => isPortFree(p, host)))).every(Boolean)) return kept;
  }
  const pick = () => pickServerPort(host, taken);
  const service = async () => ({ grpc: await pick(), membership: await pick() });
  const ports = { frontendHttp: await pick(), frontendMembership: await pick(), services: { history: await service(), matching: await service(), worker: await service() } };
  if (file) writeFileSync(file, `${JSON.stringify(ports, null, 2)}\n`);
  return ports;
}

function readKeptPorts(file: string): InternalPorts | undefined {
  try {
    const ports = JSON.parse(readFileSync(file, 'utf8')) as InternalPorts;
    return Number.isInteger(ports.services.worker.membership) ? ports : undefined;
  } catch {
    return undefined;
  }
}

export async function serverLaunch(binaries: { server: string; ui: string }, options: LaunchOptions): Promise<LaunchPlan> {
  const { ip, port, uiPort, dbFilename } = options;
  const host = reachableHost(ip);
  // The config files are written anew at each start. Beside a database file (with the ports kept
  // for it); for a database in memory, in a scratch folder removed at the stop.
  const dir = dbFilename ? `${dbFilename}.config` : mkdtempSync(path.join(tmpdir(), 'temporal-dev-server-'));
  const cleanup = () => {
    if (!dbFilename) rmSync(dir, { recursive: true, force: true });
  };
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const taken = new Set(uiPort === undefined ? [port] : [port, uiPort]);
    const ports = await internalPorts(host, taken, dbFilename ? dir : undefined);
    const configFile = writeDevServerConfig(dir, { ip, host, port, internalPorts: ports, dbFilename, dynamicConfig: options.dynamicConfig });
    if (uiPort !== undefined) writeUiConfig(dir, { ip, uiPort, frontendAddress: grpcAddress(host, port), namespace: options.namespace });
    return {
      server: { binary: binaries.server, args: serverArgs(configFile) },
      ui: uiPort === undefined ? undefined : { binary: binaries.ui, args: uiServerArgs(dir) },
      register: true,
      cleanup,
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}
