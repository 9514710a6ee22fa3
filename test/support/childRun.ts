// A command run as a child process with its output collected, for the tests
// that drive the project's commands (CLIs, servers) as a user would.
import { spawn, type SpawnOptions } from 'node:child_process';

export interface ChildOutput {
  /** The exit code; -1 when the child was ended by a signal. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface ChildRun {
  /** What the child has written so far. */
  stdout(): string;
  stderr(): string;
  /** Settles once the child has closed its output and exited. */
  done: Promise<ChildOutput>;
}

/** `options` must leave stdout and stderr as pipes (the default). */
export function startChild(command: string, args: string[], options: SpawnOptions): ChildRun {
  const child = spawn(command, args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<ChildOutput>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
  return { stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs the command to its end. */
export function runChild(command: string, args: string[], options: SpawnOptions): Promise<ChildOutput> {
  return startChild(command, args, options).done;
}
