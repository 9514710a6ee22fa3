// Fault injection: what the simulator does wrong on purpose, so that tests can
// prove the orchestrator survives errors, slowness, lost or repeated callbacks,
// failed tasks and requests whose answer never arrives.
import type { EditType } from '../vidu/apiTypes';

export type SimEndpoint = 'create' | 'creations' | 'subRecords' | 'edit' | 'compose' | 'cancel' | 'credits';
export const SIM_ENDPOINTS: readonly SimEndpoint[] = ['create', 'creations', 'subRecords', 'edit', 'compose', 'cancel', 'credits'];

export interface FaultConfig {
  http?: HttpFault[];
  callbacks?: CallbackFault;
  taskFailures?: TaskFailureFault[];
  media?: MediaFault;
}

export interface HttpFault {
  endpoint: SimEndpoint | '*';
  /** Only requests about this task (path id, or ad_one_click_task_id in the body). */
  taskId?: string;
  /** 0..1, default 1. */
  rate?: number;
  /** The rule fires at most N times, then it is spent. */
  times?: number;
  /** Answer this error instead; the request has no effect. */
  error?: { status: number; code: string; message?: string };
  /** Delay before handling. */
  latencyMs?: number;
  /** The request takes effect (and is charged), then the socket is destroyed or never answered. */
  applyThenDrop?: 'reset' | 'timeout';
  /** The rule applies for this many ms once its window opens (see `from`), then it is spent: an outage of a set length. */
  forMs?: number;
  /**
   * When the rule starts to apply: 'set' (default), as soon as the config is
   * set; 'adSuccess', once the next main ad task turns `success` (an outage
   * right after the main task succeeds, before the client has read it).
   */
  from?: 'set' | 'adSuccess';
}

export interface CallbackFault {
  /** Only callbacks of this task (main or sub-task id). */
  taskId?: string;
  /** Rate 0..1 of callbacks silently not sent. */
  drop?: number;
  /** Rate 0..1 of callbacks sent twice (same body, each delivery with a fresh nonce). */
  duplicate?: number;
  /** Extra delay before each callback. */
  delayMs?: number;
  /** Hold a task's callbacks until it finishes, then deliver them newest first. */
  reorder?: boolean;
  /**
   * Extra signed callbacks whose body lies (Vidu signs the URL, not the body),
   * each sent once when the task turns `processing`, while it still runs:
   * 'success' claims success with progress 100, 'failed' claims failure with
   * an err_code, 'other-task' claims success for a task id that does not exist.
   */
  lies?: CallbackLie[];
}

export type CallbackLie = 'success' | 'failed' | 'other-task';
export const CALLBACK_LIES: readonly CallbackLie[] = ['success', 'failed', 'other-task'];

export interface MediaFault {
  /** The next N media downloads answer 403 "Request has expired", as a URL past its expiry does. */
  expireNext?: number;
  /** Every media download waits this long before it is answered (holds a download in flight). */
  latencyMs?: number;
}

export interface TaskFailureFault {
  kind: 'ad' | 'edit' | 'compose';
  /** The task ends `failed` with this err_code and is refunded. */
  errCode: string;
  /** The next N tasks of this kind fail (default 1). */
  times?: number;
  editType?: EditType;
  /** Only edits or composes of this ad (its main task id); an ad's own id is unknown before it is created. */
  adId?: string;
}

/** What the HTTP faults decide for one request. */
export interface HttpFaultEffect {
  latencyMs: number;
  error?: { status: number; code: string; message?: string };
  applyThenDrop?: 'reset' | 'timeout';
}

export interface CallbackFaultDecision {
  drop: boolean;
  duplicate: boolean;
  delayMs: number;
  reorder: boolean;
}

/** What the media faults decide for one download. */
export interface MediaFaultEffect {
  latencyMs: number;
  expired: boolean;
}

interface Counted<T> {
  rule: T;
  remaining: number;
}

/** A time-boxed HTTP rule: applies from `opensAt` (undefined: not yet, waiting for its trigger) until `closesAt`. */
interface TimedHttpRule extends Counted<HttpFault> {
  opensAt?: number;
  closesAt: number;
}

function rolls(rate: number | undefined, random: () => number): boolean {
  const r = rate ?? 1;
  return r >= 1 || random() < r;
}

