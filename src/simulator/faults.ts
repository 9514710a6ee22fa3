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

interface Counted<T> {
  rule: T;
  remaining: number;
}

function rolls(rate: number | undefined, random: () => number): boolean {
  const r = rate ?? 1;
  return r >= 1 || random() < r;
}

/** The active fault config plus how many firings each rule has left. */
export class FaultPlan {
  private http: Counted<HttpFault>[] = [];
  private taskFailures: Counted<TaskFailureFault>[] = [];
  private callbacks: CallbackFault | undefined;

  constructor(private readonly random: () => number = Math.random) {}

  replace(config: FaultConfig): void {
    this.http = (config.http ?? []).map((rule) => ({ rule: { ...rule }, remaining: rule.times ?? Infinity }));
    this.taskFailures = (config.taskFailures ?? []).map((rule) => ({ rule: { ...rule }, remaining: rule.times ?? 1 }));
    this.callbacks = config.callbacks ? { ...config.callbacks } : undefined;
  }

  clear(): void {
    this.replace({});
  }

  /** Every rule matching the request that wins its rate roll fires (and uses up one of its `times`). */
  forRequest(endpoint: SimEndpoint, taskId: string | undefined): HttpFaultEffect {
    const effect: HttpFaultEffect = { latencyMs: 0 };
    for (const entry of this.http) {
      const { rule } = entry;
      if (entry.remaining <= 0) continue;
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
