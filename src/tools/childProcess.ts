// Stopping a server this process spawned (the Temporal dev server, versitygw):
// SIGTERM, then SIGKILL once the grace time has passed; resolves once it has exited.
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves once the process has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function stopChildProcess(child: ChildProcess, graceMs: number): Promise<void> {
  // No pid: it never started, so there is nothing to stop and no 'exit' to wait for.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const gone = exited(child);
  child.kill('SIGTERM');
  // Unreferenced: a server that exits at once must not keep the caller's process alive for the grace period.
  const timer = sleep(graceMs, 'timeout' as const, { ref: false });
  if ((await Promise.race([gone.then(() => 'exited' as const), timer])) === 'timeout') {
    child.kill('SIGKILL');
    await gone;
  }
}
