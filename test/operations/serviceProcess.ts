// A service entry point (src/entrypoints/worker/main.ts, the receiver's main) in a child
// process exactly as `npm run ...` starts it, for the shutdown tests: its
// output kept, ready once a line matches, and its exit status handed back.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';

export interface ServiceProcess {
  pid: number;
  output(): string;
  /** Resolves with the exit status (or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL if still running: the clean-up after a failed test. */
  kill(): Promise<void>;
}

export async function startService(script: string, env: Record<string, string | undefined>, ready: RegExp, readyTimeoutMs = 90_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, script)], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const isReady = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready within ${readyTimeoutMs} ms:\n${output.slice(-3000)}`)), readyTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before it was ready:\n${output.slice(-3000)}`));
    });
  });
  const service: ServiceProcess = {
    pid: child.pid!,
    output: () => output,
    exited,
    signal: (signal) => void child.kill(signal),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  try {
    await isReady;
  } catch (err) {
    await service.kill();
    throw err;
  }
  return service;
}

/** The JSON log lines of a service whose message matches. */
export function logLines(output: string, msg: RegExp): Array<Record<string, unknown>> {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      return msg.test(String(parsed.msg)) ? [parsed] : [];
    } catch {
      return [];
    }
  });
}
