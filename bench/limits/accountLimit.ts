// A burst against Vidu's account limit: N ads started at once while the
// simulator runs at most 5 tasks and queues the rest, with a queue-to-
// processing ratio like Vidu's (a short queue, processing ten times longer).
// Checks that every ad completes and that no ad made (and paid for) a second
// task; reports ads per minute and how long tasks waited for a slot.
import { CALLBACK_QUERY } from '../../src/callbacks/viduCallback';
import { benchAdRequest, runAds } from '../support/adRig';
import type { BenchContext } from '../support/benchmark';
import { columns } from '../support/columns';
import { round, summarise } from '../support/stats';
import { openPhase } from './phaseRig';
import type { LimitsSizes } from './sizes';

const ACCOUNT_LIMIT = 5;
const SIM_TIMING = { queueMs: 30, processingMs: 300, progressSteps: 3 };

function workflowIdOf(callbackUrl: string | undefined): string | undefined {
  if (!callbackUrl) return undefined;
  return new URL(callbackUrl).searchParams.get(CALLBACK_QUERY.workflowId) ?? undefined;
}

export async function accountLimitPhase(ctx: BenchContext, sizes: LimitsSizes): Promise<void> {
  const count = sizes.accountLimitAds;
  const rig = await openPhase(ctx, { name: 'account', sim: { timing: SIM_TIMING, concurrencyLimit: ACCOUNT_LIMIT } });
  try {
    // Waves of 5 tasks: the last ad waits about count / 5 processing times; the default polling schedule (10 s to 2 min) stays.
    const expectedMs = (count / ACCOUNT_LIMIT) * (SIM_TIMING.processingMs + SIM_TIMING.queueMs);
    // The limit's floor plus the orchestrator's own work for each ad on a busy 2-core machine (up to ~4 ads/s seen).
    const timeoutMs = Math.max(120_000, expectedMs * 3 + count * 400);
    const { outcomes, wallMs } = await runAds(rig, { label: 'account', count, timeoutMs, request: benchAdRequest() });
    const completed = outcomes.filter((o) => o.latencyMs !== undefined).length;
    const tasks = rig.sim.ads();
    const tasksPerWorkflow = new Map<string, number>();
    for (const task of tasks) {
      const id = workflowIdOf(task.callbackUrl) ?? `(no callback url) ${task.taskId}`;
      tasksPerWorkflow.set(id, (tasksPerWorkflow.get(id) ?? 0) + 1);
    }
    const twice = [...tasksPerWorkflow.values()].filter((n) => n > 1).length;
    const counters = rig.sim.counters();
    const firstSent = (state: string) => {
      const at = new Map<string, number>();
      for (const s of rig.sent) if (s.state === state && !at.has(s.taskId)) at.set(s.taskId, s.sentAt);
      return at;
    };
    const queued = firstSent('queueing');
    const processing = firstSent('processing');
    const waits = [...processing].flatMap(([taskId, at]) => (queued.has(taskId) ? [at - queued.get(taskId)!] : []));
    const wait = summarise(waits);
    const latency = summarise(outcomes.flatMap((o) => (o.latencyMs === undefined ? [] : [o.latencyMs])));
    const problems = [
      ...(completed < count ? [`${count - completed} ad(s) did not complete; first: ${outcomes.find((o) => o.error)?.error}`] : []),
      ...(twice ? [`${twice} ad(s) made more than one Vidu task`] : []),
      ...(counters.tasksCreated.ad !== count ? [`${counters.tasksCreated.ad} tasks created for ${count} ads`] : []),
    ];
    ctx.report.publish({
      bench: 'limits',
      title: `${count} ads at once against a ${ACCOUNT_LIMIT}-task account limit (queue ${SIM_TIMING.queueMs} ms, processing ${SIM_TIMING.processingMs} ms)`,
      columns: columns('case', 'completed', 'tasksCreated', 'chargedTwice', 'creditsPerAd', 'wallSeconds', 'adsPerMinute', 'queueWaitP50Ms', 'queueWaitMaxMs'),
      rows: [
        {
          case: 'burst',
          ads: count,
          completed,
          tasksCreated: counters.tasksCreated.ad,
          chargedTwice: twice,
          creditsPerAd: counters.creditsCharged / count,
          wallSeconds: wallMs / 1000,
          adsPerMinute: (completed * 60_000) / wallMs,
          queueWaitP50Ms: wait.p50Ms,
          queueWaitMaxMs: wait.maxMs,
          latencyP50Ms: latency.p50Ms,
          latencyMaxMs: latency.maxMs,
        },
      ],
      notes: [
        `The floor set by the account limit: ${count} / ${ACCOUNT_LIMIT} x ${SIM_TIMING.processingMs} ms = ${round(expectedMs / 1000)} s, ${round((ACCOUNT_LIMIT * 60_000) / SIM_TIMING.processingMs)} ads/min at most.`,
        'Queue wait: from the task\'s queueing callback to its processing callback (the time it waited for one of the 5 slots). Vidu calls per ad: ' +
          Object.entries(counters.apiCalls).filter(([, n]) => n > 0).map(([e, n]) => `${e} ${round(n / count)}`).join(', ') + ' (the default polling schedule runs while ads wait in the queue).',
        ...problems.map((p) => `FAILURES ${p}`),
        ...(completed < count ? [`Unfinished ads are cancelled after ${Math.round(timeoutMs / 1000)} s (the benchmark's limit); a cancelled ad cancels its Vidu task, and one still queued was never created.`] : []),
      ],
    });
    ctx.summary.accountLimit = {
      ads: count,
      completed,
      chargedTwice: twice,
      adsPerMinute: round((completed * 60_000) / wallMs),
      queueWaitP50Ms: round(wait.p50Ms),
      queueWaitMaxMs: round(wait.maxMs),
    };
    if (problems.length) throw new Error(`account limit: ${problems.join('; ')}`);
  } finally {
    await rig.close();
  }
}
