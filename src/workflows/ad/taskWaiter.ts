// Waiting for a Vidu task to finish. Callbacks (delivered as signals and
// routed here by task id) are hints: a final state in one wakes the waiter,
// which confirms it with the query API before acting, since callback bodies
// are not signed. Polling on a backoff schedule is the safety net for
// callbacks that never come. Duplicate, late and out-of-order callbacks are
// harmless: they can only raise progress or trigger one more query.
//
// Two clocks, both confirmed by the query API before they end a wait: time
// in Vidu's queue (queueDeadlineMs) and time processing (deadlineMs), so a
// burst that fills the account's five slots does not cancel queued ads. A
// query that fails is "no news" until the outage budget is spent. Whatever
// ends a wait early (cancel, a deadline, a failure) cancels the Vidu task, so
// it does not keep running and billing.
import { ActivityFailure, ApplicationFailure, CancellationScope, condition, isCancellation, log } from '@temporalio/workflow';
import { isFinalState } from '../../vidu/apiTypes';
import type { CancelOutcome, TaskSnapshot } from './activityContract';
import type { TaskClock } from './state';
import { FAILURE_TYPES } from '../shared/failures';
import type { ViduCallbackSignal } from './contract';
import { failureCause } from '../shared/outageRetry';
import { nextPollDelay, type PollingSchedule } from './pollingSchedule';
import { shortDuration, shortTaskId } from '../shared/shortText';

/** The activities a wait calls, each call with its summary for the Web UI. */
export type WaiterActivities = (summary: string) => {
  getTaskState(taskId: string): Promise<TaskSnapshot>;
  cancelViduTask(taskId: string): Promise<CancelOutcome>;
};

/** How summaries name the task: "main task", "compose task", "edit of storyboard 1". */
function taskName(label: string): string {
  return label === 'ad' ? 'main task' : label === 'compose' ? 'compose task' : label;
}

export interface WaitOptions {
  /** What the task is, for messages: "ad", "edit of storyboard 1", "compose". */
  label: string;
  polling: PollingSchedule;
  /** Longest processing time, counted from when Vidu reports the task past its queue. */
  deadlineMs: number;
  /** Longest time in Vidu's queue. */
  queueDeadlineMs: number;
  /** Longest run of failing queries. */
  outageBudgetMs: number;
  onProgress(progress: number): void;
  /** Called when the wait ends early and Vidu confirms the task was cancelled. */
  onViduCancelled?(taskId: string): void;
  /** What the wait is held up by (failing queries); undefined once it is not. */
  onWaiting?(message: string | undefined): void;
}

interface Watch {
  finalHinted: boolean;
  progress: number;
  /** When a callback first said the task is processing (confirmed by the next query). */
  processingHintedAt?: number;
  /** Set when a hint moved the next deadline: the waiter recomputes when to wake. */
  rescheduled?: boolean;
  /** Set while the task is watched: progress from callbacks goes straight to the status. */
  report?(progress: number): void;
}

const UNCONFIRMED_PROGRESS_CAP = 99;
/** Callbacks for tasks not (yet) watched: a callback can overtake the activity that created its task. */
const EARLY_HINTS_KEPT = 16;
const QUEUE_STATES = new Set(['created', 'queueing', 'preparation', 'scheduling']);

function clampProgress(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.min(100, value)) : undefined;
}

function deadlineFailure(type: string, message: string, taskId: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, details: [{ taskId }], nonRetryable: true });
}

export class ViduTaskWaiter {
  private readonly watches = new Map<string, Watch>();
  private readonly earlyHints = new Map<string, Watch>();

  /** `clocks` lives in the ad's state, so a run that continues as new keeps counting. */
  constructor(
    private readonly activities: WaiterActivities,
    private readonly clocks: Record<string, TaskClock>,
  ) {}

  /** Routes one callback; never throws (a bad one is ignored). */
  onCallback(signal: ViduCallbackSignal, now: number): void {
    const taskId = signal.taskId;
    let watch = this.watches.get(taskId);
    if (!watch) {
      watch = this.earlyHints.get(taskId) ?? { finalHinted: false, progress: 0 };
      this.earlyHints.delete(taskId);
      this.earlyHints.set(taskId, watch);
      if (this.earlyHints.size > EARLY_HINTS_KEPT) this.earlyHints.delete(this.earlyHints.keys().next().value!);
    }
    // Unsigned bodies: until the query API confirms a final state, a callback moves progress to 99 at most.
    const claimed = clampProgress(signal.progress);
    const progress = claimed === undefined ? undefined : Math.min(claimed, UNCONFIRMED_PROGRESS_CAP);
    if (progress !== undefined && progress > watch.progress) {
      watch.progress = progress;
      watch.report?.(progress);
    }
    const state = signal.state;
    if (typeof state !== 'string') return;
    if (isFinalState(state)) watch.finalHinted = true;
    else if (!QUEUE_STATES.has(state) && watch.processingHintedAt === undefined) {
      watch.processingHintedAt = now;
      watch.rescheduled = true;
    }
  }

