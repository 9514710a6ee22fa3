// The cluster tier's rolling-restart check, on histories and worker logs
// made up here (so `npm test` runs it; no Temporal needed): it must catch an
// attempt that outlived its worker (in the log or in the history), and one a
// worker ran that timed out; it must tell one that no worker ever started
// (lost on its way to a stopping worker) from those.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { temporal } from '@temporalio/proto';
import { activityRunsInLog, checkActivitiesEndedBeforeExit, type StoppedWorker } from './activityExit';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const EXITED_AT = 1_700_000_010_000;
const WORKFLOW = 'ad-x';

/** One activity (id "8"): scheduled (event 5), started by `identity` (6), closed by `close` at `closedAt` (7). */
function history(identity: string, close: 'completed' | 'timedOut' | 'none', closedAt: number, attempt = 1, lastFailure?: object) {
  // Plain numbers where the proto types say Long: what the check reads either way (through Number(String(...))).
  const events: object[] = [
    { eventId: 5, eventTime: at(closedAt - 2_000), activityTaskScheduledEventAttributes: { activityId: '8', activityType: { name: 'startCompose' } } },
    { eventId: 6, eventTime: at(closedAt - 1_000), activityTaskStartedEventAttributes: { scheduledEventId: 5, identity, attempt, lastFailure } },
  ];
  if (close === 'completed') events.push({ eventId: 7, eventTime: at(closedAt), activityTaskCompletedEventAttributes: { scheduledEventId: 5, startedEventId: 6 } });
  if (close === 'timedOut') events.push({ eventId: 7, eventTime: at(closedAt), activityTaskTimedOutEventAttributes: { scheduledEventId: 5, startedEventId: 6 } });
  return { workflowId: WORKFLOW, history: { events: events as HistoryEvent[] } };
}

function logLine(msg: string, timeMs: number, attempt = 1): string {
  return JSON.stringify({ level: 'debug', time: new Date(timeMs).toISOString(), msg, workflowId: WORKFLOW, activityId: '8', attempt, activityType: 'startCompose' });
}

const worker = (log: string[]): StoppedWorker => ({ identity: '4242@host', exitedAt: EXITED_AT, name: 'worker-a', log: log.join('\n') });
const TIMEOUT = { message: 'activity Heartbeat timeout', timeoutFailureInfo: {} };

describe('activities ended before their worker exited', () => {
  it('reads the attempts a worker started, and their ends, from its debug log', () => {
    const runs = activityRunsInLog([logLine('Activity started', 1_000), 'not json', logLine('Activity completed', 1_500)].join('\n'));
    assert.deepEqual(runs, [{ workflowId: WORKFLOW, activityId: '8', attempt: 1, activityType: 'startCompose', startedAt: 1_000, endedAt: 1_500 }]);
  });

  it('passes an attempt the worker finished before it exited', () => {
    const stopped = worker([logLine('Activity started', EXITED_AT - 1_300), logLine('Activity completed', EXITED_AT - 300)]);
    const report = checkActivitiesEndedBeforeExit([history('4242@host', 'completed', EXITED_AT - 300)], [stopped], [stopped.log]);
    assert.deepEqual(report, { attemptsByStoppedWorkers: 1, problems: [], lostInTransit: [] });
  });

  it('catches an attempt the worker started and never ended in its log', () => {
    const stopped = worker([logLine('Activity started', EXITED_AT - 1_300)]);
    const report = checkActivitiesEndedBeforeExit([], [stopped], [stopped.log]);
    assert.match(report.problems.join('\n'), /started and never ended before the worker exited/);
  });

  it('catches an attempt that closed in the history after its worker exited', () => {
    const report = checkActivitiesEndedBeforeExit([history('4242@host', 'completed', EXITED_AT + 5_000)], [worker([])], []);
    assert.match(report.problems.join('\n'), /closed \(completed\) 5000 ms after that worker exited/);
  });

  it('catches a timed-out attempt that a worker had started, and sets apart one that no worker started', () => {
    const ranAndTimedOut = checkActivitiesEndedBeforeExit([history('other@host', 'completed', EXITED_AT, 2, TIMEOUT)], [], [logLine('Activity started', EXITED_AT - 20_000)]);
    assert.match(ranAndTimedOut.problems.join('\n'), /startCompose attempt 1 .*a worker started it and it timed out/);
    const neverStarted = checkActivitiesEndedBeforeExit([history('other@host', 'completed', EXITED_AT, 2, TIMEOUT)], [], [logLine('Activity started', EXITED_AT, 2)]);
    assert.deepEqual(neverStarted.problems, []);
    assert.deepEqual(neverStarted.lostInTransit, ['ad-x: startCompose attempt 1 (activity Heartbeat timeout)']);
  });

  it("sets apart a one-attempt task the stopping worker's poll took and never ran, which timed out after its exit", () => {
    const stopped = worker([]);
    const lost = checkActivitiesEndedBeforeExit([history('4242@host', 'timedOut', EXITED_AT + 9_000)], [stopped], [stopped.log]);
    assert.deepEqual(lost.problems, []);
    assert.deepEqual(lost.lostInTransit, ['ad-x: startCompose attempt 1 (timed out, last)']);
    // The same attempt, started in the worker's log: it ran and was abandoned.
    const ran = worker([logLine('Activity started', EXITED_AT - 1_000)]);
    const abandoned = checkActivitiesEndedBeforeExit([history('4242@host', 'timedOut', EXITED_AT + 9_000)], [ran], [ran.log]);
    assert.match(abandoned.problems.join('\n'), /closed \(timed out\) 9000 ms after that worker exited/);
  });
});
