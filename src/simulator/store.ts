// The simulator's state: every task (main ads, edits, composes and the records
// an ad produces), the account's credit balance and the counters. Nothing here
// knows about time or HTTP.
import type { AspectRatio, ComposeParams, EditType, Language, ViduTaskState } from '../vidu/apiTypes';
import { ApiError } from './errors';
import { emptyCounters, type SimulatorCounters } from './counters';
import type { TimerHandle } from './timers';

/** `output` tasks are the takes, narration, bgm and first composed video an ad produces; they are born finished. */
export type TaskKind = 'ad' | 'edit' | 'compose' | 'output';

export interface AdDetails {
  images: string[];
  duration: number;
  aspectRatio: AspectRatio;
  language: Language;
  /** Task ids of each storyboard's video records, by storyboard index; filled when the ad succeeds. */
  storyboards: string[][];
  narration: string[];
  bgm: string[];
  /** Successful compose task ids, the ad's own first. */
  composed: string[];
}

export interface SimTask {
  id: string;
  kind: TaskKind;
  /** The main ad task id (its own id for an ad). */
  adId: string;
  state: ViduTaskState;
  progress: number;
  errCode: string;
  /** Credits this task costs; 0 once refunded. */
  credits: number;
  prompt: string;
  payload: string;
  callbackUrl?: string;
  /** What an edit or output record is (video take, narration, bgm); composes and ads have none. */
  recordType?: EditType;
  storyboardIndex?: number;
  composeParams?: ComposeParams;
  /** Id of the media this task produced, set on success. */
  creationId?: string;
  /** The err_code a fault dooms this task to end with. */
  doomedTo?: string;
  ad?: AdDetails;
  /** The one timer moving this task forward, so that cancel can stop it. */
  timer?: TimerHandle;
  /** Passed its minimum time in `queueing` and may start when a slot frees. */
  ready?: boolean;
  /** Epoch ms when the task reached a final state (success, failed, canceled). */
  finishedAt?: number;
  /** Epoch ms when the task was accepted (set by the store). */
  createdAt?: number;
}

export class SimulatorStore {
  readonly tasks = new Map<string, SimTask>();
  /** The task that produced each creation, for the media renderer. */
  private readonly byCreation = new Map<string, SimTask>();
  readonly counters: SimulatorCounters;

  constructor(initialCredits: number) {
    this.counters = emptyCounters(initialCredits);
  }

  get(id: string): SimTask | undefined {
    return this.tasks.get(id);
  }

  add(task: SimTask): void {
    task.createdAt ??= Date.now();
    this.tasks.set(task.id, task);
  }

  /** Records the media a task produced. */
  setCreation(task: SimTask, creationId: string): void {
    task.creationId = creationId;
    this.byCreation.set(creationId, task);
  }

  byCreationId(creationId: string): SimTask | undefined {
    return this.byCreation.get(creationId);
  }

  adOf(task: SimTask): SimTask {
    const ad = this.tasks.get(task.adId);
    if (!ad?.ad) throw new Error(`task ${task.id} has no ad ${task.adId}`);
    return ad;
  }

  perAd(adId: string) {
    let entry = this.counters.perAd[adId];
    if (!entry) {
      entry = { creates: 0, edits: 0, composes: 0, creditsCharged: 0 };
      this.counters.perAd[adId] = entry;
    }
    return entry;
  }

  /** Throws CreditInsufficient (and changes nothing) when the balance cannot pay. */
  ensureAffordable(amount: number): void {
    if (amount > this.counters.creditsRemaining) {
      throw new ApiError(400, 'CreditInsufficient', `insufficient credits: ${amount} needed, ${this.counters.creditsRemaining} left`);
    }
  }

  charge(task: SimTask): void {
    this.counters.creditsRemaining -= task.credits;
    this.counters.creditsCharged += task.credits;
    this.perAd(task.adId).creditsCharged += task.credits;
  }

  /** Failed and cancelled tasks are not charged (docs/vidu-api.md, "Limits and prices"). */
  refund(task: SimTask): void {
    this.counters.creditsRemaining += task.credits;
    this.counters.creditsCharged -= task.credits;
    this.perAd(task.adId).creditsCharged -= task.credits;
    task.credits = 0;
  }

  countByState(state: string): number {
    let n = 0;
    for (const task of this.tasks.values()) if (task.state === state) n += 1;
    return n;
  }
}
