// One part of the system under test (simulator, receiver, worker) running as
// a real process: started with tsx, its stdout and stderr written to a log
// file (which the secret scan reads afterwards), ready once a line matches.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';

export interface ChildSpec {
  /** Names the log file: `<logDir>/<name>.log`. */
  name: string;
  script: string;
  args?: string[];
  /** Merged over this process's environment. */
  env?: Record<string, string | undefined>;
  logDir: string;
  /** Ready once stdout or stderr shows this; its first capture group (if any) is handed back. */
  ready: RegExp;
  readyTimeoutMs?: number;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When the process exited (epoch ms). */
  at: number;
}

export interface RunningChild {
  name: string;
  pid: number;
  logFile: string;
  /** The ready pattern's first capture group, or the whole match. */
  readyText: string;
  isRunning(): boolean;
  /** Resolves once the process has exited, with its exit status. */
  exited: Promise<ChildExit>;
  /** Sends a signal without waiting (e.g. SIGTERM, to watch the process stop by itself). */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if it has not gone within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: no clean-up, as a crash or an OOM kill. */
  kill(): Promise<void>;
}

const TAIL_CHARS = 4_000;

export async function startChild(spec: ChildSpec): Promise<RunningChild> {
  const logFile = path.join(spec.logDir, `${spec.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', spec.script, ...(spec.args ?? [])], {
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<ChildExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  void exited.then(() => log.end());
  let tail = '';
  const readyText = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${spec.name} was not ready within ${spec.readyTimeoutMs ?? 60_000} ms:\n${tail}`)), spec.readyTimeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-TAIL_CHARS);
      const match = spec.ready.exec(tail);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? match[0]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${spec.name} exited (${code ?? signal}) before it was ready:\n${tail}`));
    });
  });
  // Keep an unhandled rejection from a later exit out of the way once ready.
  readyText.catch(() => undefined);
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const signalAndWait = async (signal: NodeJS.Signals) => {
    if (!isRunning()) return;
    child.kill(signal);
    await exited;
  };
  try {
    const text = await readyText;
    return {
      name: spec.name,
      pid: child.pid!,
      logFile,
      readyText: text,
      isRunning,
      exited,
      signal: (signal) => {
        if (isRunning()) child.kill(signal);
      },
      kill: () => signalAndWait('SIGKILL'),
      async stop(graceMs = 10_000) {
        if (!isRunning()) return;
        const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await signalAndWait('SIGTERM');
        clearTimeout(force);
      },
    };
  } catch (err) {
    if (isRunning()) child.kill('SIGKILL');
    await exited;
    throw err;
  }
}
