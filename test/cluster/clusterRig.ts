// The cluster tier's rig: the whole service as real processes on a Temporal
// backend (the local cluster, or a dev server while working on the tier):
// the Vidu simulator with fast timings, two webhook receivers behind a
// round-robin front, and two workers (`src/entrypoints/worker/main.ts`, as `npm run worker`
// starts it) sharing one artifact store. A case starts a batch of ads at once,
// plays the operator for the ads that go through review (one edit each, then
// approve), does its damage while the batch runs, and ends by checking every
// ad against Vidu's books.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { freePort } from '../../src/tools/ports';
import type { SimulatorCounters } from '../../src/simulator';
import { getAdHandle } from '../../src/starter';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';
import { adFilmWorkflow } from '../../src/workflows/ad/workflow';
import { workflowIdForAd, type AdFilmInput, type AdFilmResult } from '../../src/workflows/ad/contract';
import { startChild, type ChildExit, type RunningChild } from '../faults/childProcess';
import { FAST_VIDU } from '../faults/rig';
import { startSimulatorProcess, type SimulatorProcess } from '../faults/simulatorProcess';
import { workflowBundlePath } from '../faults/workflowBundle';
import { artifactKind, startArtifacts, type ArtifactBackend } from './artifactBackend';
import { startRoundRobinFront, type RoundRobinFront } from './roundRobinFront';
import { TIER } from './tierSize';
import type { TemporalBackend } from './temporalBackend';

export type Slot = 'a' | 'b';
export const SLOTS: readonly Slot[] = ['a', 'b'];

export interface TierAd {
  adId: string;
  workflowId: string;
  /** The image URL only this ad sends: finds its tasks at Vidu even when the ad never learnt their ids. */
  image: string;
  /** Goes through review, where the operator sends one edit and approves. */
  review: boolean;
  handle: WorkflowHandle<typeof adFilmWorkflow>;
}

/** What a case's damage can look at while the batch runs. */
export interface Batch {
  ads: TierAd[];
  /** Ads Vidu has created a task for so far in this case. */
  createdAtVidu(): Promise<number>;
  /** Ads finished done so far. */
  completed(): number;
  /** Waits until at least `count` ads have a task at Vidu. */
  untilCreated(count: number): Promise<void>;
  /** Waits until every ad has its task at Vidu and knows its id (none left in the creating stage). */
  untilAllCreated(): Promise<void>;
  /** Waits until at least `count` ads have finished done. */
  untilCompleted(count: number): Promise<void>;
}

export interface CaseSummary {
  case: string;
  backend: string;
  ads: number;
  completed: number;
  creates: number;
  edits: number;
  composes: number;
  credits: number;
  seconds: number;
  notes: string[];
}

export interface WorkerStop {
  slot: Slot;
  identity: string;
  exit: ChildExit;
  logFile: string;
}

