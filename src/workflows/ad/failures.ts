// The failures an ad ends with, built inside the workflow.
import { ApplicationFailure, TemporalFailure } from '@temporalio/workflow';
import type { TaskSnapshot } from './activityContract';
import { FAILURE_TYPES } from '../shared/failures';
import { failureCause } from '../shared/outageRetry';

export function taskFailure(label: string, final: TaskSnapshot): ApplicationFailure {
  return ApplicationFailure.create({
    type: FAILURE_TYPES.taskFailed,
    message: `Vidu ${label} task ${final.taskId} ended ${final.state}${final.errCode ? ` with ${final.errCode}` : ''}`,
    details: [{ taskId: final.taskId, state: final.state, errCode: final.errCode }],
    nonRetryable: true,
  });
}

/** The failure the ad ends with: the activity's own failure type when there is one (e.g. a Vidu code). */
export function asAdFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const cause = failureCause(err);
  const details = err instanceof TemporalFailure && err.cause instanceof ApplicationFailure ? (err.cause.details ?? undefined) : undefined;
  return ApplicationFailure.create({ type: cause.type ?? 'ActivityFailed', message: cause.message, details, nonRetryable: true, cause: err instanceof Error ? err : undefined });
}
