// Processes the cluster started, followed by pid rather than by a child
// handle: `npm run cluster -- start` leaves them running detached and a later
// `stop` (another process) finds them again through the state file. A pid is
// only trusted while its command line still names the cluster's folder, so a
// recycled pid is never signalled.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Alive and not a zombie (a zombie has exited; it only waits for its parent to reap it). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the command name, which is in parentheses and may itself hold spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    // No /proc (not Linux) or no such process: fall back to signal 0.
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}

/** The process's arguments, or undefined when it is gone or unreadable. */
export function commandLineOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((part) => part !== '');
  } catch {
    return undefined;
  }
}

/** Whether `pid` runs and its command line contains every one of `marks` (e.g. the cluster folder). */
export function isOurProcess(pid: number | undefined, marks: readonly string[]): pid is number {
  if (pid === undefined || !isRunning(pid)) return false;
  const args = commandLineOf(pid);
  if (args === undefined) return true; // no /proc to check with: trust the pid file
  return marks.every((mark) => args.includes(mark));
}

/** Resolves true once `pid` has exited, false if it still runs after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Sends `signal`; when that is not SIGKILL and the process outlives `graceMs`, SIGKILL. Resolves once it has exited. */
export async function stopPid(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return;
    throw err;
  }
  if (await waitForExit(pid, signal === 'SIGKILL' ? 10_000 : graceMs)) return;
  if (signal !== 'SIGKILL') process.kill(pid, 'SIGKILL');
  if (!(await waitForExit(pid, 10_000))) throw new Error(`process ${pid} did not exit after SIGKILL`);
}
