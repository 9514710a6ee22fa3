// Every timer of one simulation goes through its TimerSet so that close() and
// reset() can stop all of them at once: a stray timer would keep a test
// process alive or move a task of a store that no longer exists.
import { setTimeout as sleep } from 'node:timers/promises';

export type TimerHandle = ReturnType<typeof setTimeout>;

export class TimerSet {
  private readonly pending = new Set<TimerHandle>();
  private readonly abort = new AbortController();

  /** Runs fn after ms; does nothing once the set is disposed. */
  after(ms: number, fn: () => void): TimerHandle | undefined {
    if (this.disposed) return undefined;
    const handle = setTimeout(() => {
      this.pending.delete(handle);
      fn();
    }, Math.max(0, ms));
    this.pending.add(handle);
    return handle;
  }

  cancel(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    clearTimeout(handle);
    this.pending.delete(handle);
  }

  /** Resolves after ms, or rejects with an AbortError once the set is disposed. */
  sleep(ms: number): Promise<void> {
    return sleep(Math.max(0, ms), undefined, { signal: this.abort.signal });
  }

  /** Aborted on dispose: for in-flight work (outgoing HTTP calls) that must stop too. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get disposed(): boolean {
    return this.abort.signal.aborted;
  }

  dispose(): void {
    for (const handle of this.pending) clearTimeout(handle);
    this.pending.clear();
    this.abort.abort();
  }
}