/** The active fault config plus how many firings each rule has left. */
export class FaultPlan {
  private http: TimedHttpRule[] = [];
  private taskFailures: Counted<TaskFailureFault>[] = [];
  private callbacks: CallbackFault | undefined;
  private media: MediaFault = {};
  private expiriesLeft = 0;

  constructor(
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  replace(config: FaultConfig): void {
    const now = this.now();
    this.http = (config.http ?? []).map((rule) => {
      const opensAt = (rule.from ?? 'set') === 'set' ? now : undefined;
      return { rule: { ...rule }, remaining: rule.times ?? Infinity, opensAt, closesAt: closing(opensAt, rule.forMs) };
    });
    this.taskFailures = (config.taskFailures ?? []).map((rule) => ({ rule: { ...rule }, remaining: rule.times ?? 1 }));
    this.callbacks = config.callbacks ? { ...config.callbacks, lies: config.callbacks.lies && [...config.callbacks.lies] } : undefined;
    this.media = { ...config.media };
    this.expiriesLeft = config.media?.expireNext ?? 0;
  }

  /** Called when a main ad task turns `success`: opens the windows of rules waiting for it. */
  adSucceeded(): void {
    const now = this.now();
    for (const entry of this.http) {
      if (entry.opensAt !== undefined || entry.rule.from !== 'adSuccess') continue;
      entry.opensAt = now;
      entry.closesAt = closing(now, entry.rule.forMs);
    }
  }

  clear(): void {
    this.replace({});
  }

  /** Every rule matching the request that wins its rate roll fires (and uses up one of its `times`). */
  forRequest(endpoint: SimEndpoint, taskId: string | undefined): HttpFaultEffect {
    const effect: HttpFaultEffect = { latencyMs: 0 };
    const now = this.now();
    for (const entry of this.http) {
      const { rule } = entry;
      if (entry.remaining <= 0 || entry.opensAt === undefined || now >= entry.closesAt) continue;
      if (rule.endpoint !== '*' && rule.endpoint !== endpoint) continue;
      if (rule.taskId !== undefined && rule.taskId !== taskId) continue;
      if (!rolls(rule.rate, this.random)) continue;
      entry.remaining -= 1;
      effect.latencyMs += rule.latencyMs ?? 0;
      if (rule.error && !effect.error) effect.error = rule.error;
      if (rule.applyThenDrop && !effect.applyThenDrop) effect.applyThenDrop = rule.applyThenDrop;
    }
    return effect;
  }

  /** Called once per created task: the err_code it is doomed to end with, if any. */
  failureFor(kind: TaskFailureFault['kind'], task: { editType?: EditType; adId?: string } = {}): string | undefined {
    for (const entry of this.taskFailures) {
      const { rule } = entry;
      if (entry.remaining <= 0 || rule.kind !== kind) continue;
      if (rule.editType !== undefined && rule.editType !== task.editType) continue;
      if (rule.adId !== undefined && rule.adId !== task.adId) continue;
      entry.remaining -= 1;
      return rule.errCode;
    }
    return undefined;
  }

  /** The lies to tell (as extra callbacks) when this task turns `processing`. */
  liesFor(taskId: string): CallbackLie[] {
    const rule = this.callbacks;
    if (!rule?.lies || (rule.taskId !== undefined && rule.taskId !== taskId)) return [];
    return [...rule.lies];
  }

  /** Called once per media download. */
  forMedia(): MediaFaultEffect {
    const expired = this.expiriesLeft > 0;
    if (expired) this.expiriesLeft -= 1;
    return { latencyMs: this.media.latencyMs ?? 0, expired };
  }

  forCallback(taskId: string): CallbackFaultDecision {
    const rule = this.callbacks;
    if (!rule || (rule.taskId !== undefined && rule.taskId !== taskId)) {
      return { drop: false, duplicate: false, delayMs: 0, reorder: false };
    }
    return {
      drop: rule.drop !== undefined && rule.drop > 0 && rolls(rule.drop, this.random),
      duplicate: rule.duplicate !== undefined && rule.duplicate > 0 && rolls(rule.duplicate, this.random),
      delayMs: rule.delayMs ?? 0,
      reorder: rule.reorder ?? false,
    };
  }
}

function closing(opensAt: number | undefined, forMs: number | undefined): number {
  return opensAt === undefined || forMs === undefined ? Infinity : opensAt + forMs;
}
