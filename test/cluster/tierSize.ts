// How big the cluster tier runs: CLUSTER_ADS ads per case (default 100, the
// issue's size; CI runs 30), and CLUSTER_ROLLING_RUNS rolling restarts.
// Checked here, at the edge, with a clear error.
const DEFAULT_ADS = 100;
const MIN_ADS = 3;
const MAX_ADS = 1_000;

function adsPerCase(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return DEFAULT_ADS;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < MIN_ADS || value > MAX_ADS) {
    throw new Error(`CLUSTER_ADS must be a whole number from ${MIN_ADS} to ${MAX_ADS} (got "${text}")`);
  }
  return value;
}

const ads = adsPerCase(process.env.CLUSTER_ADS);

function caseTimeoutMs(text: string | undefined): number {
  const fallback = 90_000 + ads * 1_500;
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 10_000) throw new Error(`CLUSTER_CASE_TIMEOUT_MS must be a whole number of milliseconds, at least 10000 (got "${text}")`);
  return value;
}

function rollingRuns(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 1;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > 100) throw new Error(`CLUSTER_ROLLING_RUNS must be a whole number from 1 to 100 (got "${text}")`);
  return value;
}

export const TIER = {
  ads,
  /** Every third ad goes through review with one edit sent by the operator. */
  reviewEvery: 3,
  /**
   * The longest one case may take before it fails with the ads' stages (a
   * liveness bound, not a speed check): a minute plus a second per ad, as the
   * cases also wait out killed services and heartbeat timeouts.
   */
  caseTimeoutMs: caseTimeoutMs(process.env.CLUSTER_CASE_TIMEOUT_MS),
  /** How many times the rolling-restart case runs, with callbacks on and off each time (CLUSTER_ROLLING_RUNS; `npm run test:cluster:rolling` runs 20). */
  rollingRuns: rollingRuns(process.env.CLUSTER_ROLLING_RUNS),
} as const;