  /**
   * Resolves with the task's snapshot once the query API reports a final
   * state (success, failed or canceled).
   */
  async wait(taskId: string, options: WaitOptions): Promise<TaskSnapshot> {
    const watch = this.earlyHints.get(taskId) ?? { finalHinted: false, progress: 0 };
    this.earlyHints.delete(taskId);
    this.watches.set(taskId, watch);
    let reported = -1;
    watch.report = (progress: number) => {
      if (progress <= reported) return;
      reported = progress;
      options.onProgress(progress);
    };
    watch.report(watch.progress);
    const clock = (this.clocks[taskId] ??= { since: Date.now() });
    let delay = options.polling.initialMs;
    let failingSince: number | undefined;
    try {
      for (;;) {
        const untilDeadline = this.nextDeadline(clock, watch, options) - Date.now();
        const timeout = Math.max(1, Math.min(delay, untilDeadline));
        const name = taskName(options.label);
        const timer = timeout < delay ? `check ${name} deadline in ${shortDuration(timeout)}` : `poll ${name} again in ${shortDuration(timeout)}`;
        const hinted = await condition(() => watch.finalHinted || watch.rescheduled === true, timeout, { summary: timer });
        if (hinted && !watch.finalHinted) {
          watch.rescheduled = false;
          continue;
        }
        watch.finalHinted = false;
        const snapshot = await this.query(taskId, options);
        if (snapshot === undefined) {
          failingSince ??= Date.now();
          if (Date.now() - failingSince >= options.outageBudgetMs) {
            throw deadlineFailure(FAILURE_TYPES.outageBudgetExhausted, `querying Vidu ${options.label} task ${taskId} kept failing for longer than the outage budget (${options.outageBudgetMs} ms)`, taskId);
          }
        } else {
          if (failingSince !== undefined) options.onWaiting?.(undefined);
          failingSince = undefined;
          if (isFinalState(snapshot.state)) {
            delete this.clocks[taskId];
            return snapshot;
          }
          this.checkDeadlines(taskId, snapshot, clock, watch, options);
          watch.progress = Math.max(watch.progress, snapshot.progress);
          watch.report(watch.progress);
        }
        // A hint the query did not confirm does not count as a poll: the schedule stays where it was.
        if (!hinted) delay = nextPollDelay(delay, options.polling);
      }
    } catch (err) {
      await this.cancelQuietly(taskId, options);
      delete this.clocks[taskId];
      throw err;
    } finally {
      this.watches.delete(taskId);
    }
  }

  /** When the next deadline would pass, so the waiter wakes to check it with a query. */
  private nextDeadline(clock: TaskClock, watch: Watch, options: WaitOptions): number {
    const processingSince = clock.processingSince ?? watch.processingHintedAt;
    return processingSince !== undefined ? processingSince + options.deadlineMs : clock.since + options.queueDeadlineMs;
  }

  /** Ends the wait when the query just confirmed that the task is over one of its limits. */
  private checkDeadlines(taskId: string, snapshot: TaskSnapshot, clock: TaskClock, watch: Watch, options: WaitOptions): void {
    const now = Date.now();
    if (QUEUE_STATES.has(snapshot.state)) {
      watch.processingHintedAt = undefined;
      if (now - clock.since >= options.queueDeadlineMs) {
        throw deadlineFailure(FAILURE_TYPES.queueDeadline, `Vidu ${options.label} task ${taskId} waited in Vidu's queue longer than ${options.queueDeadlineMs} ms`, taskId);
      }
      return;
    }
    clock.processingSince ??= Math.min(now, watch.processingHintedAt ?? now);
    if (now - clock.processingSince >= options.deadlineMs) {
      throw deadlineFailure(FAILURE_TYPES.taskDeadline, `Vidu ${options.label} task ${taskId} did not finish within ${options.deadlineMs} ms of starting to process`, taskId);
    }
  }

  /** One query; a failure a retry might cure is reported and treated as "no news". */
  private async query(taskId: string, options: WaitOptions): Promise<TaskSnapshot | undefined> {
    try {
      return await this.activities(`poll ${taskName(options.label)} ${shortTaskId(taskId)}`).getTaskState(taskId);
    } catch (err) {
      if (isCancellation(err)) throw err;
      const cause = failureCause(err);
      if (!(err instanceof ActivityFailure) || (cause.nonRetryable && !cause.timeout)) throw err;
      const message = `querying Vidu ${options.label} task ${taskId} failed, retrying: ${cause.message}`;
      log.warn(message);
      options.onWaiting?.(message);
      return undefined;
    }
  }

  /** Cancels the Vidu task, shielded from the cancellation that may have brought us here. */
  private async cancelQuietly(taskId: string, options: WaitOptions): Promise<void> {
    await CancellationScope.nonCancellable(async () => {
      try {
        const outcome = await this.activities(`cancel ${taskName(options.label)} ${shortTaskId(taskId)}`).cancelViduTask(taskId);
        if (outcome.cancelled) options.onViduCancelled?.(taskId);
        else log.info(`Vidu ${options.label} task ${taskId} was not cancelled: ${outcome.detail ?? 'no reason given'}`);
      } catch (err) {
        log.warn(`cancelling Vidu ${options.label} task ${taskId} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }
}
