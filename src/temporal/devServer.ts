// Starts the real Temporal dev server (SQLite persistence, Web UI) with the
// project's search attributes registered. Used by `npm run temporal`, the demo,
// the test suite, the benchmarks and the fault suite's restarts.
//
// By default it is Temporal server 1.32.2 built from its Go module, all four
// services in one process, with the Web UI server as a second process
// (./devServerConfig.ts says why not the CLI); a user's own Temporal CLI
// (TEMPORAL_CLI_PATH, or `temporal` on PATH) runs as `server start-dev`.
// Either is run by this module rather than by the SDK's launcher, whose 5 s
// start limit a first start here has exceeded (a large binary not yet in the
// page cache, a new SQLite file, a busy machine). It waits as long as
// TEMPORAL_START_TIMEOUT_MS allows, and when the server truly fails it says
// why, with the command and the server's last output.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopChildProcess } from '../tools/childProcess';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_TEMPORAL_START_TIMEOUT_MS } from '../config';
import { freePort } from '../tools/ports';
import { AD_SEARCH_ATTRIBUTES } from '../workflows/ad/searchAttributes';
import { shellCommand, tuningArgs } from './devServerCommand';
import { cliLaunch, reachableHost, serverLaunch, type LaunchPlan, type ProcessSpec } from './devServerLaunch';
import { OutputTail } from './outputTail';
import { grpcAddress, whyNotReady } from './serverReadiness';
import { resolveTemporalExecutable, type TemporalExecutable } from './temporalBinary';

