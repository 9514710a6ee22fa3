// The activity stubs the ad workflow calls, each group with the retry policy
// its credits demand. Built per run, since the heartbeat timeout and the
// outage budget come from the ad's input. Every call is counted while it
// runs: the workflow continues as new only when none is in flight. Every call
// names what it is for (`acts.reads('poll main task …203456').getTaskState(id)`):
// the summary rides on the command as user metadata, so the Web UI's event
// history tells the rows apart, and replay ignores it (built with ../shared/shortText.ts).
import { ActivityCancellationType, proxyActivities, type ActivityFunctionWithOptions, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { AdActivities, CreateActivities, NotifyActivities, ReadActivities, SaveActivities, SpendActivities } from './activityContract';

/** A group's activities, each call carrying `summary` (short, no secrets or media URLs). */
export type ActivityGroup<Activities> = (summary: string) => Activities;

export interface ActivityGroups {
  /** Reads, cancels: idempotent. A few quick tries here; the workflow rides out longer outages itself (outageRetry.ts). */
  reads: ActivityGroup<ReadActivities>;
  /**
   * Create spends credits and Vidu cannot find a task by anything we send, so
   * it gets exactly one attempt; the workflow decides what an unclear outcome means.
   * WAIT_CANCELLATION_COMPLETED: a cancelled ad still learns the id of a task
   * that was created, so that it can cancel it.
   */
  creates: ActivityGroup<CreateActivities>;
  /** Edit and compose: every retry first looks for the record an earlier attempt may have made. */
  spends: ActivityGroup<SpendActivities>;
  /** Saving the final video and the takes: idempotent (same paths, atomic replace); fresh URLs each attempt. */
  saves: ActivityGroup<SaveActivities>;
  /**
   * The completion webhook: retried with backoff for up to a day (Standard
   * Webhooks' own schedule spans about that); only a 2xx, a final refusal,
   * a missing secret or a refused (private) host ends it sooner.
   */
  notifies: ActivityGroup<NotifyActivities>;
}

export interface ActivityTracker {
  inFlight: number;
}

/** The named activities of the proxy, with `summary` on every call, counted while they run. */
function summarised<K extends keyof AdActivities>(
  proxy: ActivityInterfaceFor<AdActivities>,
  names: readonly K[],
  summary: string,
  tracker: ActivityTracker,
): Pick<AdActivities, K> {
  const call = (name: K) => async (...args: unknown[]) => {
    tracker.inFlight += 1;
    try {
      return await (proxy[name] as ActivityFunctionWithOptions<(...a: unknown[]) => Promise<unknown>>).executeWithOptions({ summary }, args);
    } finally {
      tracker.inFlight -= 1;
    }
  };
  return Object.fromEntries(names.map((name) => [name, call(name)])) as unknown as Pick<AdActivities, K>;
}

export function activityGroups(options: { heartbeatTimeoutMs: number; outageBudgetMs: number }, tracker: ActivityTracker): ActivityGroups {
  const heartbeatTimeout = options.heartbeatTimeoutMs;
  const group = <K extends keyof AdActivities>(names: readonly K[], opts: Parameters<typeof proxyActivities>[0]): ActivityGroup<Pick<AdActivities, K>> => {
    const proxy = proxyActivities<AdActivities>(opts);
    return (summary) => summarised(proxy, names, summary, tracker);
  };
  return {
    reads: group(['checkAccountCredits', 'getTaskState', 'readSubRecords', 'cancelViduTask'], {
      startToCloseTimeout: '2 minutes',
      heartbeatTimeout,
      retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
    }),
    creates: group(['createAdTask'], {
      startToCloseTimeout: '15 minutes',
      heartbeatTimeout,
      retry: { maximumAttempts: 1 },
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
    // Unclear outcomes are retried (each retry looks before it sends) for as long as the outage budget lasts.
    spends: group(['startEdit', 'startCompose'], {
      startToCloseTimeout: '10 minutes',
      scheduleToCloseTimeout: options.outageBudgetMs,
      heartbeatTimeout,
      retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
    saves: group(['saveResult', 'saveTakes'], {
      startToCloseTimeout: '30 minutes',
      heartbeatTimeout,
      retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 4 },
    }),
    notifies: group(['notifyAdFinished'], {
      startToCloseTimeout: '1 minute',
      scheduleToCloseTimeout: '24 hours',
      heartbeatTimeout,
      retry: { initialInterval: '2 seconds', backoffCoefficient: 4, maximumInterval: '1 hour' },
    }),
  };
}
