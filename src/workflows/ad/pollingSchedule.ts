// The polling safety net's schedule: if no callback has brought a final
// state, ask the query API after a short wait, then back off to minutes.
// Vidu's own client polls every 20 s; ads take minutes, so starting at 10 s
// and doubling to 2 min keeps a lost callback cheap without hammering the API.
// The defaults live with the input's other bounds (INPUT_LIMITS).
import { INPUT_LIMITS } from '../shared/inputRules';

export interface PollingSchedule {
  initialMs: number;
  maxMs: number;
}

export function pollingSchedule(input?: Partial<PollingSchedule>): PollingSchedule {
  const initialMs = positive(input?.initialMs) ?? INPUT_LIMITS.pollingInitialMs.fallback;
  const maxMs = Math.max(initialMs, positive(input?.maxMs) ?? INPUT_LIMITS.pollingMaxMs.fallback);
  return { initialMs, maxMs };
}

/** The wait after `currentMs`: doubled, capped at the schedule's maximum. */
export function nextPollDelay(currentMs: number, schedule: PollingSchedule): number {
  return Math.min(currentMs * 2, schedule.maxMs);
}

function positive(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
