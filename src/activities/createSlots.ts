// How many creates with stored images one worker process sends at once. Each
// holds its images in memory as base64 (about 9 MB for seven 1 MB images)
// from reading them until Vidu's answer, which echoes them back; a burst of
// ads would otherwise hold all of them at the same time. Vidu runs at most a
// few tasks per account anyway, and a create takes well under a second, so
// waiting for a slot (heartbeating) costs a burst little time.
import { Context } from '@temporalio/activity';

export const IMAGE_CREATES_AT_ONCE = 2;
const HEARTBEAT_MS = 5_000;

export class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  /** Runs `work` once a slot is free, heartbeating the activity while it waits. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await this.waitForSlot();
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }

  private async waitForSlot(): Promise<void> {
    const context = Context.current();
    const timer = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
    try {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const index = this.waiting.indexOf(grant);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(context.cancellationSignal.reason instanceof Error ? context.cancellationSignal.reason : new Error('cancelled while waiting to create'));
        };
        const grant = () => {
          context.cancellationSignal.removeEventListener('abort', onAbort);
          resolve();
        };
        if (context.cancellationSignal.aborted) return onAbort();
        context.cancellationSignal.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(grant);
      });
    } finally {
      clearInterval(timer);
    }
  }
}
