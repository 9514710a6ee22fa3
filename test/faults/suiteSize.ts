// How big the fault suite runs. `npm test` (and CI) runs the reduced size:
// one ad per case and short outages, a few minutes in all. `npm run
// test:faults` sets FAULT_SUITE=full: several ads per case, the one-minute
// outage the issue describes, and longer limits to match.
export const FULL_SUITE = process.env.FAULT_SUITE === 'full';

export const SUITE = {
  name: FULL_SUITE ? 'full' : 'reduced',
  /** Ads run side by side in each case. */
  adsPerCase: FULL_SUITE ? 3 : 1,
  /** How long Vidu stays unreachable in the outage case. */
  outageMs: FULL_SUITE ? 60_000 : 15_000,
  /** How long the Temporal dev server stays down while ads wait. */
  temporalDownMs: FULL_SUITE ? 20_000 : 4_000,
  /** Ads queued behind each other in the queueing case (Vidu runs one task at a time there). */
  queuedAds: FULL_SUITE ? 6 : 4,
  /**
   * The longest one case's ads may take before the case fails (a liveness
   * bound, not a speed check). FAULT_CASE_TIMEOUT_MS overrides it, e.g. on a
   * slow machine or to watch a case the code is not yet fast enough for.
   */
  caseTimeoutMs: Number(process.env.FAULT_CASE_TIMEOUT_MS) || (FULL_SUITE ? 240_000 : 60_000),
} as const;
