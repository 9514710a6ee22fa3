// The activity stubs the ad workflow calls, each group with the retry policy
// its credits demand. Built per run, since the heartbeat timeout and the
// outage budget come from the ad's input. Every call is counted while it
// runs: the workflow continues as new only when none is in flight.
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { AdActivities } from './activityTypes';

export interface ActivityGroups {
  /** Reads, cancels: idempotent. A few quick tries here; the workflow rides out longer outages itself (outageRetry.ts). */
  reads: AdActivities;
  /**
   * Create spends credits and Vidu cannot find a task by anything we send, so
   * it gets exactly one attempt; the workflow decides what an unclear outcome means.
   * WAIT_CANCELLATION_COMPLETED: a cancelled ad still learns the id of a task
   * that was created, so that it can cancel it.
   */
  creates: AdActivities;
  /** Edit and compose: every retry first looks for the record an earlier attempt may have made. */
  spends: AdActivities;
  /** Saving the final video and the takes: idempotent (same paths, atomic replace); fresh URLs each attempt. */
  saves: AdActivities;
  /**
   * The completion webhook: retried with backoff for up to a day (Standard
   * Webhooks' own schedule spans about that); only a 2xx, a final refusal,
   * a missing secret or a refused (private) host ends it sooner.
   */
  notifies: AdActivities;
}

export interface ActivityTracker {
  inFlight: number;
}

function tracked(activities: AdActivities, tracker: ActivityTracker): AdActivities {
  const wrap =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      tracker.inFlight += 1;
      try {
        return await call(...args);
      } finally {
        tracker.inFlight -= 1;
      }
    };
  return {
    createAdTask: wrap(activities.createAdTask),
    getTaskState: wrap(activities.getTaskState),
    readSubRecords: wrap(activities.readSubRecords),
    startEdit: wrap(activities.startEdit),
    startCompose: wrap(activities.startCompose),
    cancelViduTask: wrap(activities.cancelViduTask),
    saveResult: wrap(activities.saveResult),
    saveTakes: wrap(activities.saveTakes),
    notifyAdFinished: wrap(activities.notifyAdFinished),
  };
}

export function activityGroups(options: { heartbeatTimeoutMs: number; outageBudgetMs: number }, tracker: ActivityTracker): ActivityGroups {
  const heartbeatTimeout = options.heartbeatTimeoutMs;
  const group = (opts: Parameters<typeof proxyActivities>[0]) => tracked(proxyActivities<AdActivities>(opts), tracker);
  return {
    reads: group({
      startToCloseTimeout: '2 minutes',
      heartbeatTimeout,
      retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
    }),
    creates: group({
      startToCloseTimeout: '15 minutes',
      heartbeatTimeout,
      retry: { maximumAttempts: 1 },
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
    // Unclear outcomes are retried (each retry looks before it sends) for as long as the outage budget lasts.
    spends: group({
      startToCloseTimeout: '10 minutes',
      scheduleToCloseTimeout: options.outageBudgetMs,
      heartbeatTimeout,
      retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
    saves: group({
      startToCloseTimeout: '30 minutes',
      heartbeatTimeout,
      retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 4 },
    }),
    notifies: group({
      startToCloseTimeout: '1 minute',
      scheduleToCloseTimeout: '24 hours',
      heartbeatTimeout,
      retry: { initialInterval: '2 seconds', backoffCoefficient: 4, maximumInterval: '1 hour' },
    }),
  };
}
