// The Vidu client against an in-process simulator (millisecond timings):
// read requests per second and their latency at several concurrency levels,
// then what checking a create request with large base64 images costs.
// Client and simulator share one process and event loop, so the figures are
// the cost of both ends together: a floor for the client, not Vidu's speed.
import { performance } from 'node:perf_hooks';
import { startViduSimulator, type ViduSimulator } from '../src/simulator';
import { isFinalState, type CreateAdRequest } from '../src/vidu/apiTypes';
import { validateCreateAdRequest } from '../src/vidu/requestValidation';
import { ViduClient } from '../src/vidu/viduClient';
import { dataUri } from '../test/vidu/tinyImages';
import type { BenchContext, Benchmark } from './support/benchmark';
import { loadFigures, runClosedLoop, type LoadResult } from './support/closedLoop';
import { columns } from './support/columns';
import { collectGarbage, startRssSampler } from './support/memory';
import { noisyPng } from './support/pngOfSize';
import type { ResultRow } from './support/report';
import { mib, perSecond, summarise } from './support/stats';

const BENCH = 'client';
const FAST_TIMING = { queueMs: 10, processingMs: 50, progressSteps: 2 };
const PRODUCT_URL = 'https://example.com/bench/product.png';
/** Round trips of a full create; each uploads the whole request, so a few are enough. */
const MAX_CREATE_ROUND_TRIPS = 10;

