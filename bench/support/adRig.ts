// The parts of a whole-ad benchmark: the ad worker in a process of its own
// (forked, configured by environment, asked for its memory over IPC), the
// simulator, the real webhook receiver on a free port, and starting a batch
// of ads and waiting for them with a time limit.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { freePort } from '../../src/tools/ports';
import { createCallbackReceiver, type CallbackReceiver } from '../../src/entrypoints/receiver/callbackReceiver';
import { startViduSimulator, type ViduSimulator } from '../../src/simulator';
import { getAdHandle, startAd, type AdHandle } from '../../src/starter';
import type { StartAdRequest } from '../../src/starter/adRequest';
import type { FromWorker, MemoryRequest, ToWorker, WorkerMemory } from './adWorkerProcess';
import type { BenchContext } from './benchmark';
import { dataUri, tinyPng } from '../../test/vidu/tinyImages';
import { perSecond, summarise } from './stats';
import type { SharedTemporal, WorkflowBundleFile } from './temporal';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export interface WorkerProcess {
  memory(request?: MemoryRequest): Promise<WorkerMemory>;
  /** Called for every workflow the baseline worker asks the benchmark to signal. */
  onBaselineSignals(handler: (workflowId: string) => void): void;
  stop(): Promise<void>;
}

/** Forks bench/support/adWorkerProcess.ts with these BENCH_* settings; resolves once it polls. */
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
    async memory(request: MemoryRequest = {}) {
      const answer = next('memory');
      ask({ type: 'memory', ...request });
      const { rss, peakRss, heapUsed, cpuMs } = await answer;
      return { rss, peakRss, heapUsed, cpuMs };
    },
    onBaselineSignals(handler) {
      child.on('message', (message: FromWorker) => {
        if (message.type === 'baseline-signals') handler(message.workflowId);
      });
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
  adId: string;
  handle: AdHandle;
  latencyMs?: number;
  error?: string;
}

export interface AdBatch {
  label: string;
  count: number;
  timeoutMs: number;
  /** The ad's request less its id; the same for every ad of the batch. */
  request: Omit<StartAdRequest, 'adId'>;
  /** Starts one ad every this many ms instead of all at once (a steady stream). */
  intervalMs?: number;
  /** Do not wait for the results (parked ads): resolve once every ad is started. */
  startOnly?: boolean;
}

export interface AdRun {
  client: Client;
  taskQueue: string;
  artifacts: LocalArtifactStore;
  signal: AbortSignal;
}

/** The failure with its causes ("Workflow execution failed: <the ad's failure>: <its cause>"). */
function describeFailure(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 4; e = e.cause) parts.push(e.message);
  return parts.length ? parts.join(': ') : String(err);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `count` ads (at once, or one per interval) and waits for all of them, cancelling the rest when the time runs out. */
export async function runAds(run: AdRun, batch: AdBatch): Promise<{ outcomes: AdOutcome[]; wallMs: number }> {
  const { client, taskQueue, artifacts } = run;
  const adIds = Array.from({ length: batch.count }, (_, i) => `bench-${process.pid}-${Date.now().toString(36)}-${batch.label}-${i}`);
  const begin = performance.now();
  const runs = adIds.map(async (adId, i): Promise<AdOutcome> => {
    if (batch.intervalMs) await sleep(begin + i * batch.intervalMs - performance.now());
    const t0 = performance.now();
    let handle = getAdHandle(client, adId);
    try {
      handle = await startAd(client, { ...batch.request, adId }, { taskQueue, artifacts });
      if (batch.startOnly) return { adId, handle };
      await handle.result();
      return { adId, handle, latencyMs: performance.now() - t0 };
    } catch (err) {
      return { adId, handle, error: describeFailure(err) };
    }
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), batch.timeoutMs);
  });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'timeout'>((resolve) => {
    onAbort = () => resolve('timeout');
    run.signal.addEventListener('abort', onAbort, { once: true });
  });
  const all = Promise.all(runs);
  const first = await Promise.race([all, timedOut, aborted]);
  clearTimeout(timer);
  run.signal.removeEventListener('abort', onAbort!);
  let wallMs = performance.now() - begin;
  if (first === 'timeout') {
    // Unfinished ads are cancelled (their result then rejects) so the run ends here.
    await Promise.allSettled(adIds.map((adId) => getAdHandle(client, adId).workflow.cancel()));
    wallMs = performance.now() - begin;
  }
  return { outcomes: await all, wallMs };
}

