// "No activity ran past its worker's exit": checked from the ads' histories.
// Each ActivityTaskStarted event names the worker that ran the attempt (its
// identity, `<pid>@<host>` by default), and the attempt's closing event says
// how and when it ended, by the server's clock. A worker that drains properly
// ends every attempt it started (completed, failed, or cancelled into a
// retryable failure) before its process exits; an attempt it abandoned shows
// as one that closed after the exit, never closed, or timed out (a heartbeat
// or start-to-close timeout: the server gave up on it). A timed-out attempt
// that was retried leaves its trace in the next attempt's lastFailure.
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface StoppedWorker {
  /** The worker's identity as its ActivityTaskStarted events carry it. */
  identity: string;
  /** When its process exited (epoch ms, this machine's clock). */
  exitedAt: number;
}

export interface ActivityExitReport {
  /** Activity attempts the stopped workers ran (so that an empty check is visible). */
  attemptsByStoppedWorkers: number;
  /** What went wrong, one line each; empty when every attempt ended in time. */
  problems: string[];
}

/** Clock granularity between this process and the server on the same machine. */
const SLACK_MS = 500;

export function eventTimeMs(event: HistoryEvent): number | undefined {
  if (!event.eventTime) return undefined;
  return Number(String(event.eventTime.seconds ?? 0)) * 1000 + Math.floor((event.eventTime.nanos ?? 0) / 1e6);
}

function closingEvents(events: HistoryEvent[]): Map<number, { kind: string; at: number | undefined }> {
  const closes = new Map<number, { kind: string; at: number | undefined }>();
  for (const event of events) {
    const close =
      (event.activityTaskCompletedEventAttributes && { kind: 'completed', startedId: event.activityTaskCompletedEventAttributes.startedEventId }) ||
      (event.activityTaskFailedEventAttributes && { kind: 'failed', startedId: event.activityTaskFailedEventAttributes.startedEventId }) ||
      (event.activityTaskTimedOutEventAttributes && { kind: 'timed out', startedId: event.activityTaskTimedOutEventAttributes.startedEventId }) ||
      (event.activityTaskCanceledEventAttributes && { kind: 'cancelled', startedId: event.activityTaskCanceledEventAttributes.startedEventId });
    if (close && close.startedId !== undefined && close.startedId !== null) closes.set(Number(String(close.startedId)), { kind: close.kind, at: eventTimeMs(event) });
  }
  return closes;
}

export function checkActivitiesEndedBeforeExit(histories: Array<{ workflowId: string; history: History }>, stopped: StoppedWorker[]): ActivityExitReport {
  const byIdentity = new Map(stopped.map((w) => [w.identity, w]));
  const problems: string[] = [];
  let attemptsByStoppedWorkers = 0;
  for (const { workflowId, history } of histories) {
    const events = history.events ?? [];
    const closes = closingEvents(events);
    const activityTypes = new Map<number, string>();
    for (const event of events) {
      const id = Number(String(event.eventId ?? 0));
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled) activityTypes.set(id, scheduled.activityType?.name ?? '?');
      const started = event.activityTaskStartedEventAttributes;
      if (!started) continue;
      const type = activityTypes.get(Number(String(started.scheduledEventId ?? 0))) ?? '?';
      const what = `${workflowId}: ${type} attempt ${started.attempt ?? 1}`;
      if (started.lastFailure?.timeoutFailureInfo) {
        problems.push(`${what} follows an attempt that timed out (${started.lastFailure.message ?? 'timeout'}): a worker abandoned it`);
      }
      const close = closes.get(id);
      if (close?.kind === 'timed out') problems.push(`${what} (worker ${started.identity ?? '?'}) timed out: its worker abandoned it`);
      const worker = started.identity ? byIdentity.get(started.identity) : undefined;
      if (!worker) continue;
      attemptsByStoppedWorkers += 1;
      if (!close) problems.push(`${what} started by ${worker.identity} never closed`);
      else if (close.at !== undefined && close.at > worker.exitedAt + SLACK_MS) {
        problems.push(`${what} started by ${worker.identity} closed (${close.kind}) ${close.at - worker.exitedAt} ms after that worker exited`);
      }
    }
  }
  return { attemptsByStoppedWorkers, problems };
}
