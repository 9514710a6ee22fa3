// What every benchmark gets from the runner, and what it must provide.
import type { LimitsSizes } from '../limits/sizes';
import type { Reporter } from './report';
import type { TemporalResources } from './temporal';

export interface BenchOptions {
  /** Time limit of each measured case, in milliseconds. */
  caseMs: number;
  /** Concurrency levels for the request benchmarks. */
  concurrency: number[];
  /** Most requests per client case. */
  requests: number;
  /** Keep-alive connections of the Vidu client; undefined keeps the client's default. */
  connections: number | undefined;
  images: number;
  imageBytes: number;
  validations: number;
  verifications: number;
  /** Most callbacks per receiver case. */
  callbacks: number;
  /** Workflows the receiver's signals are spread over. */
  workflows: number;
  ads: number;
  /** How long the ad run may take before the rest is cancelled, in milliseconds. */
  adTimeoutMs: number;
  /** Most GET /v1/ads/{id} requests per status case. */
  statusReads: number;
  /** Sizes of the limits benchmark's phases (quick or full). */
  limits: LimitsSizes;
  /** Which limits phases run, in order. */
  limitPhases: string[];
  /** WORKER_MAX_CACHED_WORKFLOWS for the limits phases' workers; undefined: the project's default. */
  maxCachedWorkflows: number | undefined;
}

export interface BenchContext {
  options: BenchOptions;
  report: Reporter;
  temporal: TemporalResources;
  /** Aborted when the run's overall time limit passes: stop starting work. */
  signal: AbortSignal;
  /** The run's headline figures, printed together as the last line (one JSON object); benchmarks add theirs. */
  summary: Record<string, SummaryValue>;
}

export type SummaryValue = string | number | boolean | null | { [key: string]: SummaryValue } | SummaryValue[];

export interface Benchmark {
  /** The name used on the command line. */
  name: string;
  /** The file's name, accepted on the command line too. */
  alias: string;
  summary: string;
  run(ctx: BenchContext): Promise<void>;
}