export interface DevServerOptions {
  ip?: string;
  /** gRPC port; 0 or undefined picks a free one. */
  port?: number;
  /** Web UI port; 0 picks a free one; undefined turns the UI off. */
  uiPort?: number;
  /** SQLite file (state survives restarts); undefined keeps everything in memory. */
  dbFilename?: string;
  temporalCliPath?: string;
  /** How long the server may take to answer; default 120 s (callers pass TEMPORAL_START_TIMEOUT_MS from loadConfig). */
  startTimeoutMs?: number;
  /** Where the server's output is appended; default `<dbFilename>.log` with a db file, none without. */
  logFile?: string;
  /** Dynamic config values replacing the project's dev defaults (DEV_DYNAMIC_CONFIG); for benchmarks. */
  dynamicConfig?: Readonly<Record<string, number>>;
  /** Aborting stops a start in progress (and the server it started). */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface DevServer {
  /** The server process (undefined when the SDK's launcher runs it); the Web UI may be a process of its own. */
  pid: number | undefined;
  /** host:port for clients and workers. */
  address: string;
  port: number;
  namespace: string;
  uiUrl: string | undefined;
  dbFilename: string | undefined;
  logFile: string | undefined;
  /** What to pass to startDevServer to start this server again: the same port and db file. */
  restartOptions: DevServerOptions;
  /** The server's last output lines (empty when the SDK's launcher runs it). */
  recentOutput(): string[];
  /** SIGTERM, then SIGKILL if it has not exited within 10 s (the Web UI first, then the server). Safe to call twice. */
  stop(): Promise<void>;
}

/** Why a start failed; the message carries everything needed to act on it. */
export class DevServerStartError extends Error {
  override readonly name = 'DevServerStartError';
  constructor(
    message: string,
    readonly command: string,
    readonly output: string[],
    readonly exitCode?: number | null,
  ) {
    super(message);
  }
}

const NAMESPACE = 'default';
const CHECK_EVERY_MS = 200;
const CHECK_TIMEOUT_MS = 2_000;
const STOP_GRACE_MS = 10_000;
const OUTPUT_LINES_SHOWN = 20;

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

function outputBlock(lines: string[]): string {
  if (lines.length === 0) return 'It wrote no output.';
  return `Its last ${lines.length} lines of output:\n${lines.map((l) => `  | ${l}`).join('\n')}`;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  return startDevServerWith(resolveTemporalExecutable(options.temporalCliPath, options.log), options);
}

/** startDevServer with the executable given rather than looked up (the tests give fake ones). */
export async function startDevServerWith(executable: TemporalExecutable, options: DevServerOptions = {}): Promise<DevServer> {
  if (options.dbFilename) mkdirSync(path.dirname(options.dbFilename), { recursive: true });
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port || (await freePort(ip));
  const uiPort = options.uiPort === 0 ? await freePort(ip) : options.uiPort;
  const resolved = { ...options, ip, port, uiPort };
  if (executable.type === 'cached-download') return startWithSdkLauncher(resolved);
  const launch = { ip, port, uiPort, dbFilename: options.dbFilename, namespace: NAMESPACE, dynamicConfig: options.dynamicConfig };
  const plan = executable.type === 'cli' ? cliLaunch(executable.path, launch) : await serverLaunch(executable, launch);
  return startProcesses(plan, resolved);
}

type ResolvedOptions = DevServerOptions & { ip: string; port: number; uiPort: number | undefined };

type EarlyEnd = { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null } | { kind: 'spawn'; error: Error };

/** One process of the dev server, its output going to the shared tail. */
interface Running {
  /** How messages name it: "The Temporal dev server", "The Temporal Web UI". */
  name: string;
  command: string;
  /** Where it was to answer. */
  address: string;
  child: ChildProcess;
  /** Settles the moment the process cannot become ready: it failed to spawn or exited. */
  ended: Promise<EarlyEnd>;
}

function spawnFollowed(spec: ProcessSpec, name: string, address: string, output: OutputTail, prefix = ''): Running {
  const command = shellCommand(spec.binary, spec.args);
  output.logOnly(`--- ${new Date().toISOString()} ${command}`);
  const child = spawn(spec.binary, spec.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  output.follow(child.stdout!, prefix);
  output.follow(child.stderr!, prefix);
  // 'close' comes after its output pipes are drained, so the last lines are in the tail; 'exit' is the
  // backstop for a grandchild that keeps the pipes open.
  const ended = new Promise<EarlyEnd>((resolve) => {
    child.once('error', (error) => resolve({ kind: 'spawn', error }));
    child.once('close', (code, signal) => resolve({ kind: 'exit', code, signal }));
    child.once('exit', (code, signal) => setTimeout(() => resolve({ kind: 'exit', code, signal }), 500).unref());
  });
  return { name, command, address, child, ended };
}

function earlyExitError(end: EarlyEnd, at: { running: Running; afterMs: number; output: string[] }): DevServerStartError {
  const { name, command, address } = at.running;
  if (end.kind === 'spawn') {
    return new DevServerStartError(`${name} could not be started: ${end.error.message}\nCommand: ${command}`, command, at.output);
  }
  const how = end.code !== null ? `with code ${end.code}` : `on signal ${end.signal}`;
  return new DevServerStartError(
    `${name} exited ${how} after ${seconds(at.afterMs)}, before it answered on ${address}.\n` + `Command: ${command}\n${outputBlock(at.output)}`,
    command,
    at.output,
    end.code,
  );
}

async function startProcesses(plan: LaunchPlan, options: ResolvedOptions): Promise<DevServer> {
  const { ip, port, uiPort, dbFilename } = options;
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_TEMPORAL_START_TIMEOUT_MS;
  const logFile = options.logFile ?? (dbFilename ? `${dbFilename}.log` : undefined);
  const host = reachableHost(ip);
  const output = new OutputTail(50, logFile);

  const started = Date.now();
  const server = spawnFollowed(plan.server, 'The Temporal dev server', grpcAddress(host, port), output);
  const ui = plan.ui && uiPort !== undefined ? spawnFollowed(plan.ui, 'The Temporal Web UI', grpcAddress(host, uiPort), output, 'ui: ') : undefined;
  // The Web UI first: it is the server's client.
  const processes = ui ? [ui, server] : [server];
  // A server must not outlive the process that started it when that process ends without calling stop().
  const killOnExit = () => {
    for (const { child } of processes) child.kill('SIGKILL');
    plan.cleanup();
  };
  process.once('exit', killOnExit);
  const finish = async () => {
    for (const { child } of processes) await stopChildProcess(child, STOP_GRACE_MS);
    process.removeListener('exit', killOnExit);
    plan.cleanup();
    await output.close();
  };

  const early = Promise.race(processes.map((running) => running.ended.then((end) => ({ end, running }))));
  const aborted = new Promise<'aborted'>((resolve) => {
    if (options.signal?.aborted) resolve('aborted');
    options.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
  });

  const target = {
    host,
    port,
    namespace: NAMESPACE,
    searchAttributes: AD_SEARCH_ATTRIBUTES.map((k) => k.name),
    register: plan.register ? (line: string) => output.logOnly(line) : undefined,
    uiPort,
  };
  let lastReason = 'not checked yet';
  let ready = false;
  while (!ready && Date.now() - started < timeoutMs) {
    const remaining = timeoutMs - (Date.now() - started);
    const outcome = await Promise.race([whyNotReady(target, Math.min(CHECK_TIMEOUT_MS, Math.max(remaining, 100))), early, aborted]);
    if (outcome === 'aborted') {
      await finish();
      throw new DevServerStartError(`The Temporal dev server start was aborted after ${seconds(Date.now() - started)}.`, server.command, output.last());
    }
    if (typeof outcome === 'object') {
      await finish();
      throw earlyExitError(outcome.end, { running: outcome.running, afterMs: Date.now() - started, output: output.last(OUTPUT_LINES_SHOWN) });
    }
    if (outcome === undefined) ready = true;
    else {
      lastReason = outcome;
      await Promise.race([sleep(CHECK_EVERY_MS), early, aborted]);
    }
  }
  if (!ready) {
    await finish();
    const lines = output.last(OUTPUT_LINES_SHOWN);
    const commands = processes.map((p) => `Command: ${p.command}`).reverse().join('\n');
    throw new DevServerStartError(
      `The Temporal dev server did not answer on ${grpcAddress(host, port)} within ${seconds(timeoutMs)} ` +
        `(TEMPORAL_START_TIMEOUT_MS sets this limit); it has been stopped.\n` +
        `Last check: ${lastReason}\n${commands}\n${outputBlock(lines)}`,
      server.command,
      lines,
    );
  }

  let stopping: Promise<void> | undefined;
  return {
    pid: server.child.pid,
    address: grpcAddress(host, port),
    port,
    namespace: NAMESPACE,
    uiUrl: uiPort !== undefined ? `http://${grpcAddress(host, uiPort)}` : undefined,
    dbFilename,
    logFile,
    restartOptions: { ...options, signal: undefined },
    recentOutput: () => output.last(),
    stop: () => (stopping ??= finish()),
  };
}

/** Machines with neither a `temporal` CLI nor Go: the SDK downloads its CLI and runs it with its own (5 s) start limit. */
async function startWithSdkLauncher(options: ResolvedOptions): Promise<DevServer> {
  const { ip, port, uiPort, dbFilename } = options;
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download' },
      ip,
      port,
      ui: uiPort !== undefined,
      uiPort,
      dbFilename,
      searchAttributes: [...AD_SEARCH_ATTRIBUTES],
      extraArgs: tuningArgs(options.dynamicConfig),
    },
  });
  let stopping: Promise<void> | undefined;
  return {
    pid: undefined,
    address: env.address,
    port,
    namespace: env.namespace ?? NAMESPACE,
    uiUrl: uiPort !== undefined ? `http://${grpcAddress(reachableHost(ip), uiPort)}` : undefined,
    dbFilename,
    logFile: undefined,
    restartOptions: { ...options, signal: undefined },
    recentOutput: () => [],
    stop: () => (stopping ??= env.teardown()),
  };
}
