// "No activity ran past its worker's exit", checked two ways that do not
// depend on each other:
// - the workers' own logs (LOG_LEVEL=debug: the SDK logs "Activity started"
//   and how each attempt ended, with its workflow, activity id and attempt):
//   every attempt a stopped worker started has its end in that worker's log,
//   before the process exited;
// - the ads' histories: no attempt run by a stopped worker (its identity,
//   `<pid>@<host>`, is on the ActivityTaskStarted event) closed after the
//   worker exited, and no attempt that some worker started timed out (a
//   heartbeat or start-to-close timeout: the server gave up on a running
//   attempt). A timed-out attempt that was retried leaves its trace in the
//   next attempt's lastFailure.
// An attempt that timed out without any worker ever starting it was lost on
// its way to a worker that was shutting down: a server that does not cancel a
// stopping worker's polls (1.29.1, which an older CLI's dev server runs; 1.32
// unless frontend.enableCancelWorkerPollsOnShutdown is on, as the local cluster
// and the project's dev server set it) can hand an activity task to a poll the
// worker is dropping. It never ran, so it is reported apart (`lostInTransit`), not as a problem; its retry runs on
// another worker and, for requests that spend credits, looks Vidu up first.
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface StoppedWorker {
  /** The worker's identity as its ActivityTaskStarted events carry it. */
  identity: string;
  /** When its process exited (epoch ms, this machine's clock). */
  exitedAt: number;
  /** Its log (JSON lines at LOG_LEVEL=debug). */
  log: string;
  name: string;
}

/** One activity attempt a worker started, from its log. */
export interface ActivityRun {
  workflowId: string;
  activityId: string;
  attempt: number;
  activityType: string;
  startedAt: number;
  /** When the SDK logged the attempt's end (completed, failed, cancelled); undefined if it never did. */
  endedAt?: number;
}

export interface ActivityExitReport {
  /** Activity attempts the stopped workers started (so that an empty check is visible). */
  attemptsByStoppedWorkers: number;
  /** What went wrong, one line each; empty when every attempt ended in time. */
  problems: string[];
  /** Attempts that timed out without any worker having started them (see above). */
  lostInTransit: string[];
}

/** Clock granularity between this process, the workers and the server on one machine. */
const SLACK_MS = 500;

const runKey = (workflowId: string, activityId: string, attempt: number) => `${workflowId}/${activityId}/${attempt}`;

export function eventTimeMs(event: HistoryEvent): number | undefined {
  if (!event.eventTime) return undefined;
  return Number(String(event.eventTime.seconds ?? 0)) * 1000 + Math.floor((event.eventTime.nanos ?? 0) / 1e6);
}

/** The activity attempts a worker's debug log shows started, each with when it ended, if it did. */
export function activityRunsInLog(log: string): ActivityRun[] {
  const runs = new Map<string, ActivityRun>();
  for (const line of log.split('\n')) {
    if (!line.startsWith('{') || !line.includes('"Activity ')) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const msg = String(entry.msg);
    const workflowId = String(entry.workflowId);
    const activityId = String(entry.activityId);
    const attempt = Number(entry.attempt);
    const at = Date.parse(String(entry.time));
    const key = runKey(workflowId, activityId, attempt);
    if (msg === 'Activity started') {
      runs.set(key, { workflowId, activityId, attempt, activityType: String(entry.activityType), startedAt: at });
    } else if (/^Activity (completed|failed)/.test(msg)) {
      const run = runs.get(key);
      if (run) run.endedAt = at;
    }
  }
  return [...runs.values()];
}

/** From the logs: every attempt a stopped worker started ended in its log before it exited. */
function logProblems(stopped: StoppedWorker[]): { problems: string[]; attempts: number } {
  const problems: string[] = [];
  let attempts = 0;
  for (const worker of stopped) {
    for (const run of activityRunsInLog(worker.log)) {
      attempts += 1;
      const what = `${run.workflowId}: ${run.activityType} attempt ${run.attempt} on ${worker.name}`;
      if (run.endedAt === undefined) problems.push(`${what} started and never ended before the worker exited`);
      else if (run.endedAt > worker.exitedAt + SLACK_MS) problems.push(`${what} ended ${run.endedAt - worker.exitedAt} ms after the worker exited`);
    }
  }
  return { problems, attempts };
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

/**
 * `histories`: the ads of the batch; `stopped`: the workers stopped during it;
 * `allLogs`: every worker's log of the batch (stopped or not), to tell an
 * attempt that ran and timed out from one no worker ever started.
 */
export function checkActivitiesEndedBeforeExit(histories: Array<{ workflowId: string; history: History }>, stopped: StoppedWorker[], allLogs: string[]): ActivityExitReport {
  const fromLogs = logProblems(stopped);
  const problems = [...fromLogs.problems];
  const lostInTransit: string[] = [];
  const ran = new Map<string, ActivityRun>();
  for (const log of allLogs) for (const run of activityRunsInLog(log)) ran.set(runKey(run.workflowId, run.activityId, run.attempt), run);
  const byIdentity = new Map(stopped.map((w) => [w.identity, w]));
  const timedOut = (workflowId: string, activityId: string, attempt: number, what: string) => {
    if (ran.has(runKey(workflowId, activityId, attempt))) problems.push(`${what}: a worker started it and it timed out (abandoned)`);
    else lostInTransit.push(what);
  };
  for (const { workflowId, history } of histories) {
    const events = history.events ?? [];
    const closes = closingEvents(events);
    const scheduled = new Map<number, { type: string; activityId: string }>();
    for (const event of events) {
      const id = Number(String(event.eventId ?? 0));
      const attrs = event.activityTaskScheduledEventAttributes;
      if (attrs) scheduled.set(id, { type: attrs.activityType?.name ?? '?', activityId: attrs.activityId ?? '?' });
      const started = event.activityTaskStartedEventAttributes;
      if (!started) continue;
      const { type, activityId } = scheduled.get(Number(String(started.scheduledEventId ?? 0))) ?? { type: '?', activityId: '?' };
      const attempt = started.attempt ?? 1;
      if (started.lastFailure?.timeoutFailureInfo) timedOut(workflowId, activityId, attempt - 1, `${workflowId}: ${type} attempt ${attempt - 1} (${started.lastFailure.message ?? 'timeout'})`);
      const close = closes.get(id);
      if (close?.kind === 'timed out') timedOut(workflowId, activityId, attempt, `${workflowId}: ${type} attempt ${attempt} (timed out, last)`);
      const worker = started.identity ? byIdentity.get(started.identity) : undefined;
      if (!worker) continue;
      // Lost in transit: the stopping worker's poll took it (its identity is on the event) but never ran it,
      // so it timed out after that worker's exit. A create, given one attempt, shows it as its own close.
      if (close?.kind === 'timed out' && !ran.has(runKey(workflowId, activityId, attempt))) continue;
      const what = `${workflowId}: ${type} attempt ${attempt} by ${worker.name}`;
      if (!close) problems.push(`${what} never closed`);
      else if (close.at !== undefined && close.at > worker.exitedAt + SLACK_MS) problems.push(`${what} closed (${close.kind}) ${close.at - worker.exitedAt} ms after that worker exited`);
    }
  }
  return { attemptsByStoppedWorkers: fromLogs.attempts, problems, lostInTransit };
}
