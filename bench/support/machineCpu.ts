// How busy the whole machine was over a span (every process, the dev server
// and anything else running included), from the kernel's per-core counters:
// a batch that keeps the machine near 100% is CPU-bound, not waiting.
import os from 'node:os';

export interface CpuSnapshot {
  busyMs: number;
  totalMs: number;
}

export function machineCpu(): CpuSnapshot {
  let busyMs = 0;
  let totalMs = 0;
  for (const { times } of os.cpus()) {
    const total = times.user + times.nice + times.sys + times.idle + times.irq;
    totalMs += total;
    busyMs += total - times.idle;
  }
  return { busyMs, totalMs };
}

/** Percentage of all cores' time spent busy between two snapshots. */
export function busyPercent(before: CpuSnapshot, after: CpuSnapshot): number {
  const total = after.totalMs - before.totalMs;
  return total > 0 ? (100 * (after.busyMs - before.busyMs)) / total : Number.NaN;
}
