// The rolling-restart check on histories made up here: it must catch an
// activity that closed after its worker exited, one that timed out, and one
// that never closed, and pass a drained worker.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { temporal } from '@temporalio/proto';
import { checkActivitiesEndedBeforeExit } from './activityExit';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const WORKER = '4242@host';
const EXITED_AT = 1_700_000_010_000;

/** One activity: scheduled (id 5), started by `identity` (id 6), closed by `close` at `closedAt` (id 7). */
function history(identity: string, close: 'completed' | 'timedOut' | 'none', closedAt: number, lastFailure?: temporal.api.failure.v1.IFailure): { workflowId: string; history: temporal.api.history.v1.IHistory } {
  // Plain numbers where the proto types say Long: what the check reads either way (through Number(String(...))).
  const events: object[] = [
    { eventId: 5, eventTime: at(closedAt - 2_000), activityTaskScheduledEventAttributes: { activityType: { name: 'getTaskState' } } },
    { eventId: 6, eventTime: at(closedAt - 1_000), activityTaskStartedEventAttributes: { scheduledEventId: 5, identity, attempt: lastFailure ? 2 : 1, lastFailure } },
  ];
  if (close === 'completed') events.push({ eventId: 7, eventTime: at(closedAt), activityTaskCompletedEventAttributes: { scheduledEventId: 5, startedEventId: 6 } });
  if (close === 'timedOut') events.push({ eventId: 7, eventTime: at(closedAt), activityTaskTimedOutEventAttributes: { scheduledEventId: 5, startedEventId: 6 } });
  return { workflowId: 'ad-x', history: { events: events as HistoryEvent[] } };
}

describe('activities ended before their worker exited', () => {
  const stopped = [{ identity: WORKER, exitedAt: EXITED_AT }];

  it('passes an attempt the worker completed before it exited', () => {
    const report = checkActivitiesEndedBeforeExit([history(WORKER, 'completed', EXITED_AT - 300)], stopped);
    assert.deepEqual(report, { attemptsByStoppedWorkers: 1, problems: [] });
  });

  it('catches an attempt that closed after its worker exited', () => {
    const report = checkActivitiesEndedBeforeExit([history(WORKER, 'completed', EXITED_AT + 5_000)], stopped);
    assert.equal(report.problems.length, 1);
    assert.match(report.problems[0]!, /closed \(completed\) 5000 ms after that worker exited/);
  });

  it('catches an attempt that timed out or never closed', () => {
    assert.match(checkActivitiesEndedBeforeExit([history(WORKER, 'timedOut', EXITED_AT - 100)], stopped).problems.join('\n'), /timed out/);
    assert.match(checkActivitiesEndedBeforeExit([history(WORKER, 'none', EXITED_AT)], stopped).problems.join('\n'), /never closed/);
  });

  it('catches a retry whose previous attempt timed out, whichever worker ran it', () => {
    const report = checkActivitiesEndedBeforeExit([history('other@host', 'completed', EXITED_AT, { message: 'activity Heartbeat timeout', timeoutFailureInfo: {} })], stopped);
    assert.equal(report.attemptsByStoppedWorkers, 0);
    assert.match(report.problems.join('\n'), /follows an attempt that timed out/);
  });
});
