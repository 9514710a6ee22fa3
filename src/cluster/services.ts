// One Temporal server process per service (frontend, history, matching,
// worker), started detached with its output appended to <dir>/logs/<service>.log,
// so the cluster keeps running after the command that started it has exited.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readSync, fstatSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { shellCommand } from '../temporal/devServerCommand';
import { portAccepts } from '../tools/ports';
import { commandLineOf, isRunning } from './processes';
import { CLUSTER_HOST, type ClusterPorts } from './ports';
import { CONFIG_ENV, CONFIG_SUBDIR } from './serverConfig';
import type { TemporalService } from './types';

export function serviceLogFile(dir: string, service: TemporalService): string {
  return path.join(dir, 'logs', `${service}.log`);
}

export function serviceArgs(dir: string, service: TemporalService): string[] {
  return ['--root', dir, '--config', CONFIG_SUBDIR, '--env', CONFIG_ENV, '--allow-no-auth', 'start', '--service', service];
}

/** What a running process of this service in this cluster has in its command line. */
export function serviceMarks(dir: string, service: TemporalService): string[] {
  return [dir, '--service', service];
}

/** The port that answers once the service is up: its gRPC port, or for the worker (which serves no gRPC) its membership port. */
export function readinessPort(ports: ClusterPorts, service: TemporalService): number {
  const own = ports.services[service];
  return service === 'worker' ? own.membership : own.grpc;
}

/** Starts the service's process, detached; returns its pid. */
export function spawnService(binary: string, dir: string, service: TemporalService): number {
  const logFile = serviceLogFile(dir, service);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const args = serviceArgs(dir, service);
  const fd = openSync(logFile, 'a');
  try {
    writeSync(fd, `--- ${new Date().toISOString()} ${shellCommand(binary, args)}\n`);
    const child = spawn(binary, args, { cwd: dir, detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new Error(`the ${service} service could not be started: ${binary} did not run`);
    // Neither the child nor its error may keep this process alive or crash it: its exit is watched by pid.
    child.on('error', () => undefined);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** The last lines of a log file, for error messages. */
export function logTail(file: string, lines = 20): string {
  try {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const length = Math.min(size, 16_384);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      return buffer
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .slice(-lines)
        .map((line) => `  | ${line.length > 400 ? `${line.slice(0, 400)}...` : line}`)
        .join('\n');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '  (no log)';
  }
}

export class ServiceExitedError extends Error {
  override readonly name = 'ServiceExitedError';
  constructor(service: TemporalService, logFile: string) {
    super(`the ${service} service exited during its start; the end of ${logFile}:\n${logTail(logFile)}`);
  }
}

/** Resolves once the service's port accepts connections; throws when its process exits first or after `timeoutMs`. */
export async function waitForServicePort(dir: string, ports: ClusterPorts, service: TemporalService, pid: number, timeoutMs: number): Promise<void> {
  const port = readinessPort(ports, service);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isRunning(pid)) throw new ServiceExitedError(service, serviceLogFile(dir, service));
    if (await portAccepts(CLUSTER_HOST, port)) return;
    if (Date.now() > deadline) {
      throw new Error(`the ${service} service did not listen on ${CLUSTER_HOST}:${port} within ${timeoutMs / 1000} s; the end of its log:\n${logTail(serviceLogFile(dir, service))}`);
    }
    await sleep(100);
  }
}

/**
 * Every process of the cluster in `dir` found by its command line (`--root <dir>`),
 * including any the state file lost track of; Linux only (elsewhere: none).
 */
export function findServiceProcesses(dir: string): { pid: number; service: string }[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: { pid: number; service: string }[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const args = commandLineOf(pid);
    if (!args || !isRunning(pid)) continue;
    const root = args.indexOf('--root');
    if (root === -1 || args[root + 1] !== dir || !args.includes('start')) continue;
    const service = args[args.indexOf('--service') + 1] ?? 'unknown';
    found.push({ pid, service });
  }
  return found;
}
