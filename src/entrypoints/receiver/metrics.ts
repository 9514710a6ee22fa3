// The receiver's metrics in Prometheus' text format, written by hand: a few
// counters and one histogram do not justify a client library.

/** What happened to a callback; each is one value of the `outcome` label. */
export const CALLBACK_OUTCOMES = [
  'delivered',
  'replayed',
  'workflow_not_found',
  'too_large',
  'unauthorized',
  'bad_request',
  'temporal_unavailable',
  'rejected_by_temporal',
  'error',
] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

/** Upper bounds in seconds; a signal normally takes a few milliseconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class ReceiverMetrics {
  private readonly outcomes = new Map<CallbackOutcome, number>(CALLBACK_OUTCOMES.map((o) => [o, 0]));
  private readonly rejections = new Map<string, number>();
  private readonly bucketCounts = LATENCY_BUCKETS.map(() => 0);
  private latencyCount = 0;
  private latencySum = 0;

  recordCallback(outcome: CallbackOutcome, seconds: number): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    this.latencyCount++;
    this.latencySum += seconds;
    LATENCY_BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) this.bucketCounts[i]!++;
    });
  }

  /** Why a signature check failed (missing-header, bad-signature, stale-date...), for diagnosing a wrong key or a skewed clock. */
  recordRejection(reason: string): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1);
  }

  count(outcome: CallbackOutcome): number {
    return this.outcomes.get(outcome) ?? 0;
  }

  text(): string {
    const lines = [
      '# HELP vidu_callbacks_total Vidu callbacks received, by outcome.',
      '# TYPE vidu_callbacks_total counter',
      ...[...this.outcomes].map(([outcome, n]) => `vidu_callbacks_total{outcome="${outcome}"} ${n}`),
      '# HELP vidu_callback_signature_failures_total Callbacks answered 401, by reason.',
      '# TYPE vidu_callback_signature_failures_total counter',
      ...[...this.rejections].map(([reason, n]) => `vidu_callback_signature_failures_total{reason="${escapeLabel(reason)}"} ${n}`),
      '# HELP vidu_callback_duration_seconds Time from receiving a callback to answering it.',
      '# TYPE vidu_callback_duration_seconds histogram',
      ...LATENCY_BUCKETS.map((bound, i) => `vidu_callback_duration_seconds_bucket{le="${bound}"} ${this.bucketCounts[i]}`),
      `vidu_callback_duration_seconds_bucket{le="+Inf"} ${this.latencyCount}`,
      `vidu_callback_duration_seconds_sum ${this.latencySum}`,
      `vidu_callback_duration_seconds_count ${this.latencyCount}`,
    ];
    return lines.join('\n') + '\n';
  }
}
