// Worker memory with ads parked: N ads whose Vidu tasks run for an hour, each
// waiting for its callback. Then every parked ad is woken once by a progress
// callback signal, which shows what the workflow cache costs and saves: an
// ad the cache evicted is replayed from its history when it wakes.
import { randomUUID } from 'node:crypto';
import { viduCallbackSignal } from '../../src/workflows/ad/contract';
import { benchAdRequest, runAds } from '../support/adRig';
import type { BenchContext } from '../support/benchmark';
import { runClosedLoop } from '../support/closedLoop';
import { columns } from '../support/columns';
import { mib, round } from '../support/stats';
import { openPhase } from './phaseRig';
import type { LimitsSizes } from './sizes';
import { loadConfig } from '../../src/config';

const HOUR_MS = 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The ad count the memory target is stated for. */
const TARGET_ADS = 2000;

export async function parkedPhase(ctx: BenchContext, sizes: LimitsSizes): Promise<void> {
  const count = sizes.parkedAds;
  const cache = ctx.options.maxCachedWorkflows ?? loadConfig({}).workerTuning.maxCachedWorkflows;
  const rig = await openPhase(ctx, { name: 'parked', sim: { timing: { queueMs: 0, processingMs: HOUR_MS, progressSteps: 1 }, concurrencyLimit: 100_000 } });
  const workflowIds: string[] = [];
  try {
    // Polling an hour apart: the ads wait for their callbacks only.
    const request = benchAdRequest({ initialMs: HOUR_MS, maxMs: HOUR_MS });
    // Parked: every task created and processing, and every callback sent so far delivered (and so signalled).
    const park = async (label: string, n: number, total: number) => {
      const started = await runAds(rig, { label, count: n, timeoutMs: 600_000, request, startOnly: true });
      workflowIds.push(...started.outcomes.map((o) => o.handle.workflow.workflowId));
      const failedStarts = started.outcomes.filter((o) => o.error);
      if (failedStarts.length) throw new Error(`parked: ${failedStarts.length} ad(s) failed to start, first: ${failedStarts[0]!.error}`);
      // Every task processing, then no callback answered for a second (an intermediate one that fails is not retried).
      const deadline = Date.now() + 300_000;
      const processing = () => new Set(rig.sent.filter((s) => s.state === 'processing').map((s) => s.taskId)).size;
      while (processing() < total && Date.now() < deadline && !ctx.signal.aborted) await sleep(250);
      if (processing() < total) throw new Error(`parked: ${rig.sim.counters().tasksCreated.ad} of ${total} tasks created, ${processing()} processing`);
      const answered = () => rig.sim.counters().callbacks.delivered + rig.sim.counters().callbacks.failed;
      for (let last = -1; answered() !== last && Date.now() < deadline; ) {
        last = answered();
        await sleep(1_000);
      }
      await sleep(2_000); // the last workflow tasks complete
    };
    // One ad first: the worker's first workflow loads the bundle, a cost paid once, not per ad.
    await park('parked-first', 1, 1);
    const idle = await rig.worker.memory({ gc: true });
    const begin = Date.now();
    await park('parked', count, count + 1);
    const parkSeconds = (Date.now() - begin) / 1000;
    const parked = await rig.worker.memory({ gc: true });
    // The cache holds at most its size: the ads beyond it cost the worker (almost) nothing.
    const cachedAds = Math.min(count, cache);
    const perAdMiB = mib(parked.rss - idle.rss) / cachedAds;
    const at2000MiB = count >= TARGET_ADS ? mib(parked.rss) : mib(idle.rss) + perAdMiB * Math.min(TARGET_ADS, cache);

    // Wake each parked ad once, as a progress callback would.
    const cpuBefore = parked.cpuMs;
    const wake = await runClosedLoop({ concurrency: 16, maxOps: count, maxMs: 300_000, signal: ctx.signal }, (i) =>
      rig.client.workflow.getHandle(workflowIds[i]!).signal(viduCallbackSignal, { taskId: `wake-${i}`, nonce: randomUUID(), state: 'processing', progress: 50 }),
    );
    await sleep(2_000);
    const woken = await rig.worker.memory({ gc: true });
    const wakeCpuMs = (woken.cpuMs - cpuBefore) / count;
    const cacheLabel = String(cache);
    ctx.report.publish({
      bench: 'limits',
      title: `Worker memory with ${count} ads parked awaiting callbacks (workflow cache: ${cacheLabel})`,
      columns: columns('case', 'idleMiB', 'parkedMiB', 'perAdMiB', { key: 'at2000MiB', label: `at ${TARGET_ADS} ads MiB` }, 'wokenMiB', 'wakeCpuMs', 'peakMiB'),
      rows: [
        {
          case: `${count} parked`,
          ads: count,
          cache: cacheLabel,
          idleMiB: mib(idle.rss),
          parkedMiB: mib(parked.rss),
          perAdMiB,
          at2000MiB,
          wokenMiB: mib(woken.rss),
          wakeCpuMs,
          peakMiB: mib(woken.peakRss),
          parkSeconds,
        },
      ],
      notes: [
        'RSS after a full garbage collection in the worker. Idle: with one ad parked (the first workflow loads the bundle). Per cached ad: (parked - idle) / min(ads, cache size).',
        count >= TARGET_ADS
          ? `Measured with ${count} ads.`
          : `At ${TARGET_ADS} ads: extrapolated from ${count}, idle + per cached ad x min(${TARGET_ADS}, cache size): the cache holds at most its size, and an ad outside it is only an entry on the server.`,
        `Callbacks while parking: ${rig.sim.counters().callbacks.delivered} delivered, ${rig.sim.counters().callbacks.failed} failed (not retried: intermediate states).`,
        `Wake: one progress signal per parked ad (${wake.ok} sent, ${wake.failed} failed); an ad the cache evicted replays its history first, so the CPU per wake is the cache's trade-off.`,
      ],
    });
    ctx.summary.parkedWorkerRssMb = round(at2000MiB);
    ctx.summary.parked = { ads: count, cache: cacheLabel, idleMiB: mib(idle.rss), parkedMiB: mib(parked.rss), perAdMiB: round(perAdMiB), extrapolated: count < TARGET_ADS, wakeCpuMs: round(wakeCpuMs) };
  } finally {
    // Parked ads would wait an hour: terminate them (cheaper than cancelling, which calls Vidu for each).
    await runClosedLoop({ concurrency: 32, maxOps: workflowIds.length, maxMs: 300_000 }, async (i) => {
      await rig.client.workflow.getHandle(workflowIds[i]!).terminate('benchmark finished');
    });
    await rig.close();
  }
}
