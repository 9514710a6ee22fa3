// The fault suite's rig: the whole system as real processes talking real
// HTTP (the Vidu simulator, the webhook receiver, ad workers) on a Temporal
// dev server, with a handle on each part to stop, kill or restart it, and
// the checks every case ends with. One rig per test file; its cases run one
// after another (they share the simulator's fault config).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationFailure, Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { freePort } from '../../src/tools/ports';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';
import { adFilmWorkflow } from '../../src/workflows/ad/workflow';
import { isFinishedStage, statusQuery, workflowIdForAd, type AdFilmInput, type AdFilmResult, type AdStatus } from '../../src/workflows/ad/contract';
import type { FaultConfig, SimulatedAd, SimulatorCounters } from '../../src/simulator';
import { startChild, type RunningChild } from './childProcess';
import { describeHits, findSecrets, historyAsText, type SecretHit } from './secretScan';
import { startSimulatorProcess, type SimulatorFlags, type SimulatorProcess } from './simulatorProcess';
import { SUITE } from './suiteSize';
import { ownTemporal, sharedTemporal, type RigTemporal } from './temporalServer';
import { workflowBundlePath } from './workflowBundle';

/** Whether a worker gives Vidu a callback URL (through the receiver) or relies on polling alone. */
export type WorkerMode = 'callbacks' | 'polling';

export interface RigOptions {
  /** Names the task queues and the log folder. */
  name: string;
  simulator?: Partial<SimulatorFlags>;
  /** Run a dev server of the rig's own (needed to stop and restart it); otherwise the one `npm test` runs, if any. */
  ownTemporal?: boolean;
  /** Passed to the workers' activities (AD_WORKER_ACTIVITY_TUNING). */
  activityTuning?: Record<string, unknown>;
  /** Client timeout per Vidu call in the workers; short, so that "apply then drop: timeout" ends quickly. */
  viduTimeoutMs?: number;
}

export interface AdRun {
  adId: string;
  workflowId: string;
  /** The image URL only this ad sends: finds its tasks at the simulator even when the ad never learnt their ids. */
  image: string;
  mode: WorkerMode;
  input: AdFilmInput;
  handle: WorkflowHandle<typeof adFilmWorkflow>;
}

export interface AdStartOptions {
  mode?: WorkerMode;
  input?: Partial<AdFilmInput>;
}

/** Simulator timings: fast enough for a case to take seconds, slow enough to kill a worker mid-task. */
export const FAST_VIDU: SimulatorFlags = { queueMs: 50, processingMs: 1_500, progressSteps: 3 };

/** Worker-side tuning: short rejection backoffs and record lookups, so that retries show within a case. */
const DEFAULT_TUNING = { rejectionBackoff: { initialMs: 250, maxMs: 2_000, tries: 8 }, recordLookupMs: 5_000 };

