// What an ad's history says: its length, the activities it scheduled, the
// signals it received, and for each Vidu callback signal how long after the
// simulator sent it the workflow acted on it.
//
// "Acted on it": the first WorkflowTaskCompleted event after the signal's
// WorkflowExecutionSignaled event, i.e. the workflow task that ran the
// signal handler and the code it woke (for a final state, the same task
// schedules the confirming query) has been completed by the worker and
// recorded by the server. Both clocks are this machine's wall clock.
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface AdHistoryFigures {
  events: number;
  activitiesByType: Record<string, number>;
  signals: number;
  /** Callback-to-workflow latencies of this ad's callbacks whose send time is known, in ms. */
  callbackLatenciesMs: number[];
}

function eventMs(event: HistoryEvent): number {
  const time = event.eventTime;
  return Number(String(time?.seconds ?? 0)) * 1000 + (time?.nanos ?? 0) / 1e6;
}

function signalNonce(event: HistoryEvent): string | undefined {
  const payload = event.workflowExecutionSignaledEventAttributes?.input?.payloads?.[0];
  if (!payload) return undefined;
  try {
    const value = defaultPayloadConverter.fromPayload<{ nonce?: unknown }>(payload);
    return typeof value?.nonce === 'string' ? value.nonce : undefined;
  } catch {
    return undefined;
  }
}

/** `sentAt` maps a callback's nonce to when the simulator sent it (epoch ms). */
export function historyFigures(events: readonly HistoryEvent[], sentAt: ReadonlyMap<string, number>): AdHistoryFigures {
  const activitiesByType: Record<string, number> = {};
  const callbackLatenciesMs: number[] = [];
  let signals = 0;
  events.forEach((event, index) => {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const type = scheduled.activityType?.name ?? 'unknown';
      activitiesByType[type] = (activitiesByType[type] ?? 0) + 1;
    }
    const signal = event.workflowExecutionSignaledEventAttributes;
    if (!signal) return;
    signals += 1;
    const nonce = signal.signalName === 'viduCallback' ? signalNonce(event) : undefined;
    const sent = nonce === undefined ? undefined : sentAt.get(nonce);
    if (sent === undefined) return;
    const acted = events.slice(index + 1).find((e) => e.workflowTaskCompletedEventAttributes);
    if (acted) callbackLatenciesMs.push(eventMs(acted) - sent);
  });
  return { events: events.length, activitiesByType, signals, callbackLatenciesMs };
}

export async function fetchHistoryFigures(handle: WorkflowHandle, sentAt: ReadonlyMap<string, number>): Promise<AdHistoryFigures> {
  const history = await handle.fetchHistory();
  return historyFigures(history.events ?? [], sentAt);
}

/** Sums per-ad figures: total events, activities by type, signals, and every latency. */
export function combine(figures: readonly AdHistoryFigures[]): AdHistoryFigures {
  const activitiesByType: Record<string, number> = {};
  for (const f of figures) for (const [type, n] of Object.entries(f.activitiesByType)) activitiesByType[type] = (activitiesByType[type] ?? 0) + n;
  return {
    events: figures.reduce((sum, f) => sum + f.events, 0),
    activitiesByType,
    signals: figures.reduce((sum, f) => sum + f.signals, 0),
    callbackLatenciesMs: figures.flatMap((f) => f.callbackLatenciesMs),
  };
}
