// Whole ads through the real system: the starter starts N ads on the real
// Temporal dev server; the real adFilmWorkflow runs them on an ad worker in a
// process of its own, against the in-process simulator with millisecond
// timings, whose signed callbacks come back through the real webhook
// receiver. Reports ads per minute, ad latency, history events, simulator
// calls and credits per ad, and the worker's memory.
import { Client, Connection } from '@temporalio/client';
import { LocalArtifactStore } from '../src/artifacts/localArtifactStore';
import { adWorkerEnv, benchAdRequest, historyLengths, latencyRow, listeningReceiver, POLLING, openBatchGround, runAds, SIM_TIMING, startWorkerProcess, type WorkerProcess } from './support/adRig';
import type { Benchmark } from './support/benchmark';
import { columns } from './support/columns';
import { busyPercent, machineCpu } from './support/machineCpu';
import { mib, summarise } from './support/stats';

const BENCH = 'ads';

export const adThroughput: Benchmark = {
  name: 'ads',
  alias: 'adThroughput',
  summary: 'N ads end to end (starter, adFilmWorkflow on a worker process, simulator, receiver, dev server)',
  async run(ctx) {
    const { options } = ctx;
    const ground = await openBatchGround(ctx, 'ads');
    const { temporal, bundle, artifactDir, sim } = ground;
    const artifacts = new LocalArtifactStore(artifactDir);
    const connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection, namespace: temporal.namespace });
    const { receiver, publicUrl } = await listeningReceiver(client, sim.apiKey);
    const taskQueue = `bench-ads-${process.pid}-${Date.now().toString(36)}`;
    const run = { client, taskQueue, artifacts, signal: ctx.signal };
    const request = benchAdRequest(POLLING);
    let worker: WorkerProcess | undefined;
    try {
      worker = await startWorkerProcess(adWorkerEnv({ temporal, taskQueue, sim, artifactDir, callbackUrl: publicUrl, bundlePath: bundle.path }));
      const idle = await worker.memory();
      // One ad first, on its own: the worker's first workflow pays for loading the bundle.
      const cold = await runAds(run, { label: 'cold', count: 1, timeoutMs: options.adTimeoutMs, request });
      sim.reset(); // the counters below are the batch's alone
      const deliveredBefore = receiver.metrics.count('delivered');
      const before = await worker.memory();
      const benchCpuBefore = process.cpuUsage();
      const machineBefore = machineCpu();
      const { outcomes, wallMs } = await runAds(run, { label: 'batch', count: options.ads, timeoutMs: options.adTimeoutMs, request });
      const after = await worker.memory();
      const benchCpu = process.cpuUsage(benchCpuBefore);
      const machineBusy = busyPercent(machineBefore, machineCpu());

      const failed = [...cold.outcomes, ...outcomes].filter((o) => o.error !== undefined);
      const eventStats = summarise(await historyLengths(outcomes));
      const counters = sim.counters();
      const apiCalls = Object.values(counters.apiCalls).reduce((sum, n) => sum + n, 0);
      // Simulator figures cover every ad started (a cancelled ad spent calls too); events cover completed ads.
      const per = (n: number) => n / outcomes.length;
      const callsByEndpoint = Object.entries(counters.apiCalls)
        .filter(([, n]) => n > 0)
        .map(([endpoint, n]) => `${endpoint} ${Math.round(per(n) * 10) / 10}`)
        .join(', ');

      ctx.report.publish({
        bench: BENCH,
        title: 'Ads end to end: one on a cold worker, then a batch started at once',
        columns: columns('case', 'completed', 'failed', 'wallSeconds', 'adsPerMinute', 'p50Ms', 'p95Ms', 'maxMs'),
        rows: [latencyRow('first ad, cold worker', cold.outcomes, cold.wallMs), latencyRow(`${options.ads} ads at once`, outcomes, wallMs)],
        notes: [
          `Simulator: queue ${SIM_TIMING.queueMs} ms + processing ${SIM_TIMING.processingMs} ms per task, concurrency limit ${options.ads}; polling ${POLLING.initialMs}-${POLLING.maxMs} ms as the safety net behind callbacks.`,
          `Latency: from startAd (which stores the image) to the workflow's result. The run stops after ${options.adTimeoutMs / 1000} s.`,
          ...(failed.length ? [`FAILURES (${failed.length}), first: ${failed[0]!.error}`] : []),
        ],
      });
      ctx.report.publish({
        bench: BENCH,
        title: 'Per ad of the batch',
        columns: columns('case', { key: 'eventsMean', label: 'events/ad' }, { key: 'eventsMax', label: 'max events' }, 'apiCallsPerAd', 'creditsPerAd', 'callbacksPerAd', 'workerCpuMsPerAd', 'othersCpuMsPerAd', 'machineBusyPercent'),
        rows: [
          {
            case: 'per ad',
            ads: outcomes.length,
            eventsMean: eventStats.meanMs,
            eventsMax: eventStats.maxMs,
            apiCallsPerAd: per(apiCalls),
            creditsPerAd: per(counters.creditsCharged),
            callbacksPerAd: per(counters.callbacks.delivered),
            workerCpuMsPerAd: per(after.cpuMs - before.cpuMs),
            othersCpuMsPerAd: per((benchCpu.user + benchCpu.system) / 1000),
            machineBusyPercent: machineBusy,
          },
        ],
        notes: [
          `Events: history length of each completed ad. API calls, credits and callbacks: simulator totals over the ${outcomes.length} ads started.`,
          `API calls per ad by endpoint: ${callsByEndpoint || 'none'}; callbacks delivered by the receiver: ${receiver.metrics.count('delivered') - deliveredBefore}.`,
          'CPU: process CPU time over the batch; "other" is the benchmark process (simulator, receiver, starter). Machine busy: all cores, all processes (dev server included).',
        ],
      });
      ctx.report.publish({
        bench: BENCH,
        title: 'Ad worker process memory',
        columns: columns('case', 'idleMiB', 'beforeMiB', 'afterMiB', 'peakMiB', 'heapAfterMiB'),
        rows: [
          {
            case: 'worker RSS',
            ads: outcomes.length,
            idleMiB: mib(idle.rss),
            beforeMiB: mib(before.rss),
            afterMiB: mib(after.rss),
            peakMiB: mib(after.peakRss),
            heapAfterMiB: mib(after.heapUsed),
          },
        ],
        notes: [
          'Idle: started, before any workflow; before batch: after the cold ad; peak: sampled every 5 ms (from a worker thread) over the worker\'s life.',
          `Workflow bundle: ${mib(bundle.bytes)} MiB, built once in ${Math.round(bundle.bundleMs)} ms; dev server started in ${Math.round(temporal.startupMs)} ms.`,
        ],
      });
    } finally {
      await worker?.stop();
      await receiver.close();
      await connection.close();
      await ground.close();
    }
  },
};
