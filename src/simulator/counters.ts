// What the simulator has seen and done, for tests and benchmarks to assert on
// (how many calls, how many credits, how many callbacks got through).
import { SIM_ENDPOINTS, type SimEndpoint } from './faults';

export interface SimulatorCounters {
  apiCalls: Record<SimEndpoint, number>;
  tasksCreated: { ad: number; edit: number; compose: number };
  /** Net of refunds. */
  creditsCharged: number;
  creditsRemaining: number;
  /**
   * sent: HTTP attempts (first tries, retries and duplicates); delivered: attempts answered 2xx;
   * failed: callbacks given up on; dropped: callbacks a fault swallowed; retried: repeat attempts;
   * lied: extra callbacks with a lying body that a fault added (also counted in sent and delivered).
   */
  callbacks: { sent: number; delivered: number; failed: number; dropped: number; retried: number; lied: number };
  /** Media requests: served (200), expired (403 "Request has expired", by time or by fault), denied (bad signature or path). */
  media: { served: number; expired: number; denied: number };
  /** Sub-record reads (GET /ent/v2/ad-one-click/{id}) of an ad that had not succeeded yet: a client acting on an unconfirmed callback. */
  subRecordReadsBeforeSuccess: number;
  perAd: Record<string, { creates: number; edits: number; composes: number; creditsCharged: number }>;
}

export function emptyCounters(creditsRemaining: number): SimulatorCounters {
  const apiCalls = Object.fromEntries(SIM_ENDPOINTS.map((e) => [e, 0])) as Record<SimEndpoint, number>;
  return {
    apiCalls,
    tasksCreated: { ad: 0, edit: 0, compose: 0 },
    creditsCharged: 0,
    creditsRemaining,
    callbacks: { sent: 0, delivered: 0, failed: 0, dropped: 0, retried: 0, lied: 0 },
    media: { served: 0, expired: 0, denied: 0 },
    subRecordReadsBeforeSuccess: 0,
    perAd: {},
  };
}