const LOGS_ROOT = path.join(PROJECT_ROOT, '.data', 'test', 'cluster-logs');
const WORKER_SCRIPT = path.join(PROJECT_ROOT, 'src', 'entrypoints', 'worker', 'main.ts');
const RECEIVER_SCRIPT = path.join(PROJECT_ROOT, 'src', 'entrypoints', 'receiver', 'main.ts');
const CALLBACK_PATH = '/vidu/callback';
/** How long a stopping worker lets its running activities finish (WORKER_SHUTDOWN_GRACE_MS). */
export const WORKER_GRACE_MS = 20_000;
const EDIT: { kind: 'video'; storyboardIndex: number; prompt: string } = { kind: 'video', storyboardIndex: 0, prompt: 'the bottle in the rain' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ClusterRig {
  private readonly workers = new Map<Slot, RunningChild>();
  private readonly receivers = new Map<Slot, RunningChild>();
  private readonly caseAds: TierAd[] = [];
  private spawnCount = 0;
  private caseNumber = 0;
  private callbacks = true;

  private constructor(
    readonly temporal: TemporalBackend,
    readonly artifacts: ArtifactBackend,
    readonly client: Client,
    readonly sim: SimulatorProcess,
    readonly front: RoundRobinFront,
    private readonly receiverPorts: Record<Slot, number>,
    readonly apiKey: string,
    readonly taskQueue: string,
    readonly logDir: string,
    private readonly scratchDir: string,
    private readonly bundlePath: string,
  ) {}

  /** Starts everything but Temporal (which the caller owns): simulator, receivers, front, workers. */
  static async open(temporal: TemporalBackend): Promise<ClusterRig> {
    const scratchDir = await mkdtemp(path.join(tmpdir(), 'cluster-tier-'));
    const logDir = LOGS_ROOT;
    rmSync(logDir, { recursive: true, force: true });
    mkdirSync(logDir, { recursive: true });
    const apiKey = `vidu-key-${randomBytes(12).toString('hex')}`;
    const started: Array<() => Promise<unknown>> = [() => rm(scratchDir, { recursive: true, force: true })];
    try {
      const artifacts = await startArtifacts(artifactKind(), scratchDir);
      started.unshift(() => artifacts.stop());
      const connection = await Connection.connect({ address: temporal.address });
      started.unshift(() => connection.close());
      const client = new Client({ connection, namespace: temporal.namespace });
      // Each ad may run its main task, an edit and a compose at once: Vidu's queue must not be what is measured.
      const sim = await startSimulatorProcess({ apiKey, logDir, flags: { ...FAST_VIDU, concurrencyLimit: TIER.ads * 3, credits: 1_000_000_000 } });
      started.unshift(() => sim.stop());
      const receiverPorts = { a: await freePort(), b: await freePort() };
      const front = await startRoundRobinFront([receiverPorts.a, receiverPorts.b]);
      started.unshift(() => front.close());
      const bundlePath = await workflowBundlePath(scratchDir);
      const taskQueue = `cluster-tier-${process.pid}-${Date.now().toString(36)}`;
      const rig = new ClusterRig(temporal, artifacts, client, sim, front, receiverPorts, apiKey, taskQueue, logDir, scratchDir, bundlePath);
      started.unshift(() => rig.stopAll());
      await Promise.all(SLOTS.map((slot) => rig.startReceiver(slot)));
      await Promise.all(SLOTS.map((slot) => rig.startWorker(slot)));
      return rig;
    } catch (err) {
      for (const stop of started) await stop().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Whether the workers give Vidu a callback URL: with callbacks off the ads
   * learn everything by polling. Workers running with the other setting are
   * stopped gracefully and started again with this one.
   */
  async useCallbacks(on: boolean): Promise<void> {
    if (this.callbacks === on) return;
    this.callbacks = on;
    for (const slot of SLOTS) {
      if (this.workers.get(slot)?.isRunning()) await this.stopWorkerGracefully(slot);
      await this.startWorker(slot);
    }
  }

  get callbackUrl(): string {
    return `${this.front.url}${CALLBACK_PATH}`;
  }

  describe(): string {
    return `${this.temporal.kind} at ${this.temporal.address}, artifacts in the ${this.artifacts.describe}, ${TIER.ads} ads per case`;
  }

  // ---- the processes --------------------------------------------------------

  async startReceiver(slot: Slot): Promise<void> {
    if (this.receivers.get(slot)?.isRunning()) return;
    const receiver = await startChild({
      name: `receiver-${slot}-${++this.spawnCount}`,
      script: RECEIVER_SCRIPT,
      logDir: this.logDir,
      ready: /Vidu callback receiver on/,
      env: {
        VIDU_API_KEY: this.apiKey,
        // The URL Vidu calls (the front's): part of what it signs, so both receivers check against it.
        CALLBACK_PUBLIC_URL: this.callbackUrl,
        RECEIVER_HOST: '127.0.0.1',
        RECEIVER_PORT: String(this.receiverPorts[slot]),
        RECEIVER_METRICS_PORT: 'off', // its /metrics listener (9466 by default) is not needed here, and several receivers run at once
        TEMPORAL_ADDRESS: this.temporal.address,
        TEMPORAL_NAMESPACE: this.temporal.namespace,
        LOG_LEVEL: 'info',
      },
    });
    this.receivers.set(slot, receiver);
  }

  async killReceiver(slot: Slot): Promise<void> {
    const receiver = this.receivers.get(slot);
    if (!receiver?.isRunning()) throw new Error(`receiver ${slot} is not running`);
    await receiver.kill();
  }

  receiverPort(slot: Slot): number {
    return this.receiverPorts[slot];
  }

  async startWorker(slot: Slot): Promise<RunningChild> {
    const running = this.workers.get(slot);
    if (running?.isRunning()) return running;
    const worker = await startChild({
      name: `worker-${slot}-${++this.spawnCount}`,
      script: WORKER_SCRIPT,
      logDir: this.logDir,
      ready: /ad worker on task queue/,
      readyTimeoutMs: 90_000,
      env: {
        TEMPORAL_ADDRESS: this.temporal.address,
        TEMPORAL_NAMESPACE: this.temporal.namespace,
        AD_TASK_QUEUE: this.taskQueue,
        VIDU_BASE_URL: this.sim.url,
        VIDU_API_KEY: this.apiKey,
        VIDU_TIMEOUT_MS: '10000',
        ...(this.callbacks && { CALLBACK_PUBLIC_URL: this.callbackUrl }),
        WORKFLOW_BUNDLE_PATH: this.bundlePath,
        WORKER_SHUTDOWN_GRACE_MS: String(WORKER_GRACE_MS),
        WORKER_METRICS_PORT: 'off',
        WORKER_APP_METRICS_PORT: 'off',
        // Debug: the SDK then logs each activity attempt's start and end, which the rolling-restart case reads.
        LOG_LEVEL: 'debug',
        ...this.artifacts.workerEnv,
        // The AWS SDK's one-time notice that its 2027 releases need Node 22: noise in every worker log.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    this.workers.set(slot, worker);
    return worker;
  }

  worker(slot: Slot): RunningChild {
    const worker = this.workers.get(slot);
    if (!worker?.isRunning()) throw new Error(`worker ${slot} is not running`);
    return worker;
  }

  /** The identity Temporal records for a worker's tasks (the SDK's default: pid@host). */
  identityOf(worker: RunningChild): string {
    return `${worker.pid}@${os.hostname()}`;
  }

  /** The logs of every worker process started so far (stopped or running). */
  workerLogs(): string[] {
    return readdirSync(this.logDir)
      .filter((name) => name.startsWith('worker-') && name.endsWith('.log'))
      .map((name) => readFileSync(path.join(this.logDir, name), 'utf8'));
  }

  /** SIGKILL: the worker dies mid-whatever; its activities are noticed by their heartbeat timeout. */
  async killWorker(slot: Slot): Promise<void> {
    await this.worker(slot).kill();
  }

  /** SIGTERM, then waits for the worker to exit by itself (SIGKILL only long past its grace time). */
  async stopWorkerGracefully(slot: Slot): Promise<WorkerStop> {
    const worker = this.worker(slot);
    const force = setTimeout(() => worker.signal('SIGKILL'), WORKER_GRACE_MS + 30_000);
    worker.signal('SIGTERM');
    const exit = await worker.exited;
    clearTimeout(force);
    return { slot, identity: this.identityOf(worker), exit, logFile: worker.logFile };
  }

  // ---- a case -----------------------------------------------------------------

  /**
   * Starts TIER.ads ads at once (every third through review), runs `damage`
   * alongside, waits for every ad to end, and checks each against Vidu's
   * books: one create, one edit per edit request, one compose when an edit
   * changed the selection, and the credits the result reports.
   */
  async runCase(name: string, damage: (batch: Batch) => Promise<string[] | void>, timeoutMs: number): Promise<CaseSummary> {
    const deadline = Date.now() + timeoutMs - 10_000;
    const label = `c${++this.caseNumber}`;
    const before = await this.sim.counters();
    const t0 = performance.now();
    const ads = await Promise.all(Array.from({ length: TIER.ads }, (_, i) => this.startAd(`${label}-${i}`, i % TIER.reviewEvery === 0)));
    let completed = 0;
    const images = new Set(ads.map((ad) => ad.image));
    const createdAtVidu = async () => (await this.sim.ads()).filter((task) => task.images.some((image) => images.has(image))).length;
    const until = async (what: string, probe: () => Promise<boolean>) => {
      while (!(await probe().catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`waited in vain for ${what}`);
        await sleep(100);
      }
    };
    const creating = `TaskQueue = "${this.taskQueue}" AND AdStage = "creating"`;
    const batch: Batch = {
      ads,
      createdAtVidu,
      completed: () => completed,
      untilCreated: (count) => until(`${count} ads to be created at Vidu`, async () => (await createdAtVidu()) >= count),
      untilCompleted: (count) => until(`${count} ads to finish`, async () => completed >= count),
      untilAllCreated: () =>
        until(
          'every ad to be created at Vidu and past its creating stage',
          async () => (await createdAtVidu()) >= ads.length && (await this.client.workflow.count(creating)).count === 0,
        ),
    };
    const operator = this.operate(ads.filter((ad) => ad.review), deadline);
    const outcomes = ads.map(async (ad) => {
      const outcome = await this.outcome(ad, deadline);
      if (outcome.ok) completed += 1;
      return outcome;
    });
    let notes: string[] = [];
    try {
      notes = (await damage(batch)) ?? [];
    } finally {
      // Whatever the damage did, the ads are awaited (or time out) before the case ends.
      await Promise.allSettled(outcomes);
      operator.stop();
      await operator.done;
    }
    const results = await Promise.all(outcomes);
    const seconds = (performance.now() - t0) / 1000;
    const after = await this.sim.counters();
    const summary: CaseSummary = {
      case: name,
      backend: this.temporal.kind,
      ads: ads.length,
      completed,
      creates: after.tasksCreated.ad - before.tasksCreated.ad,
      edits: after.tasksCreated.edit - before.tasksCreated.edit,
      composes: after.tasksCreated.compose - before.tasksCreated.compose,
      credits: after.creditsCharged - before.creditsCharged,
      seconds,
      notes: [...notes, ...operator.notes()],
    };
    report(summary);

    const unfinished = results.flatMap((r, i) => (r.ok ? [] : [`${ads[i]!.adId}: ${r.reason}`]));
    assert.deepEqual(unfinished, [], `every ad ends done (${completed}/${ads.length})`);
    const problems = await this.chargeProblems(ads, results.map((r) => (r.ok ? r.result : undefined)), after);
    assert.deepEqual(problems, [], 'every ad charged exactly once per request');
    const reviews = ads.filter((ad) => ad.review).length;
    assert.deepEqual(
      { creates: summary.creates, edits: summary.edits, composes: summary.composes },
      { creates: ads.length, edits: reviews, composes: reviews },
      'what Vidu made in this case: one create per ad, one edit and one compose per reviewed ad',
    );
    return summary;
  }

  /** The ads of the case running now (until endCase). */
  currentCaseAds(): TierAd[] {
    return [...this.caseAds];
  }

  /** After each case: ads still running are terminated, faults cleared, every process brought back. */
  async endCase(): Promise<void> {
    for (const ad of this.caseAds.splice(0)) {
      const description = await ad.handle.describe().catch(() => undefined);
      if (description?.status.name === 'RUNNING') await ad.handle.terminate('the cluster case ended').catch(() => undefined);
    }
    await this.sim.setFaults({});
    await Promise.all(SLOTS.map((slot) => this.startReceiver(slot)));
    await Promise.all(SLOTS.map((slot) => this.startWorker(slot)));
    // The next case starts as every case does, with callbacks on.
    await this.useCallbacks(true);
  }

  private async startAd(label: string, review: boolean): Promise<TierAd> {
    const adId = `tier-${label}-${randomBytes(3).toString('hex')}`;
    const image = `https://images.example/cluster-tier/${adId}.png`;
    const input: AdFilmInput = {
      adId,
      images: [image],
      prompt: 'A glass bottle on a beach at sunset',
      duration: 10,
      language: 'en',
      // Callbacks carry the ads; polling is the safety net (a lost callback, a receiver down).
      polling: { initialMs: 2_000, maxMs: 5_000 },
      // The shortest allowed: a killed worker's activities are noticed within 10 s.
      heartbeatTimeoutMs: 10_000,
      ...(review && { review: { enabled: true, windowMs: 30 * 60_000, onTimeout: 'fail' as const } }),
    };
    const handle = await this.client.workflow.start(adFilmWorkflow, { taskQueue: this.taskQueue, workflowId: workflowIdForAd(adId), args: [input] });
    const ad: TierAd = { adId, workflowId: handle.workflowId, image, review, handle };
    this.caseAds.push(ad);
    return ad;
  }

  /**
   * The operator: finds the ads waiting in review (one visibility query for
   * all, not a query per ad), sends each one edit and then the approval. Both
   * carry a request id, so a request repeated after an error (a service down,
   * a worker gone) spends nothing more: what the charge check then proves.
   */
  private operate(ads: TierAd[], deadline: number): { stop(): void; done: Promise<void>; notes(): string[] } {
    const waiting = new Map(ads.map((ad) => [ad.workflowId, ad]));
    const handled: Array<Promise<void>> = [];
    let stopped = false;
    let retries = 0;
    let lastError = '';
    const handle = async (ad: TierAd) => {
      const adHandle = getAdHandle(this.client, ad.adId);
      for (const step of ['edit', 'approve'] as const) {
        for (;;) {
          try {
            if (step === 'edit') await adHandle.edit({ ...EDIT, requestId: `${ad.adId}-edit` });
            else await adHandle.approve({ requestId: `${ad.adId}-approve` });
            break;
          } catch (err) {
            retries += 1;
            lastError = `${ad.adId} ${step}: ${err instanceof Error ? err.message : String(err)}`;
            if (stopped || Date.now() > deadline) return;
            await sleep(1_000);
          }
        }
      }
    };
    const done = (async () => {
      const query = `TaskQueue = "${this.taskQueue}" AND AdStage = "review"`;
      while (!stopped && waiting.size > 0 && Date.now() < deadline) {
        try {
          for await (const execution of this.client.workflow.list({ query })) {
            const ad = waiting.get(execution.workflowId);
            if (!ad) continue;
            waiting.delete(execution.workflowId);
            handled.push(handle(ad));
          }
        } catch {
          // Visibility unreachable for a moment (a service restarting): ask again.
        }
        await sleep(500);
      }
      await Promise.all(handled);
    })();
    return {
      stop: () => {
        stopped = true;
      },
      done,
      notes: () => (retries ? [`operator requests repeated ${retries} times (last: ${lastError.slice(0, 160)})`] : []),
    };
  }

  private async outcome(ad: TierAd, deadline: number): Promise<{ ok: true; result: AdFilmResult } | { ok: false; reason: string }> {
    for (;;) {
      try {
        return { ok: true, result: await this.client.withDeadline(Math.min(deadline, Date.now() + 30_000), () => ad.handle.result()) };
      } catch (error) {
        if (error instanceof WorkflowFailedError) return { ok: false, reason: `failed: ${String(error.cause?.message ?? error.message)}` };
        if (Date.now() >= deadline) {
          const stage = await this.client
            .withDeadline(Date.now() + 3_000, () => ad.handle.describe())
            .then((d) => `${d.status.name}, AdStage ${String(d.typedSearchAttributes.getAll().find((p) => p.key.name === 'AdStage')?.value ?? '?')}`)
            .catch(() => 'unknown');
          return { ok: false, reason: `not finished in time (${stage}; last error: ${String(error)})` };
        }
        await sleep(500);
      }
    }
  }

  /** Per ad: one task at Vidu, charged one create, one edit and one compose per request, the credits the result reports, and its files in the store. */
  private async chargeProblems(ads: TierAd[], results: Array<AdFilmResult | undefined>, counters: SimulatorCounters): Promise<string[]> {
    const tasks = await this.sim.ads();
    const problems: string[] = [];
    ads.forEach((ad, i) => {
      const mine = tasks.filter((task) => task.images.includes(ad.image));
      if (mine.length !== 1) {
        problems.push(`${ad.adId}: ${mine.length} ad tasks at Vidu (${mine.map((t) => t.taskId).join(', ')})`);
        return;
      }
      const books = counters.perAd[mine[0]!.taskId];
      const expected = { creates: 1, edits: ad.review ? 1 : 0, composes: ad.review ? 1 : 0 };
      const charged = books && { creates: books.creates, edits: books.edits, composes: books.composes };
      if (JSON.stringify(charged) !== JSON.stringify(expected)) problems.push(`${ad.adId}: charged ${JSON.stringify(charged)}, expected ${JSON.stringify(expected)}`);
      const result = results[i];
      if (result && books && result.creditsSpent !== books.creditsCharged) {
        problems.push(`${ad.adId}: creditsSpent ${result.creditsSpent}, Vidu charged ${books.creditsCharged}`);
      }
      if (result && result.outcome !== (ad.review ? 'composed' : 'first-video')) problems.push(`${ad.adId}: outcome ${result.outcome}`);
    });
    // The saved video and cover are in the shared store with the size the result records.
    for (const [i, result] of results.entries()) {
      for (const file of result ? [result.video, result.cover] : []) {
        const size = await this.artifacts.sizeOf(file.path);
        if (size !== file.bytes) problems.push(`${ads[i]!.adId}: ${file.path} holds ${size ?? 'nothing'}, the result says ${file.bytes} bytes`);
      }
    }
    return problems.slice(0, 20);
  }

  private async stopAll(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.stop(WORKER_GRACE_MS + 5_000)));
    await Promise.all([...this.receivers.values()].map((r) => r.stop()));
  }

  async close(): Promise<void> {
    await this.stopAll();
    await this.front.close();
    await this.sim.stop();
    await this.client.connection.close();
    await this.artifacts.stop();
    await rm(this.scratchDir, { recursive: true, force: true });
  }
}

/** The per-case line the issue asks for, on stdout and (for the runner's table) in CLUSTER_SUMMARY_FILE. */
function report(summary: CaseSummary): void {
  const line =
    `[cluster tier] ${summary.case}: ${summary.completed}/${summary.ads} ads done; charges: ${summary.creates} creates, ` +
    `${summary.edits} edits, ${summary.composes} composes (${summary.credits} credits); ${summary.seconds.toFixed(1)} s` +
    (summary.notes.length ? `\n  ${summary.notes.join('\n  ')}` : '');
  console.log(line);
  const file = process.env.CLUSTER_SUMMARY_FILE;
  if (file) appendFileSync(file, `${JSON.stringify(summary)}\n`);
}
