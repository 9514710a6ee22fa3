// Whether something is still there: a process, a server. The tests that check
// that a command stopped everything it started ask these.

/** Whether a process with this id exists (a zombie not yet reaped counts). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether anything answers at `url` within `timeoutMs` (any HTTP status counts; a refused connection or a timeout does not). */
export async function answers(url: string, timeoutMs: number): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}
