// Runs a command to completion and, when it fails, throws an error holding
// the command line and what it wrote: the set-up steps (initdb, pg_ctl, the
// SQL tool) are only worth reporting with their own words.
import { execFile } from 'node:child_process';
import { shellCommand } from '../temporal/devServerCommand';

export interface CommandResult {
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly what: string,
    readonly command: string,
    readonly exitCode: number | string | undefined,
    readonly output: string,
  ) {
    super(`${what} failed (exit ${exitCode ?? 'unknown'})\nCommand: ${command}${output ? `\nOutput:\n${indent(output)}` : ''}`);
  }
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .slice(-30)
    .map((line) => `  | ${line}`)
    .join('\n');
}

export function runCommand(
  what: string,
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: options.env ?? process.env, cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        const code = (error as NodeJS.ErrnoException & { code?: number | string }).code ?? error.signal ?? undefined;
        reject(new CommandError(what, shellCommand(file, args), code, `${stdout}${stderr}` || error.message));
      },
    );
  });
}
