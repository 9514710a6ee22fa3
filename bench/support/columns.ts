// The tables' columns: every figure a benchmark prints has one key (the name
// in its JSON line) and one label (its column heading), written here once, so
// a table only lists the keys it shows and a figure reads the same in every
// table. A table that needs another heading for a key passes a Column.
import type { Column } from './report';

const LABELS = {
  case: 'case',
  completed: 'completed',
  failed: 'failed',
  concurrency: 'concurrency',
  requests: 'requests',
  callbacks: 'callbacks',
  count: 'count',
  perSecond: 'per s',
  microsEach: 'µs each',
  wallSeconds: 'wall s',
  adsPerMinute: 'ads/min',
  adsPerSecond: 'ads/s',
  meanMs: 'mean ms',
  p50Ms: 'p50 ms',
  p95Ms: 'p95 ms',
  p99Ms: 'p99 ms',
  maxMs: 'max ms',
  bodyMiB: 'body MiB',
  peakRssDeltaMiB: 'peak RSS delta MiB',
  eventsPerAd: 'events/ad',
  eventsMean: 'events mean',
  eventsMax: 'events max',
  signalsMean: 'signals',
  activitiesMean: 'activities',
  viduCalls: 'Vidu calls by endpoint',
  apiCallsPerAd: 'API calls/ad',
  creditsPerAd: 'credits/ad',
  callbacksPerAd: 'callbacks/ad',
  tasksCreated: 'Vidu tasks',
  chargedTwice: 'charged twice',
  charged: 'credits charged',
  budget: 'budget',
  runs: 'campaign runs',
  lastRunEvents: 'events (last run)',
  queueWaitP50Ms: 'queue wait p50 ms',
  queueWaitMaxMs: 'queue wait max ms',
  queriesPerTask: 'queries/task',
  queriesPerTaskHour: 'queries per task-hour',
  overrunSeconds: 'ad end after task end s (p50)',
  workerCpuMsEach: 'worker CPU ms each',
  workerCpuMsPerAd: 'worker CPU ms/ad',
  othersCpuMsPerAd: 'other CPU ms/ad',
  machineBusyPercent: 'machine busy %',
  wakeCpuMs: 'worker CPU ms per wake',
  idleMiB: 'RSS idle MiB',
  beforeMiB: 'before batch MiB',
  afterMiB: 'after batch MiB',
  parkedMiB: 'RSS parked MiB',
  wokenMiB: 'RSS after wake MiB',
  perAdMiB: 'MiB per cached ad',
  peakMiB: 'peak MiB',
  peakAboveIdleMiB: 'peak above before MiB',
  heapAfterMiB: 'heap after MiB',
} satisfies Record<string, string>;

export type FigureKey = keyof typeof LABELS;

/** A table's columns, in order: a figure's key (labelled as above), or a column with a heading of the table's own. */
export function columns(...specs: Array<FigureKey | Column>): Column[] {
  return specs.map((spec) => (typeof spec === 'string' ? { key: spec, label: LABELS[spec] } : spec));
}
