// Every callback lost: the ads finish on polling alone. Time runs ten times
// faster than in production (the polling schedule's bounds, 10 s to 2 min,
// become 1 s to 12 s, the smallest an ad accepts, and the Vidu task's length
// is divided by ten too), so the queries counted in each ad's history
// (getTaskState activities) per hour of task time are production's.
import { INPUT_LIMITS } from '../../src/workflows/shared/inputRules';
import { benchAdRequest, runAds } from '../support/adRig';
import type { BenchContext } from '../support/benchmark';
import { columns } from '../support/columns';
import { round, summarise } from '../support/stats';
import { fetchHistoryFigures } from './adHistory';
import { openPhase } from './phaseRig';
import type { LimitsSizes } from './sizes';

const TIME_SCALE = 10;
const QUEUE_MS = 30_000;

export async function lostCallbacksPhase(ctx: BenchContext, sizes: LimitsSizes): Promise<void> {
  const taskMs = sizes.lostCallbackTaskMinutes * 60_000;
  const timing = { queueMs: QUEUE_MS / TIME_SCALE, processingMs: (taskMs - QUEUE_MS) / TIME_SCALE, progressSteps: 3 };
  const polling = { initialMs: INPUT_LIMITS.pollingInitialMs.fallback / TIME_SCALE, maxMs: INPUT_LIMITS.pollingMaxMs.fallback / TIME_SCALE };
  const rig = await openPhase(ctx, { name: 'lost', sim: { timing, concurrencyLimit: 100_000 } });
  try {
    rig.sim.setFaults({ callbacks: { drop: 1 } });
    const count = sizes.lostCallbackAds;
    const { outcomes } = await runAds(rig, { label: 'lost', count, timeoutMs: (taskMs / TIME_SCALE) * 3 + 60_000, request: benchAdRequest(polling) });
    const done = outcomes.filter((o) => o.latencyMs !== undefined);
    const queries: number[] = [];
    for (const outcome of done) queries.push((await fetchHistoryFigures(outcome.handle.workflow, rig.sentAt)).activitiesByType.getTaskState ?? 0);
    const perAd = summarise(queries);
    // Task time in production's hours: the simulated task's length times the scale.
    const taskHours = (done.length * taskMs) / 3_600_000;
    const perTaskHour = queries.reduce((a, b) => a + b, 0) / taskHours;
    const latency = summarise(done.map((o) => o.latencyMs! * TIME_SCALE));
    const counters = rig.sim.counters();
    ctx.report.publish({
      bench: 'limits',
      title: `Callbacks lost: ${count} ads on polling alone, Vidu task of ${sizes.lostCallbackTaskMinutes} min (time x${TIME_SCALE})`,
      columns: columns('case', 'completed', 'queriesPerTask', 'queriesPerTaskHour', 'overrunSeconds'),
      rows: [
        {
          case: 'callbacks lost',
          ads: count,
          completed: done.length,
          queriesPerTask: perAd.meanMs,
          queriesPerTaskHour: perTaskHour,
          overrunSeconds: (latency.p50Ms - taskMs) / 1000,
          callbacksDropped: counters.callbacks.dropped,
        },
      ],
      notes: [
        `Polling ${polling.initialMs * TIME_SCALE / 1000} s doubling to ${polling.maxMs * TIME_SCALE / 1000} s (the defaults), in production time. Queries: the getTaskState activities in each ad's history; callbacks dropped by the simulator: ${counters.callbacks.dropped}.`,
        `Over a long task the rate tends to 3600 / ${polling.maxMs * TIME_SCALE / 1000} = ${round(3_600_000 / (polling.maxMs * TIME_SCALE))} per hour; a short task pays the schedule's ramp (10, 20, 40, 80 s) and so has a higher rate per hour. Target: at most 30.`,
        'Ad end after task end: how long after its Vidu task finished an ad noticed, in production time (the cost of losing the callback).',
        ...(done.length < count ? [`FAILURES ${count - done.length} ad(s) did not complete; first: ${outcomes.find((o) => o.error)?.error}`] : []),
      ],
    });
    ctx.summary.lostCallbacks = { ads: count, taskMinutes: sizes.lostCallbackTaskMinutes, queriesPerTask: round(perAd.meanMs), queriesPerTaskHour: round(perTaskHour) };
  } finally {
    await rig.close();
  }
}
