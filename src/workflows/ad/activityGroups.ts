// The activity stubs the ad workflow calls, each group with the retry policy
// its credits demand. Built per run, since the heartbeat timeout and the
// outage budget come from the ad's input. Every call is counted while it
// runs: the workflow continues as new only when none is in flight. Every call
// names what it is for (`acts.reads('poll main task …203456').getTaskState(id)`):
// the summary rides on the command as user metadata, so the Web UI's event
// history tells the rows apart, and replay ignores it (summaries.ts builds them).
import { ActivityCancellationType, proxyActivities, type ActivityFunctionWithOptions, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { AdActivities } from './activityContract';

/** A group's activities, each call carrying `summary` (short, no secrets or media URLs). */
export type ActivityGroup = (summary: string) => AdActivities;

export interface ActivityGroups {
  /** Reads, cancels: idempotent. A few quick tries here; the workflow rides out longer outages itself (outageRetry.ts). */
  reads: ActivityGroup;
  /**
   * Create spends credits and Vidu cannot find a task by anything we send, so
   * it gets exactly one attempt; the workflow decides what an unclear outcome means.
   * WAIT_CANCELLATION_COMPLETED: a cancelled ad still learns the id of a task
   * that was created, so that it can cancel it.
   */
  creates: ActivityGroup;
  /** Edit and compose: every retry first looks for the record an earlier attempt may have made. */
  spends: ActivityGroup;
  /** Saving the final video and the takes: idempotent (same paths, atomic replace); fresh URLs each attempt. */
  saves: ActivityGroup;
  /**
   * The completion webhook: retried with backoff for up to a day (Standard
   * Webhooks' own schedule spans about that); only a 2xx, a final refusal,
   * a missing secret or a refused (private) host ends it sooner.
   */
  notifies: ActivityGroup;
}

export interface ActivityTracker {
  inFlight: number;
}

/** The proxy's activities with `summary` on every call, counted while they run. */
function summarised(proxy: ActivityInterfaceFor<AdActivities>, summary: string, tracker: ActivityTracker): AdActivities {
  const call = <K extends keyof AdActivities>(name: K): AdActivities[K] => {
    const run = async (...args: Parameters<AdActivities[K]>) => {
      tracker.inFlight += 1;
      try {
        return await (proxy[name] as ActivityFunctionWithOptions<AdActivities[K]>).executeWithOptions({ summary }, args);
      } finally {
        tracker.inFlight -= 1;
      }
    };
    return run as AdActivities[K];
  };
  return {
    checkAccountCredits: call('checkAccountCredits'),
    createAdTask: call('createAdTask'),
    getTaskState: call('getTaskState'),
    readSubRecords: call('readSubRecords'),
    startEdit: call('startEdit'),
    startCompose: call('startCompose'),
    cancelViduTask: call('cancelViduTask'),
    saveResult: call('saveResult'),
    saveTakes: call('saveTakes'),
    notifyAdFinished: call('notifyAdFinished'),
  };
}

export function activityGroups(options: { heartbeatTimeoutMs: number; outageBudgetMs: number }, tracker: ActivityTracker): ActivityGroups {
  const heartbeatTimeout = options.heartbeatTimeoutMs;
  const group = (opts: Parameters<typeof proxyActivities>[0]): ActivityGroup => {
    const proxy = proxyActivities<AdActivities>(opts);
    return (summary) => summarised(proxy, summary, tracker);
  };
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
