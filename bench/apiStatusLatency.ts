// GET /v1/ads/{id} as a client sees it: sequential requests over HTTP against
// the real API server, for an ad waiting in review (each read is the
// workflow's status query, answered by the worker from its cache) and for the
// same ad once cancelled (its final status kept by the API, checked with a
// describe, so the closed history is not replayed on every read).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startApiServer } from '../src/api/server';
import { LocalArtifactStore } from '../src/artifacts/localArtifactStore';
import { startViduSimulator } from '../src/simulator';
import { ViduClient } from '../src/vidu/viduClient';
import { createAdWorker } from '../src/worker/adWorker';
import { dataUri, tinyPng } from '../test/vidu/tinyImages';
import type { BenchContext, Benchmark } from './support/benchmark';
import { columns } from './support/columns';
import { summarise } from './support/stats';

const BENCH = 'status';
const TOKEN = 'bench-token-0123456789abcdef';
const SIM_TIMING = { queueMs: 20, processingMs: 150, progressSteps: 2 };

/** Polls `check` until it answers true; throws after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stageOf(url: string, adId: string): Promise<string | undefined> {
  const response = await fetch(`${url}/v1/ads/${adId}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return response.ok ? ((await response.json()) as { stage: string }).stage : undefined;
}

/** Sequential reads until `count` or the case's time limit, whichever comes first. */
async function measure(ctx: BenchContext, url: string, adId: string, what: string) {
  const samples: number[] = [];
  const begin = performance.now();
  let stoppedBy = 'count';
  while (samples.length < ctx.options.statusReads) {
    if (performance.now() - begin > ctx.options.caseMs || ctx.signal.aborted) {
      stoppedBy = 'time';
      break;
    }
    const t0 = performance.now();
    const response = await fetch(`${url}/v1/ads/${adId}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`GET /v1/ads/${adId} answered ${response.status}`);
    samples.push(performance.now() - t0);
  }
  const latency = summarise(samples);
  return { case: what, requests: latency.count, meanMs: latency.meanMs, p50Ms: latency.p50Ms, p95Ms: latency.p95Ms, maxMs: latency.maxMs, stoppedBy };
}

export const apiStatusLatency: Benchmark = {
  name: 'status',
  alias: 'apiStatusLatency',
  summary: 'GET /v1/ads/{id} latency over HTTP for a running and a finished ad (API server, worker, simulator, dev server)',
  async run(ctx) {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // Installed already in this process.
    }
    const [temporal, bundle] = await Promise.all([ctx.temporal.devServer(), ctx.temporal.workflowBundle()]);
    const artifactDir = await mkdtemp(path.join(tmpdir(), 'bench-status-'));
    const artifacts = new LocalArtifactStore(artifactDir);
    const sim = await startViduSimulator({ timing: SIM_TIMING, media: 'placeholder' });
    const vidu = new ViduClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 10_000 });
    const connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection, namespace: temporal.namespace });
    const workerConnection = await NativeConnection.connect({ address: temporal.address });
    const taskQueue = `bench-status-${process.pid}-${Date.now().toString(36)}`;
    // No callback URL: the workflow polls the simulator (every second here).
    const worker = await createAdWorker({ connection: workerConnection, namespace: temporal.namespace, taskQueue, vidu, artifacts, workflowBundle: { codePath: bundle.path } });
    const running = worker.run();
    const api = await startApiServer({ client, taskQueue, artifacts, tokens: [TOKEN], host: '127.0.0.1', port: 0 });
    try {
      const adId = `bench-status-${process.pid}-${Date.now().toString(36)}`;
      const started = await fetch(`${api.url}/v1/ads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          adId,
          images: [dataUri('image/png', tinyPng(640, 360))],
          prompt: 'a coffee mug on a desk at dawn',
          review: { enabled: true, windowMs: 600_000, onTimeout: 'fail' },
          polling: { initialMs: 1_000, maxMs: 1_000 },
        }),
      });
      if (started.status !== 201) throw new Error(`POST /v1/ads answered ${started.status}: ${await started.text()}`);
      await until('the ad to wait in review', async () => (await stageOf(api.url, adId)) === 'review', ctx.options.adTimeoutMs);
      const runningRow = await measure(ctx, api.url, adId, 'running ad (in review)');

      await fetch(`${api.url}/v1/ads/${adId}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
      await until('the ad to close', async () => (await client.workflow.getHandle(`ad-${adId}`).describe()).status.name !== 'RUNNING', ctx.options.adTimeoutMs);
      const finishedRow = await measure(ctx, api.url, adId, 'finished ad (cancelled)');

      ctx.report.publish({
        bench: BENCH,
        title: 'GET /v1/ads/{id}, sequential requests over HTTP',
        columns: columns('case', 'requests', 'meanMs', 'p50Ms', 'p95Ms', 'maxMs'),
        rows: [runningRow, finishedRow],
        notes: [
          `Each case stops after ${ctx.options.statusReads} requests or ${ctx.options.caseMs / 1000} s. API server, worker and simulator share this process.`,
          'Running: one status query per read (the worker answers from its cached workflow). Finished: the final status kept by the API, checked with a describe per read.',
        ],
      });
    } finally {
      await api.close();
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
      await vidu.close();
      await sim.close();
      await rm(artifactDir, { recursive: true, force: true });
    }
  },
};
