// Keeps every take past Vidu's one-hour URLs. On each occasion (the records
// were read, an edit's take appeared) it runs one `saveTakes` activity for the
// successful takes that still lack a kept file, and records the paths on the
// takes themselves, so the status shows them and continue-as-new carries them.
// It runs beside the ad, never in its way: a take that cannot be saved is
// left without `media` and tried again on the next occasion, and an outage
// that outlasts the budget is logged, not thrown. Occasions that come while a
// save runs are folded into one more save after it.
import { CancellationScope, TemporalFailure, condition, isCancellation, log, patched } from '@temporalio/workflow';
import type { SavedTakes, TakeToSave } from './activityContract';
import type { AdState, SlotState } from './state';
import { failureCause, retryThroughOutages } from '../shared/outageRetry';
import type { TakeStatus } from './contract';
import type { AdRun } from './run';

/** Histories recorded before takes were kept never reach a saveTakes call. */
export const SAVE_TAKES_PATCH = 'save-takes';

function slotsWithKind(state: AdState): Array<[SlotState, TakeToSave['kind']]> {
  const audio = [state.narration, state.bgm].filter((s): s is SlotState => s !== undefined);
  return [...state.storyboards.map((s): [SlotState, 'video'] => [s, 'video']), ...audio.map((s): [SlotState, 'audio'] => [s, 'audio'])];
}

/** The successful takes with a file still missing (a video take's cover counts). */
export function takesToSave(state: AdState): TakeToSave[] {
  const wanted = new Map<string, TakeToSave>();
  for (const [slot, kind] of slotsWithKind(state)) {
    for (const take of slot.takes) {
      const media = take.media === undefined;
      const cover = kind === 'video' && take.cover === undefined;
      if (take.state === 'success' && (media || cover) && !wanted.has(take.id)) wanted.set(take.id, { id: take.id, kind, media, cover });
    }
  }
  return [...wanted.values()];
}

/** Writes the saved paths onto the takes (a take id may appear in one slot only, but look everywhere). */
export function recordSavedTakes(state: AdState, result: SavedTakes): void {
  const byId = new Map(result.saved.map((s) => [s.id, s]));
  const takes: TakeStatus[] = slotsWithKind(state).flatMap(([slot]) => slot.takes);
  for (const take of takes) {
    const saved = byId.get(take.id);
    if (saved?.media) take.media = saved.media;
    if (saved?.cover) take.cover = saved.cover;
  }
}

export class TakeKeeper {
  /** Occasions seen by this run; a save repeats when one came while it ran. */
  private occasions = 0;
  private running = false;
  private calling = false;
  private scope: CancellationScope | undefined;
  private waitingMessage: string | undefined;

  constructor(private readonly run: AdRun) {}

  /** The records were read, or an edit's take appeared: save what is missing. */
  occasion(): void {
    if (!patched(SAVE_TAKES_PATCH)) return;
    this.run.state.takesSaveDue = true;
    this.occasions += 1;
    this.start();
  }

  /** After continue-as-new: a save the previous run owed is made. */
  resume(): void {
    if (this.run.state.takesSaveDue && patched(SAVE_TAKES_PATCH)) this.start();
  }

  /**
   * Before the ad is done: lets a save that is under way finish (so the final
   * status shows its files), and stops one that only waits out an outage.
   */
  async finish(): Promise<void> {
    if (!this.running) return;
    await condition(() => !this.running || !this.calling);
    this.scope?.cancel();
    await condition(() => !this.running);
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    const scope = new CancellationScope({ cancellable: true, parent: this.run.body });
    this.scope = scope;
    const stopped = () => {
      this.running = false;
      this.scope = undefined;
    };
    scope.run(() => this.loop()).then(stopped, (err: unknown) => {
      stopped();
      // A bug (not a Temporal failure) must fail the workflow task, where it shows and is
      // retried once fixed, instead of quietly ending the keeping of takes.
      if (!(err instanceof TemporalFailure)) throw err;
    });
  }

  private async loop(): Promise<void> {
    const { state } = this.run;
    while (state.takesSaveDue) {
      const seen = this.occasions;
      const wanted = takesToSave(state);
      if (wanted.length > 0 && !(await this.saveOnce(wanted))) return;
      if (this.occasions === seen) state.takesSaveDue = false;
    }
  }

  /** One save through outages; false when the ad's scope was cancelled. */
  private async saveOnce(takes: TakeToSave[]): Promise<boolean> {
    const { state } = this.run;
    const input = { adId: state.adId, mainTaskId: state.mainTaskId!, takes };
    try {
      const result = await retryThroughOutages(() => this.call(() => this.run.acts.saves(`keep ${takes.length} take${takes.length === 1 ? '' : 's'}`).saveTakes(input)), {
        what: 'saving the takes',
        budgetMs: this.run.limits.outageBudgetMs,
        idempotent: true,
        onWaiting: (message) => this.waiting(message),
      });
      recordSavedTakes(state, result);
      if (result.unsavedCount > 0) {
        const reasons = result.unsaved.map((u) => `${u.id}: ${u.reason}`).join('; ');
        log.warn(`ad ${state.adId}: ${result.unsavedCount} take(s) not saved yet (tried again on the next occasion): ${reasons}`);
      }
      return true;
    } catch (err) {
      this.waiting(undefined);
      if (isCancellation(err)) return false;
      if (!(err instanceof TemporalFailure)) throw err;
      // Never the ad's failure: the takes stay without files until the next occasion.
      log.warn(`ad ${state.adId}: saving the takes failed (tried again on the next occasion): ${failureCause(err).message}`);
      return true;
    } finally {
      this.run.refresh();
    }
  }

  private async call<T>(activity: () => Promise<T>): Promise<T> {
    this.calling = true;
    try {
      return await activity();
    } finally {
      this.calling = false;
    }
  }

  /** Shows an outage wait in the status, and clears only its own message (the main path may have set another). */
  private waiting(message: string | undefined): void {
    if (message !== undefined) this.run.setWaiting(message);
    else if (this.waitingMessage !== undefined && this.run.state.waitingFor === this.waitingMessage) this.run.setWaiting(undefined);
    this.waitingMessage = message;
  }
}
