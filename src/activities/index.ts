// The ad workflow's activities, bound to a Vidu client and an artifact store.
// Each is small and does one call's worth of work; the workflow decides what
// happens next. `AdActivities` (in the workflow folder) is the contract.
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { AdActivities } from '../workflows/ad/activityContract';
import type { CampaignActivities } from '../workflows/campaign/activityContract';
import { FAILURE_TYPES } from '../workflows/shared/failures';
import { accountCreditsActivity } from './accountCredits';
import { campaignActivities } from './campaign';
import { createAdTaskActivity } from './createAdTask';
import type { ActivityDeps } from './deps';
import { isWorkerShutdown } from './heartbeat';
import { readActivities } from './readTasks';
import { notifyAdFinishedActivity } from './notifyAdFinished';
import { saveResultActivity } from './saveResult';
import { saveTakesActivity } from './saveTakes';
import { subTaskActivities } from './subTasks';

export type { ActivityDeps } from './deps';
export type { AdActivities } from '../workflows/ad/activityContract';

/**
 * A worker shutting down cancels its running activities. Only waits (a
 * backoff, a lookup pause) and reads are interrupted that way (credit-spending
 * requests are never aborted), so nothing was left half-done: report it as a
 * retryable ViduRetryLater rather than as a cancellation, which the workflow
 * would take for the ad's own.
 */
function shutdownIsRetry<A extends unknown[], R>(activity: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await activity(...args);
    } catch (err) {
      const interrupted = err instanceof CancelledFailure || (err instanceof Error && err.name === 'AbortError');
      if (interrupted && isWorkerShutdown(Context.current())) {
        throw ApplicationFailure.create({ type: FAILURE_TYPES.retryLater, message: 'interrupted by a worker shutdown before anything was sent', nonRetryable: false });
      }
      throw err;
    }
  };
}

export function createActivities(deps: ActivityDeps): AdActivities & CampaignActivities {
  const { getTaskState, readSubRecords, cancelViduTask } = readActivities(deps);
  const { startEdit, startCompose } = subTaskActivities(deps);
  return {
    checkAccountCredits: shutdownIsRetry(accountCreditsActivity(deps)),
    createAdTask: shutdownIsRetry(createAdTaskActivity(deps)),
    getTaskState: shutdownIsRetry(getTaskState),
    readSubRecords: shutdownIsRetry(readSubRecords),
    startEdit: shutdownIsRetry(startEdit),
    startCompose: shutdownIsRetry(startCompose),
    cancelViduTask: shutdownIsRetry(cancelViduTask),
    saveResult: shutdownIsRetry(saveResultActivity(deps)),
    saveTakes: shutdownIsRetry(saveTakesActivity(deps)),
    // Sending can be repeated (same webhook-id): an interrupted send is simply sent again.
    notifyAdFinished: shutdownIsRetry(notifyAdFinishedActivity(deps)),
    ...campaignActivities(deps),
  };
}
