// Waiting for a Vidu task to finish. Callbacks (delivered as signals and
// routed here by task id) are hints: a final state in one wakes the waiter,
// which confirms it with the query API before acting, since callback bodies
// are not signed. Polling on a backoff schedule is the safety net for
// callbacks that never come. Duplicate, late and out-of-order callbacks are
// harmless: they can only raise progress or trigger one more query.
import { ActivityFailure, ApplicationFailure, CancellationScope, condition, isCancellation, log } from '@temporalio/workflow';
import { isFinalState } from '../vidu/apiTypes';
import type { CancelOutcome, TaskSnapshot } from './activityTypes';
import { FAILURE_TYPES } from './failures';
import type { ViduCallbackSignal } from './messages';
import { nextPollDelay, type PollingSchedule } from './pollingSchedule';

export interface WaiterActivities {
  getTaskState(taskId: string): Promise<TaskSnapshot>;
  cancelViduTask(taskId: string): Promise<CancelOutcome>;
}

export interface WaitOptions {
  /** What the task is, for messages: "ad", "edit of storyboard 1", "compose". */
  label: string;
  polling: PollingSchedule;
  deadlineMs: number;
  onProgress(progress: number): void;
  /** Called when the wait ends early (cancel, deadline) and Vidu confirms the task was cancelled. */
  onViduCancelled?(taskId: string): void;
  /** Called when a query fails for a reason a later query may not have (the wait goes on). */
  onTransientError?(message: string): void;
}

interface Watch {
  finalHinted: boolean;
  progress: number;
  /** Set while the task is watched: progress from callbacks goes straight to the status. */
  report?(progress: number): void;
}

const UNCONFIRMED_PROGRESS_CAP = 99;

/** Callbacks for tasks not (yet) watched: a callback can overtake the activity that created its task. */
const EARLY_HINTS_KEPT = 16;

function clampProgress(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.min(100, value)) : undefined;
}

export class ViduTaskWaiter {
  private readonly watches = new Map<string, Watch>();
  private readonly earlyHints = new Map<string, Watch>();

  constructor(private readonly activities: WaiterActivities) {}

  /** Routes one callback signal; never throws (a bad body is ignored). */
  onCallback(signal: ViduCallbackSignal): void {
    const body = signal?.body;
    if (!body || typeof body !== 'object') return;
    const taskId = typeof body.id === 'string' && body.id ? body.id : typeof body.task_id === 'string' ? body.task_id : undefined;
    if (!taskId) return;
    let watch = this.watches.get(taskId);
    if (!watch) {
      watch = this.earlyHints.get(taskId) ?? { finalHinted: false, progress: 0 };
      this.earlyHints.delete(taskId);
      this.earlyHints.set(taskId, watch);
      if (this.earlyHints.size > EARLY_HINTS_KEPT) this.earlyHints.delete(this.earlyHints.keys().next().value!);
    }
    // Callback bodies are not signed: until the query API confirms a final state, a callback moves progress to 99 at most.
    const claimed = clampProgress(body.progress);
    const progress = claimed === undefined ? undefined : Math.min(claimed, UNCONFIRMED_PROGRESS_CAP);
    if (progress !== undefined && progress > watch.progress) {
      watch.progress = progress;
      watch.report?.(progress);
    }
    if (typeof body.state === 'string' && isFinalState(body.state)) watch.finalHinted = true;
  }

  /**
   * Resolves with the task's snapshot once the query API reports a final state
   * (success, failed or canceled). If the wait is cancelled, or the deadline
   * passes, the Vidu task is cancelled too (so it stops spending credits).
   */
  async wait(taskId: string, options: WaitOptions): Promise<TaskSnapshot> {
    const watch = this.earlyHints.get(taskId) ?? { finalHinted: false, progress: 0 };
    this.earlyHints.delete(taskId);
    this.watches.set(taskId, watch);
    let reported = -1;
    const report = (progress: number) => {
      if (progress > reported) {
        reported = progress;
        options.onProgress(progress);
      }
    };
    watch.report = report;
    report(watch.progress);
    const deadline = Date.now() + options.deadlineMs;
    let delay = options.polling.initialMs;
    try {
      for (;;) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          await this.cancelQuietly(taskId, options);
          throw ApplicationFailure.create({
            type: FAILURE_TYPES.taskDeadline,
            message: `Vidu ${options.label} task ${taskId} did not finish within ${options.deadlineMs} ms`,
            details: [{ taskId }],
            nonRetryable: true,
          });
        }
        const hinted = await condition(() => watch.finalHinted, Math.max(1, Math.min(delay, remaining)));
        watch.finalHinted = false;
        const snapshot = await this.query(taskId, options);
        if (snapshot) {
          if (isFinalState(snapshot.state)) return snapshot;
          watch.progress = Math.max(watch.progress, snapshot.progress);
          report(watch.progress);
        }
        // A hint the query did not confirm does not count as a poll: the schedule stays where it was.
        if (!hinted) delay = nextPollDelay(delay, options.polling);
      }
    } catch (err) {
      if (isCancellation(err)) await this.cancelQuietly(taskId, options);
      throw err;
    } finally {
      this.watches.delete(taskId);
    }
  }

  /** One query; a failure a retry might cure is reported and treated as "no news". */
  private async query(taskId: string, options: WaitOptions): Promise<TaskSnapshot | undefined> {
    try {
      return await this.activities.getTaskState(taskId);
    } catch (err) {
      if (isCancellation(err)) throw err;
      const cause = err instanceof ActivityFailure ? err.cause : err;
      if (cause instanceof ApplicationFailure && cause.nonRetryable) throw err;
      const message = `querying Vidu ${options.label} task ${taskId} failed: ${cause instanceof Error ? cause.message : String(cause)}`;
      log.warn(message);
      options.onTransientError?.(message);
      return undefined;
    }
  }

  /** Cancels the Vidu task, shielded from the cancellation that may have brought us here. */
  private async cancelQuietly(taskId: string, options: WaitOptions): Promise<void> {
    await CancellationScope.nonCancellable(async () => {
      try {
        const outcome = await this.activities.cancelViduTask(taskId);
        if (outcome.cancelled) options.onViduCancelled?.(taskId);
        else log.info(`Vidu ${options.label} task ${taskId} was not cancelled: ${outcome.detail ?? 'no reason given'}`);
      } catch (err) {
        log.warn(`cancelling Vidu ${options.label} task ${taskId} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }
}
