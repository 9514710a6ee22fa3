// Starts the real Temporal dev server (SQLite persistence, Web UI) with the
// project's search attributes registered. Used by `npm run temporal`, the demo,
// the test suite, the benchmarks and the fault suite's restarts.
//
// The project runs `temporal server start-dev` itself instead of through the
// SDK's launcher, whose 5 s start limit a first start here has exceeded (a
// 250 MB binary not yet in the page cache, a new SQLite file, a busy machine).
// It waits as long as TEMPORAL_START_TIMEOUT_MS allows, and when the server
// truly fails it says why, with the command and the server's last output.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopChildProcess } from '../tools/childProcess';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_TEMPORAL_START_TIMEOUT_MS } from '../config';
import { freePort } from '../tools/ports';
import { AD_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';
import { devServerArgs, shellCommand, tuningArgs } from './devServerCommand';
import { OutputTail } from './outputTail';
import { grpcAddress, whyNotReady } from './serverReadiness';
import { resolveTemporalExecutable } from './temporalBinary';

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
  /** The server process (undefined when the SDK's launcher runs it). */
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
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. Safe to call twice. */
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

/** A host clients can reach when the server binds every interface. */
function reachableHost(ip: string): string {
  if (ip === '0.0.0.0') return '127.0.0.1';
  if (ip === '::') return '::1';
  return ip;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const executable = resolveTemporalExecutable(options.temporalCliPath, options.log);
  if (options.dbFilename) mkdirSync(path.dirname(options.dbFilename), { recursive: true });
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port || (await freePort(ip));
  const uiPort = options.uiPort === 0 ? await freePort(ip) : options.uiPort;
  const resolved = { ...options, ip, port, uiPort };
  if (executable.type === 'cached-download') return startWithSdkLauncher(resolved);
  return startProcess(executable.path, resolved);
}

type ResolvedOptions = DevServerOptions & { ip: string; port: number; uiPort: number | undefined };

type EarlyEnd = { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null } | { kind: 'spawn'; error: Error };

function earlyExitError(end: EarlyEnd, at: { command: string; address: string; afterMs: number; output: string[] }): DevServerStartError {
  if (end.kind === 'spawn') {
    return new DevServerStartError(`The Temporal dev server could not be started: ${end.error.message}\nCommand: ${at.command}`, at.command, at.output);
  }
  const how = end.code !== null ? `with code ${end.code}` : `on signal ${end.signal}`;
  return new DevServerStartError(
    `The Temporal dev server exited ${how} after ${seconds(at.afterMs)}, before it answered on ${at.address}.\n` +
      `Command: ${at.command}\n${outputBlock(at.output)}`,
    at.command,
    at.output,
    end.code,
  );
}

async function startProcess(binary: string, options: ResolvedOptions): Promise<DevServer> {
  const { ip, port, uiPort, dbFilename } = options;
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_TEMPORAL_START_TIMEOUT_MS;
  const logFile = options.logFile ?? (dbFilename ? `${dbFilename}.log` : undefined);
  const args = devServerArgs({ ip, port, uiPort, dbFilename, dynamicConfig: options.dynamicConfig });
  const command = shellCommand(binary, args);
  const output = new OutputTail(50, logFile);
  output.logOnly(`--- ${new Date().toISOString()} ${command}`);

  const started = Date.now();
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  output.follow(child.stdout!);
  output.follow(child.stderr!);
  // A server must not outlive the process that started it when that process ends without calling stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const finish = async () => {
    await stopChildProcess(child, STOP_GRACE_MS);
    process.removeListener('exit', killOnExit);
    await output.close();
  };

  // Settles the moment the process cannot become ready: it failed to spawn or exited. 'close' comes after
  // its output pipes are drained, so the last lines are in the tail; 'exit' is the backstop for a
  // grandchild that keeps the pipes open.
  const early = new Promise<EarlyEnd>((resolve) => {
    child.once('error', (error) => resolve({ kind: 'spawn', error }));
    child.once('close', (code, signal) => resolve({ kind: 'exit', code, signal }));
    child.once('exit', (code, signal) => setTimeout(() => resolve({ kind: 'exit', code, signal }), 500).unref());
  });
  const aborted = new Promise<'aborted'>((resolve) => {
    if (options.signal?.aborted) resolve('aborted');
    options.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
  });

  const host = reachableHost(ip);
  const target = { host, port, namespace: NAMESPACE, searchAttributes: AD_SEARCH_ATTRIBUTES.map((k) => k.name) };
  let lastReason = 'not checked yet';
  let ready = false;
  while (!ready && Date.now() - started < timeoutMs) {
    const remaining = timeoutMs - (Date.now() - started);
    const outcome = await Promise.race([whyNotReady(target, Math.min(CHECK_TIMEOUT_MS, Math.max(remaining, 100))), early, aborted]);
    if (outcome === 'aborted') {
      await finish();
      throw new DevServerStartError(`The Temporal dev server start was aborted after ${seconds(Date.now() - started)}.`, command, output.last());
    }
    if (typeof outcome === 'object') {
      await finish();
      throw earlyExitError(outcome, { command, address: grpcAddress(host, port), afterMs: Date.now() - started, output: output.last(OUTPUT_LINES_SHOWN) });
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
    throw new DevServerStartError(
      `The Temporal dev server did not answer on ${grpcAddress(host, port)} within ${seconds(timeoutMs)} ` +
        `(TEMPORAL_START_TIMEOUT_MS sets this limit); it has been stopped.\n` +
        `Last check: ${lastReason}\nCommand: ${command}\n${outputBlock(lines)}`,
      command,
      lines,
    );
  }

  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid,
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

/** Machines with neither a `temporal` binary nor Go: the SDK downloads the CLI and runs it with its own (5 s) start limit. */
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
