// The receiver's metrics, kept by prom-client in a registry of the
// receiver's own (tests run several receivers in one process) and served at
// /metrics: callbacks by outcome, signature failures by reason, and how long
// answering took, plus Node's process metrics for the service (`npm run receiver`).
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

export class ReceiverMetrics {
  readonly registry = new Registry();
  /** The same counts as the counter's, readable at once (prom-client's own reads are async). */
  private readonly tallies = new Map<CallbackOutcome, number>(CALLBACK_OUTCOMES.map((o) => [o, 0]));
  private readonly callbacks = new Counter({
    name: 'vidu_callbacks_total',
    help: 'Vidu callbacks received, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly signatureFailures = new Counter({
    name: 'vidu_callback_signature_failures_total',
    help: 'Callbacks answered 401, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'vidu_callback_duration_seconds',
    help: 'Time from receiving a callback to answering it.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor(opts: { processMetrics?: boolean } = {}) {
    // Every outcome shows from the start, at 0, so that a rate over it is defined before the first one happens.
    for (const outcome of CALLBACK_OUTCOMES) this.callbacks.inc({ outcome }, 0);
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  recordCallback(outcome: CallbackOutcome, seconds: number): void {
    this.tallies.set(outcome, (this.tallies.get(outcome) ?? 0) + 1);
    this.callbacks.inc({ outcome });
    this.latency.observe(seconds);
  }

  /** Why a signature check failed (missing-header, bad-signature, stale-date...), for diagnosing a wrong key or a skewed clock. */
  recordRejection(reason: string): void {
    this.signatureFailures.inc({ reason });
  }

  count(outcome: CallbackOutcome): number {
    return this.tallies.get(outcome) ?? 0;
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