/** Vidu with millisecond timings: the figures are the orchestrator's, not Vidu's. */
export const SIM_TIMING = { queueMs: 20, processingMs: 300, progressSteps: 3 };
/** The safety net only: callbacks carry the ads, polling catches a lost one. */
export const POLLING = { initialMs: 2_000, maxMs: 5_000 };

/** The simulator of an ads batch, with Vidu's concurrency limit set to the number of ads: the figures are the orchestrator's, not a queue's. */
function startBatchSimulator(ads: number): Promise<ViduSimulator> {
  return startViduSimulator({ timing: SIM_TIMING, concurrencyLimit: ads, initialCredits: 100_000_000, callbackRetryDelayMs: 50, media: 'placeholder' });
}

/** What a benchmark's ads batches run on: the run's dev server and workflow bundle, an artifact folder of its own and the batch simulator. */
export interface BatchGround {
  temporal: SharedTemporal;
  bundle: WorkflowBundleFile;
  artifactDir: string;
  sim: ViduSimulator;
  close(): Promise<void>;
}

export async function openBatchGround(ctx: BenchContext, bench: string): Promise<BatchGround> {
  const [temporal, bundle] = await Promise.all([ctx.temporal.devServer(), ctx.temporal.workflowBundle()]);
  const artifactDir = await mkdtemp(path.join(tmpdir(), `bench-${bench}-`));
  const sim = await startBatchSimulator(ctx.options.ads);
  return {
    temporal,
    bundle,
    artifactDir,
    sim,
    async close() {
      await sim.close();
      await rm(artifactDir, { recursive: true, force: true });
    },
  };
}

/** The history length of each completed ad. */
export async function historyLengths(outcomes: AdOutcome[]): Promise<number[]> {
  const lengths: number[] = [];
  for (const outcome of outcomes.filter((o) => o.latencyMs !== undefined)) {
    const history = await outcome.handle.workflow.fetchHistory();
    lengths.push(history.events?.length ?? 0);
  }
  return lengths;
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

/**
 * The benchmarks' ad: one small image, a 15 s 16:9 English ad, and the given
 * polling (callbacks carry the ads; default: none, the ad's own schedule).
 */
export function benchAdRequest(polling?: { initialMs: number; maxMs: number }): AdBatch['request'] {
  return { images: [dataUri('image/png', tinyPng(640, 360))], prompt: 'a bottle on a beach at sunset', duration: 15, aspectRatio: '16:9', language: 'en', ...(polling && { polling }) };
}

export interface AdWorkerSetting {
  temporal: { address: string; namespace: string };
  taskQueue: string;
  sim: { url: string; apiKey: string };
  artifactDir: string;
  callbackUrl: string;
  bundlePath: string;
}

/** The environment of an ad worker process (adWorkerProcess.ts). */
export function adWorkerEnv(setting: AdWorkerSetting): Record<string, string> {
  return {
    BENCH_TEMPORAL_ADDRESS: setting.temporal.address,
    BENCH_NAMESPACE: setting.temporal.namespace,
    BENCH_TASK_QUEUE: setting.taskQueue,
    BENCH_VIDU_URL: setting.sim.url,
    BENCH_VIDU_KEY: setting.sim.apiKey,
    BENCH_ARTIFACT_DIR: setting.artifactDir,
    BENCH_CALLBACK_URL: setting.callbackUrl,
    BENCH_BUNDLE_PATH: setting.bundlePath,
  };
}
