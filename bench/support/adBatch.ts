// The ads benchmark's moving parts, shared by the dev-server run (ads) and the
// cluster run (cluster): ad worker processes, the receiver in this process,
// a batch of ads started at once, and the row that sums a batch up.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import type { LocalArtifactStore } from '../../src/artifacts/artifactStore';
import { createCallbackReceiver, type CallbackReceiver } from '../../src/entrypoints/receiver/callbackReceiver';
import { freePort } from '../../src/entrypoints/demo/ports';
import { getAdHandle, startAd, type AdHandle } from '../../src/starter';
import { dataUri, tinyPng } from '../../test/vidu/tinyImages';
import type { FromWorker, ToWorker, WorkerMemory } from './adWorkerProcess';
import type { BenchContext } from './benchmark';
import { perSecond, summarise } from './stats';

/** Vidu with millisecond timings: the figures are the orchestrator's, not Vidu's. */
export const SIM_TIMING = { queueMs: 20, processingMs: 300, progressSteps: 3 };
/** The safety net only: callbacks carry the ads, polling catches a lost one. */
export const POLLING = { initialMs: 2_000, maxMs: 5_000 };
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export interface WorkerProcess {
  memory(): Promise<WorkerMemory>;
  stop(): Promise<void>;
}

/** The ad worker (adWorkerProcess.ts) forked with an IPC channel; resolves once it polls. */
export function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child: ChildProcess = fork(path.join(__dirname, 'adWorkerProcess.ts'), [], {
    cwd: PROJECT_ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = <T extends FromWorker['type']>(type: T) =>
    new Promise<Extract<FromWorker, { type: T }>>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        resolve(message as Extract<FromWorker, { type: T }>);
      };
      child.on('message', onMessage);
      void exited.then((code) => reject(new Error(`the worker process exited (code ${code}) before answering "${type}"`)));
    });
  const ask = (message: ToWorker) => child.send(message);
  return next('ready').then(() => ({
    async memory() {
      const answer = next('memory');
      ask({ type: 'memory' });
      const { rss, peakRss, heapUsed, cpuMs } = await answer;
      return { rss, peakRss, heapUsed, cpuMs };
    },
    async stop() {
      if (child.exitCode !== null) return;
      ask({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  }));
}

/** The webhook receiver in this process, on a free port of 127.0.0.1. */
export async function listeningReceiver(client: Client, apiKey: string): Promise<{ receiver: CallbackReceiver; publicUrl: string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}/vidu/callback`;
    const receiver = createCallbackReceiver({ client, apiKey, publicUrl, maxSkewSeconds: 300, maxBodyBytes: 1_048_576, log: () => undefined });
    try {
      await receiver.listen(port, '127.0.0.1');
      return { receiver, publicUrl };
    } catch (err) {
      if (attempt >= 5) throw err; // someone else took the port in between: pick another
    }
  }
}

export interface AdOutcome {
  handle: AdHandle;
  latencyMs?: number;
  error?: string;
}

export interface AdBatch {
  label: string;
  count: number;
  timeoutMs: number;
}

/** Starts `count` ads at once and waits for all of them, cancelling the rest when the time runs out. */
export async function runAds(ctx: BenchContext, client: Client, taskQueue: string, artifacts: LocalArtifactStore, batch: AdBatch): Promise<{ outcomes: AdOutcome[]; wallMs: number }> {
  const image = dataUri('image/png', tinyPng(640, 360));
  const adIds = Array.from({ length: batch.count }, (_, i) => `bench-${process.pid}-${Date.now().toString(36)}-${batch.label}-${i}`);
  const begin = performance.now();
  const runs = adIds.map(async (adId): Promise<AdOutcome> => {
    const t0 = performance.now();
    let handle = getAdHandle(client, adId);
    try {
      handle = await startAd(
        client,
        { adId, images: [image], prompt: 'a bottle on a beach at sunset', duration: 15, aspectRatio: '16:9', language: 'en', polling: POLLING },
        { taskQueue, artifacts },
      );
      await handle.result();
      return { handle, latencyMs: performance.now() - t0 };
    } catch (err) {
      return { handle, error: err instanceof Error ? err.message : String(err) };
    }
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), batch.timeoutMs);
  });
  const aborted = new Promise<'timeout'>((resolve) => ctx.signal.addEventListener('abort', () => resolve('timeout'), { once: true }));
  const all = Promise.all(runs);
  const first = await Promise.race([all, timedOut, aborted]);
  clearTimeout(timer);
  let wallMs = performance.now() - begin;
  if (first === 'timeout') {
    // Unfinished ads are cancelled (their result then rejects) so the run ends here.
    await Promise.allSettled(adIds.map((adId) => getAdHandle(client, adId).workflow.cancel()));
    wallMs = performance.now() - begin;
  }
  return { outcomes: await all, wallMs };
}

/** One row of the ads table: completed, failed, wall time, ads per minute and latency. */
export function latencyRow(kind: string, outcomes: AdOutcome[], wallMs: number) {
  const done = outcomes.filter((o) => o.latencyMs !== undefined);
  const latency = summarise(done.map((o) => o.latencyMs!));
  return {
    case: kind,
    ads: outcomes.length,
    completed: done.length,
    failed: outcomes.length - done.length,
    wallSeconds: wallMs / 1000,
    adsPerMinute: perSecond(done.length, wallMs) * 60,
    p50Ms: latency.p50Ms,
    p95Ms: latency.p95Ms,
    maxMs: latency.maxMs,
  };
}
