// A closed-loop load generator: `concurrency` lanes each issue the next
// operation as soon as their previous one finished, until a count or a time
// limit is reached (whichever comes first), so every run stops by itself.
import { performance } from 'node:perf_hooks';
import { perSecond, summarise } from './stats';

export interface LoadLimits {
  concurrency: number;
  /** Most operations to start in total. */
  maxOps: number;
  /** Stop starting operations after this long. */
  maxMs: number;
  signal?: AbortSignal;
}

export interface LoadResult {
  ok: number;
  failed: number;
  /** Latency of each successful operation, in milliseconds. */
  latenciesMs: number[];
  elapsedMs: number;
  /** The first failure's message, to show why (a benchmark with failures is not a clean figure). */
  firstError?: string;
  /** Why the run stopped: 'count', 'time' or 'aborted'. */
  stoppedBy: 'count' | 'time' | 'aborted';
}

export async function runClosedLoop(limits: LoadLimits, operation: (index: number) => Promise<void>): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let started = 0;
  let failed = 0;
  let firstError: string | undefined;
  let stoppedBy: LoadResult['stoppedBy'] = 'count';
  const begin = performance.now();
  const deadline = begin + limits.maxMs;

  const nextIndex = (): number | undefined => {
    if (limits.signal?.aborted) {
      stoppedBy = 'aborted';
      return undefined;
    }
    if (started >= limits.maxOps) return undefined;
    if (performance.now() >= deadline) {
      stoppedBy = 'time';
      return undefined;
    }
    return started++;
  };

  const lane = async (): Promise<void> => {
    for (let index = nextIndex(); index !== undefined; index = nextIndex()) {
      const t0 = performance.now();
      try {
        await operation(index);
        latenciesMs.push(performance.now() - t0);
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, limits.concurrency) }, lane));
  return { ok: latenciesMs.length, failed, latenciesMs, elapsedMs: performance.now() - begin, firstError, stoppedBy };
}

/** A closed-loop case's figures after what it counted (requests, callbacks): failures, why it stopped, rate and latency. */
export function loadFigures(result: LoadResult) {
  const latency = summarise(result.latenciesMs);
  return {
    failed: result.failed,
    stoppedBy: result.stoppedBy,
    perSecond: perSecond(result.ok, result.elapsedMs),
    p50Ms: latency.p50Ms,
    p95Ms: latency.p95Ms,
    p99Ms: latency.p99Ms,
    maxMs: latency.maxMs,
  };
}