async function finishedTask(client: ViduClient): Promise<string> {
  const created = await client.createAd({ images: [PRODUCT_URL], prompt: 'a bottle on a beach', duration: 15, aspect_ratio: '16:9', language: 'en' });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const task = await client.getCreations(created.task_id);
    if (isFinalState(task.state)) {
      if (task.state !== 'success') throw new Error(`the simulator's task ended ${task.state}`);
      return created.task_id;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the simulator did not finish a task within 10 s');
}

function loadRow(kind: string, concurrency: number, connections: number | undefined, result: LoadResult): ResultRow {
  return { case: kind, concurrency, connections: connections ?? 'default', requests: result.ok, ...loadFigures(result) };
}

async function readThroughput(ctx: BenchContext, sim: ViduSimulator): Promise<void> {
  const { options } = ctx;
  const client = new ViduClient({ baseUrl: sim.url, apiKey: sim.apiKey, connections: options.connections });
  const rows: ResultRow[] = [];
  const errors: string[] = [];
  try {
    const taskId = await finishedTask(client);
    const calls = {
      getCreations: () => client.getCreations(taskId),
      getAdSubRecords: () => client.getAdSubRecords(taskId),
    };
    for (const [kind, call] of Object.entries(calls)) {
      // Warm-up: JIT, connection pool and the simulator's routes, not measured.
      await runClosedLoop({ concurrency: 8, maxOps: 300, maxMs: 1_000, signal: ctx.signal }, async () => void (await call()));
      for (const concurrency of options.concurrency) {
        const result = await runClosedLoop(
          { concurrency, maxOps: options.requests, maxMs: options.caseMs, signal: ctx.signal },
          async () => void (await call()),
        );
        rows.push(loadRow(kind, concurrency, options.connections, result));
        if (result.firstError) errors.push(`${kind} x${concurrency}: ${result.firstError}`);
      }
    }
  } finally {
    await client.close();
  }
  ctx.report.publish({
    bench: BENCH,
    title: 'ViduClient against the in-process simulator: read requests',
    columns: columns({ key: 'case', label: 'request' }, 'concurrency', 'requests', 'failed', { key: 'perSecond', label: 'req/s' }, 'p50Ms', 'p95Ms', 'p99Ms', 'maxMs'),
    rows,
    notes: [
      `Each case stops after ${options.requests} requests or ${options.caseMs / 1000} s; client pool: ${options.connections ?? 'default (10)'} connections.`,
      ...errors.map((e) => `FAILURES ${e}`),
    ],
  });
}

function largeCreateRequest(ctx: BenchContext): CreateAdRequest {
  const { images, imageBytes } = ctx.options;
  return {
    images: Array.from({ length: images }, (_, i) => dataUri('image/png', noisyPng(imageBytes, i + 1))),
    prompt: 'a bottle on a beach at sunset',
    duration: 15,
    aspect_ratio: '16:9',
    language: 'en',
  };
}

async function validationCost(ctx: BenchContext, sim: ViduSimulator): Promise<void> {
  const { options } = ctx;
  const request = largeCreateRequest(ctx);
  validateCreateAdRequest(request); // a request the benchmark itself got wrong would measure the error path
  const bodyBytes = Buffer.byteLength(JSON.stringify(request));
  const rows: ResultRow[] = [];

  // Validation alone: what ViduClient.createAd does before it sends anything.
  collectGarbage();
  const sampler = await startRssSampler();
  const baseline = process.memoryUsage.rss();
  await sampler.reset();
  const latencies: number[] = [];
  const begin = performance.now();
  while (latencies.length < options.validations && performance.now() - begin < options.caseMs && !ctx.signal.aborted) {
    const t0 = performance.now();
    validateCreateAdRequest(request);
    latencies.push(performance.now() - t0);
  }
  const elapsed = performance.now() - begin;
  const peak = await sampler.stop();
  const validation = summarise(latencies);
  rows.push({
    case: 'validateCreateAdRequest',
    images: options.images,
    bodyMiB: mib(bodyBytes),
    count: latencies.length,
    perSecond: perSecond(latencies.length, elapsed),
    p50Ms: validation.p50Ms,
    p95Ms: validation.p95Ms,
    peakRssDeltaMiB: mib(peak - baseline),
  });

  // The whole create: validation, serialising, uploading and the simulator's own checks.
  const client = new ViduClient({ baseUrl: sim.url, apiKey: sim.apiKey });
  try {
    await client.createAd(request); // warm-up
    collectGarbage();
    const createSampler = await startRssSampler();
    const createBaseline = process.memoryUsage.rss();
    await createSampler.reset();
    const result = await runClosedLoop(
      { concurrency: 1, maxOps: Math.min(MAX_CREATE_ROUND_TRIPS, options.validations), maxMs: options.caseMs, signal: ctx.signal },
      async () => void (await client.createAd(request)),
    );
    const createPeak = await createSampler.stop();
    const created = summarise(result.latenciesMs);
    rows.push({
      case: 'createAd round trip',
      images: options.images,
      bodyMiB: mib(bodyBytes),
      count: result.ok,
      perSecond: perSecond(result.ok, result.elapsedMs),
      p50Ms: created.p50Ms,
      p95Ms: created.p95Ms,
      peakRssDeltaMiB: mib(createPeak - createBaseline),
      failed: result.failed,
    });
    if (result.firstError) throw new Error(`createAd failed: ${result.firstError}`);
  } finally {
    await client.close();
  }

  ctx.report.publish({
    bench: BENCH,
    title: `Create request with ${options.images} base64 PNGs of ~${Math.round(options.imageBytes / 1000)} kB each`,
    columns: columns('case', 'bodyMiB', 'count', 'perSecond', 'p50Ms', 'p95Ms', 'peakRssDeltaMiB'),
    rows,
    notes: [
      'Peak RSS is sampled every 2 ms from a worker thread; the delta is over the RSS after a full GC with the request already built.',
      'The round trip includes the in-process simulator parsing and checking the same body.',
    ],
  });
}

export const clientAgainstSimulator: Benchmark = {
  name: 'client',
  alias: 'clientAgainstSimulator',
  summary: 'ViduClient against the in-process simulator: read req/s and latency; create-request validation cost',
  async run(ctx) {
    const sim = await startViduSimulator({ timing: FAST_TIMING, initialCredits: 100_000_000, media: 'placeholder' });
    try {
      await readThroughput(ctx, sim);
      await validationCost(ctx, sim);
    } finally {
      await sim.close();
    }
  },
};
