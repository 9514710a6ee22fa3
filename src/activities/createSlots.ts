// How many creates with stored images one worker process sends at once. Each
// holds its images in memory as base64 (about 9 MB for seven 1 MB images)
// from reading them until Vidu's answer, which echoes them back; a burst of
// ads would otherwise hold all of them at the same time. Vidu runs at most a
// few tasks per account anyway, and a create takes well under a second, so
// waiting for a slot (heartbeating) costs a burst little time.
import { Context } from '@temporalio/activity';

/** One heartbeat while a create waits; a rejection ends the wait with it (see createEvidence.ts). */
export type WaitingBeat = () => Promise<void>;

export const IMAGE_CREATES_AT_ONCE = 2;
const HEARTBEAT_MS = 5_000;

export class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(
    size: number,
    private readonly beatEveryMs = HEARTBEAT_MS,
  ) {
    this.free = size;
  }

  /**
   * Runs `work` once a slot is free, calling `beat` every few seconds while it
   * waits (the create's heartbeats must be awaited: createEvidence.ts).
   */
  async run<T>(work: () => Promise<T>, beat: WaitingBeat): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await this.waitForSlot(beat);
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }

  private async waitForSlot(beat: WaitingBeat): Promise<void> {
    const context = Context.current();
    let granted = false;
    let leave!: (reason: unknown) => void;
    const turn = new Promise<void>((resolve, reject) => {
      const grant = () => {
        granted = true;
        context.cancellationSignal.removeEventListener('abort', onAbort);
        resolve();
      };
      leave = (reason: unknown) => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        context.cancellationSignal.removeEventListener('abort', onAbort);
        reject(reason instanceof Error ? reason : new Error(String(reason)));
      };
      const onAbort = () => leave(context.cancellationSignal.reason ?? new Error('cancelled while waiting to create'));
      this.waiting.push(grant);
      if (context.cancellationSignal.aborted) onAbort();
      else context.cancellationSignal.addEventListener('abort', onAbort, { once: true });
    });
    // A beat every few seconds until the turn comes, each awaited: none is left in flight once it has come.
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const pause = new Promise<'beat'>((resolve) => (timer = setTimeout(() => resolve('beat'), this.beatEveryMs)));
      try {
        if ((await Promise.race([turn.then(() => 'turn' as const), pause])) === 'turn') return;
      } finally {
        clearTimeout(timer);
      }
      try {
        await beat();
      } catch (err) {
        // Granted during the beat: the slot is ours and run() frees it; the create's next step meets the same trouble.
        if (granted) return;
        leave(err);
        throw err;
      }
    }
  }
}