const LOGS_ROOT = path.join(PROJECT_ROOT, '.data', 'test', 'fault-logs');
const WORKER_SCRIPT = path.join(PROJECT_ROOT, 'test', 'support', 'adWorkerProcess.ts');
const RECEIVER_SCRIPT = path.join(PROJECT_ROOT, 'src', 'entrypoints', 'receiver', 'main.ts');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FaultRig {
  private readonly workers = new Map<WorkerMode, RunningChild>();
  private receiver: RunningChild | undefined;
  private readonly ads: AdRun[] = [];
  private adCount = 0;
  private spawnCount = 0;
  /** When the running case gives up waiting: a little before its test times out, so that it fails with a reason. */
  private caseDeadline = Infinity;

  private constructor(
    readonly name: string,
    readonly apiKey: string,
    readonly temporal: RigTemporal,
    readonly client: Client,
    readonly sim: SimulatorProcess,
    readonly callbackUrl: string,
    private readonly receiverPort: number,
    readonly logDir: string,
    private readonly scratchDir: string,
    private readonly bundlePath: string,
    private readonly options: RigOptions,
  ) {}

  /** Starts every part: Temporal (own or shared), the simulator, the receiver and a worker with callbacks. */
  static async open(options: RigOptions): Promise<FaultRig> {
    const scratchDir = await mkdtemp(path.join(tmpdir(), `fault-rig-${options.name}-`));
    const logDir = path.join(LOGS_ROOT, options.name);
    rmSync(logDir, { recursive: true, force: true });
    mkdirSync(logDir, { recursive: true });
    // A key no other text contains, so that finding it in a log means it leaked.
    const apiKey = `vidu-key-${randomBytes(12).toString('hex')}`;
    // What has been started so far, stopped again if a later part fails to start (or the test process would hang on it).
    const started: Array<() => Promise<unknown>> = [() => rm(scratchDir, { recursive: true, force: true })];
    try {
      const shared = process.env.TEMPORAL_ADDRESS;
      const temporal =
        options.ownTemporal || !shared ? await ownTemporal(scratchDir) : await sharedTemporal(shared, process.env.TEMPORAL_NAMESPACE ?? 'default');
      started.unshift(() => temporal.close());
      const connection = await Connection.connect({ address: temporal.address });
      started.unshift(() => connection.close());
      const client = new Client({ connection, namespace: temporal.namespace });
      const sim = await startSimulatorProcess({ apiKey, logDir, flags: { ...FAST_VIDU, ...options.simulator } });
      started.unshift(() => sim.stop());
      const receiverPort = await freePort();
      const callbackUrl = `http://127.0.0.1:${receiverPort}/vidu/callback`;
      const bundlePath = await workflowBundlePath(scratchDir);
      const rig = new FaultRig(options.name, apiKey, temporal, client, sim, callbackUrl, receiverPort, logDir, scratchDir, bundlePath, options);
      mkdirSync(rig.artifactDir, { recursive: true });
      started.unshift(() => rig.stopReceiver(), () => rig.stopWorker('callbacks'));
      await rig.startReceiver();
      await rig.startWorker('callbacks');
      return rig;
    } catch (err) {
      for (const stop of started) await stop().catch(() => undefined);
      throw err;
    }
  }

  get artifactDir(): string {
    return path.join(this.scratchDir, 'artifacts');
  }

  taskQueue(mode: WorkerMode): string {
    return `faults-${this.name}-${mode}-${process.pid}`;
  }

  // ---- the parts --------------------------------------------------------

  async startReceiver(): Promise<void> {
    if (this.receiver?.isRunning()) return;
    this.receiver = await startChild({
      name: `receiver-${++this.spawnCount}`,
      script: RECEIVER_SCRIPT,
      logDir: this.logDir,
      ready: /Vidu callback receiver on/,
      env: {
        VIDU_API_KEY: this.apiKey,
        CALLBACK_PUBLIC_URL: this.callbackUrl,
        RECEIVER_HOST: '127.0.0.1',
        RECEIVER_PORT: String(this.receiverPort),
        RECEIVER_METRICS_PORT: 'off', // its /metrics listener (9466 by default) is not needed here, and several receivers run at once
        TEMPORAL_ADDRESS: this.temporal.address,
        TEMPORAL_NAMESPACE: this.temporal.namespace,
      },
    });
  }

  async stopReceiver(): Promise<void> {
    await this.receiver?.stop();
  }

  /** A worker process for one mode; a 'polling' worker gives Vidu no callback URL. */
  async startWorker(mode: WorkerMode = 'callbacks'): Promise<RunningChild> {
    const running = this.workers.get(mode);
    if (running?.isRunning()) return running;
    const worker = await startChild({
      name: `worker-${mode}-${++this.spawnCount}`,
      script: WORKER_SCRIPT,
      logDir: this.logDir,
      ready: /worker ready/,
      env: {
        TEMPORAL_ADDRESS: this.temporal.address,
        TEMPORAL_NAMESPACE: this.temporal.namespace,
        AD_TASK_QUEUE: this.taskQueue(mode),
        VIDU_BASE_URL: this.sim.url,
        VIDU_API_KEY: this.apiKey,
        ARTIFACT_DIR: this.artifactDir,
        CALLBACK_PUBLIC_URL: mode === 'callbacks' ? this.callbackUrl : undefined,
        WORKFLOW_BUNDLE_PATH: this.bundlePath,
        VIDU_TIMEOUT_MS: String(this.options.viduTimeoutMs ?? 2_000),
        AD_WORKER_LOG_LEVEL: 'INFO',
        AD_WORKER_ACTIVITY_TUNING: JSON.stringify({ ...DEFAULT_TUNING, ...this.options.activityTuning }),
      },
    });
    this.workers.set(mode, worker);
    return worker;
  }

  /** SIGKILL: the worker dies mid-whatever, as in a crash; its activities are noticed by their heartbeat timeout. */
  async killWorker(mode: WorkerMode = 'callbacks'): Promise<RunningChild> {
    const worker = this.workers.get(mode);
    if (!worker?.isRunning()) throw new Error(`no ${mode} worker is running`);
    await worker.kill();
    return worker;
  }

  async stopWorker(mode: WorkerMode = 'callbacks'): Promise<void> {
    await this.workers.get(mode)?.stop();
  }

  setFaults(config: FaultConfig): Promise<void> {
    return this.sim.setFaults(config);
  }

  /** Reads the simulator's counters until `predicate` holds: e.g. until held requests have arrived. */
  async waitForVidu(predicate: (counters: SimulatorCounters) => boolean, what: string, timeoutMs = 30_000): Promise<SimulatorCounters> {
    const deadline = Date.now() + this.timeLeft(timeoutMs);
    for (;;) {
      const counters = await this.sim.counters();
      if (predicate(counters)) return counters;
      if (Date.now() >= deadline) throw new Error(`waited in vain for ${what}; Vidu's counters: ${JSON.stringify(counters)}`);
      await sleep(50);
    }
  }

  // ---- cases --------------------------------------------------------------

  /** Call before each case: waits in the case give up a little before the test's own timeout. */
  beginCase(timeoutMs: number = SUITE.caseTimeoutMs): void {
    this.caseDeadline = Date.now() + timeoutMs - 5_000;
  }

  /**
   * Call after each case: terminates the case's ads that are still running
   * (a failed case must not leave an ad spending at Vidu during the next
   * one, whose counters it would blur), clears the faults, and brings the
   * receiver and the callback worker back if the case stopped them.
   */
  async endCase(): Promise<void> {
    this.caseDeadline = Infinity;
    for (const ad of this.ads) {
      const description = await ad.handle.describe().catch(() => undefined);
      if (description?.status.name === 'RUNNING') await ad.handle.terminate('the fault case ended').catch(() => undefined);
    }
    await this.sim.setFaults({});
    await this.startReceiver();
    await this.startWorker('callbacks');
  }

  private timeLeft(timeoutMs: number): number {
    return Math.max(0, Math.min(timeoutMs, this.caseDeadline - Date.now()));
  }

  // ---- ads --------------------------------------------------------------

  async startAd(label: string, options: AdStartOptions = {}): Promise<AdRun> {
    const mode = options.mode ?? 'callbacks';
    const adId = `${label}-${++this.adCount}-${randomBytes(3).toString('hex')}`;
    const image = `https://images.example/fault-suite/${adId}.png`;
    const input: AdFilmInput = {
      adId,
      images: [image],
      prompt: 'A glass bottle on a beach at sunset',
      duration: 10,
      language: 'en',
      // The new input bound is 1 s; callbacks usually come first.
      polling: { initialMs: 1_000, maxMs: 2_000 },
      // The shortest allowed: a killed worker's activity is noticed within 10 s.
      heartbeatTimeoutMs: 10_000,
      ...options.input,
    };
    const handle = await this.client.workflow.start(adFilmWorkflow, { taskQueue: this.taskQueue(mode), workflowId: workflowIdForAd(adId), args: [input] });
    const ad: AdRun = { adId, workflowId: handle.workflowId, image, mode, input, handle };
    this.ads.push(ad);
    return ad;
  }

  /** `count` ads side by side, each with the same options. */
  async startAds(count: number, label: string, options: AdStartOptions = {}): Promise<AdRun[]> {
    return Promise.all(Array.from({ length: count }, () => this.startAd(label, options)));
  }

  /** The status query, or undefined when nobody answers within a few seconds (no worker, server down). */
  async status(ad: AdRun): Promise<AdStatus | undefined> {
    try {
      return await this.client.withDeadline(Date.now() + 3_000, () => ad.handle.query(statusQuery));
    } catch {
      return undefined;
    }
  }

  /** Queries until `predicate` holds; fails early if the ad finishes without it. */
  async waitForStatus(ad: AdRun, predicate: (status: AdStatus) => boolean, what: string, timeoutMs = 30_000): Promise<AdStatus> {
    const deadline = Date.now() + this.timeLeft(timeoutMs);
    let last: AdStatus | undefined;
    while (Date.now() < deadline) {
      last = (await this.status(ad)) ?? last;
      if (last && predicate(last)) return last;
      if (last && isFinishedStage(last.stage)) break;
      await sleep(100);
    }
    throw new Error(`${ad.adId}: waited in vain for ${what}; last status: ${summary(last)}`);
  }

  waitForStage(ad: AdRun, stage: AdStatus['stage'], timeoutMs?: number): Promise<AdStatus> {
    return this.waitForStatus(ad, (s) => s.stage === stage, `stage ${stage}`, timeoutMs);
  }

  /** Samples each ad's status every few hundred ms until stopped: what an operator watching it would have seen. */
  watch(ads: AdRun[]): StatusWatch {
    const samples = new Map<string, AdStatus[]>(ads.map((ad) => [ad.adId, []]));
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        await Promise.all(
          ads.map(async (ad) => {
            const status = await this.status(ad);
            if (status) samples.get(ad.adId)!.push(status);
          }),
        );
        await sleep(200);
      }
    })();
    return {
      samples: (ad) => samples.get(ad.adId) ?? [],
      async stop() {
        stopped = true;
        await loop;
      },
    };
  }

  /** The ad's result; Temporal being briefly unreachable (a restart) is waited out. */
  async result(ad: AdRun, timeoutMs: number = SUITE.caseTimeoutMs): Promise<AdFilmResult> {
    const outcome = await this.outcome(ad, timeoutMs);
    if (outcome.ok) return outcome.result;
    const cause = (outcome.error as Error).cause;
    const why = cause instanceof ApplicationFailure ? `${cause.type}: ${cause.message}` : String(cause ?? outcome.error);
    throw new Error(`${ad.adId} should be done, but it failed (${why})`, { cause: outcome.error });
  }

  /** The ApplicationFailure an ad ended with; fails if it succeeded. */
  async failure(ad: AdRun, timeoutMs: number = SUITE.caseTimeoutMs): Promise<ApplicationFailure> {
    const outcome = await this.outcome(ad, timeoutMs);
    assert.ok(!outcome.ok, `${ad.adId} should have failed, but it ended ${JSON.stringify(outcome.ok && outcome.result.outcome)}`);
    const { error } = outcome;
    assert.ok(error instanceof WorkflowFailedError, `${ad.adId} ended with ${String(error)}`);
    assert.ok(error.cause instanceof ApplicationFailure, `${ad.adId} failed with ${String(error.cause)}`);
    return error.cause;
  }

  private async outcome(ad: AdRun, timeoutMs: number): Promise<{ ok: true; result: AdFilmResult } | { ok: false; error: unknown }> {
    const deadline = Date.now() + this.timeLeft(timeoutMs);
    for (;;) {
      try {
        const result = await this.client.withDeadline(deadline, () => ad.handle.result());
        return { ok: true, result };
      } catch (error) {
        if (error instanceof WorkflowFailedError) return { ok: false, error };
        if (Date.now() >= deadline) {
          const status = await this.status(ad);
          throw new Error(`${ad.adId} did not finish in time (${String(error)}); status: ${summary(status)}`);
        }
        await sleep(500);
      }
    }
  }

  // ---- the checks every case ends with -------------------------------------

  /** The ad tasks Vidu made for this ad, found by the image only it sends. */
  async viduTasksOf(ad: AdRun): Promise<string[]> {
    return (await this.sim.ads()).filter((task) => task.images.includes(ad.image)).map((task) => task.taskId);
  }

  /** The one ad task Vidu made for this ad, with its edits and composes and when each finished. */
  async viduAdOf(ad: AdRun): Promise<SimulatedAd> {
    const tasks = (await this.sim.ads()).filter((task) => task.images.includes(ad.image));
    assert.equal(tasks.length, 1, `${ad.adId}: one ad task at Vidu`);
    return tasks[0]!;
  }

  /** When (epoch ms, by the Temporal server's clock) the ad scheduled each activity whose type matches `name`. */
  /** Waits until an activity whose type matches `name` was scheduled for the ad. */
  async waitForActivity(ad: AdRun, name: RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.activitiesScheduled(ad, name)).length === 0) {
      if (Date.now() > deadline) throw new Error(`${ad.adId}: no ${name} activity scheduled within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async activitiesScheduled(ad: AdRun, name: RegExp): Promise<number[]> {
    const history = await ad.handle.fetchHistory();
    return (history.events ?? []).flatMap((event) => {
      const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (!type || !name.test(type) || !event.eventTime) return [];
      return [Number(String(event.eventTime.seconds ?? 0)) * 1000 + Math.floor((event.eventTime.nanos ?? 0) / 1e6)];
    });
  }

  /**
   * The ad is done and Vidu charged it exactly once for each thing it asked
   * for: one create, one per requested edit, one compose when the selection
   * changed; the result matches Vidu's books and the saved files are on disk.
   */
  async expectExactlyOnce(ad: AdRun, expected: { edits: number; composed: boolean }): Promise<AdFilmResult> {
    const result = await this.result(ad);
    const tasks = await this.viduTasksOf(ad);
    assert.equal(tasks.length, 1, `${ad.adId}: exactly one create at Vidu (got ${tasks.length}: ${tasks.join(', ')})`);
    const mainTaskId = tasks[0]!;
    assert.equal(result.mainTaskId, mainTaskId, `${ad.adId}: the result names the task Vidu made`);
    const books = (await this.sim.counters()).perAd[mainTaskId];
    assert.ok(books, `${ad.adId}: Vidu has books for ${mainTaskId}`);
    assert.deepEqual(
      { creates: books.creates, edits: books.edits, composes: books.composes },
      { creates: 1, edits: expected.edits, composes: expected.composed ? 1 : 0 },
      `${ad.adId}: what Vidu charged`,
    );
    assert.equal(result.outcome, expected.composed ? 'composed' : 'first-video', `${ad.adId}: outcome`);
    assert.equal(result.creditsSpent, books.creditsCharged, `${ad.adId}: creditsSpent matches what Vidu charged`);
    for (const file of [result.video, result.cover]) {
      const bytes = await readFile(file.path);
      assert.equal(bytes.length, file.bytes, `${file.path}: size`);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), file.sha256, `${file.path}: sha256`);
    }
    const status = await this.status(ad);
    if (status) assert.equal(status.stage, 'done', `${ad.adId}: stage`);
    return result;
  }

  /** Every log line of the rig's own processes and every history of its ads, searched for the API key and signed media URLs. */
  async secretHits(): Promise<{ hits: SecretHit[]; linesScanned: number; historiesScanned: number }> {
    const hits: SecretHit[] = [];
    let linesScanned = 0;
    // The simulator's own log is left out: it stands in for Vidu, which holds the key by definition.
    for (const file of readdirSync(this.logDir).filter((f) => f.endsWith('.log') && !f.startsWith('simulator'))) {
      const text = readFileSync(path.join(this.logDir, file), 'utf8');
      linesScanned += text.split('\n').length;
      hits.push(...findSecrets(text, file, this.apiKey));
    }
    let historiesScanned = 0;
    for (const ad of this.ads) {
      const history = await this.client.workflow.getHandle(ad.workflowId).fetchHistory();
      historiesScanned += 1;
      hits.push(...findSecrets(historyAsText(history), `history of ${ad.workflowId}`, this.apiKey));
    }
    return { hits, linesScanned, historiesScanned };
  }

  async expectNoSecrets(): Promise<void> {
    const { hits, linesScanned, historiesScanned } = await this.secretHits();
    assert.ok(linesScanned > 0 && historiesScanned > 0, 'the scan had logs and histories to read');
    assert.equal(hits.length, 0, `secrets written down:\n${describeHits(hits)}`);
  }

  async close(): Promise<void> {
    for (const worker of this.workers.values()) await worker.stop();
    await this.receiver?.stop();
    await this.sim.stop();
    await this.client.connection.close();
    await this.temporal.close();
    await rm(this.scratchDir, { recursive: true, force: true });
  }
}

/** The parts of a status that say where an ad is stuck. */
function summary(status: AdStatus | undefined): string {
  if (!status) return 'no answer to the status query';
  const { stage, progress, mainTaskId, composeTaskId, waitingFor, lastError } = status;
  const edits = status.edits.map((e) => `${e.kind}:${e.state}`).join(',');
  return JSON.stringify({ stage, progress, mainTaskId, composeTaskId, edits, waitingFor, lastError });
}

export interface StatusWatch {
  samples(ad: AdRun): AdStatus[];
  stop(): Promise<void>;
}
