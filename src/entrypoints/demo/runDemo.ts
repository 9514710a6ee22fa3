// The product's main job in one call: bring up Temporal, Vidu (the simulator,
// or the real API with a key), the worker and the webhook receiver; start one
// ad from the sample product photos with review on; follow it; edit one
// storyboard through the admin path; approve; and report where the final video
// and cover were saved. With keepRunning, everything stays up (links printed)
// until the signal aborts. Everything started here is stopped before it returns.
import path from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkflowBundle } from '@temporalio/worker';
import { type ArtifactStore } from '../../artifacts/artifactStore';
import { LocalArtifactStore } from '../../artifacts/localArtifactStore';
import { startAd } from '../../starter';
import { startDevServer } from '../../temporal/devServer';
import { PROJECT_ROOT } from '../../tools/projectRoot';
import { startViduSimulator } from '../../simulator';
import type { SimulatorCounters } from '../../simulator';
import { ViduClient } from '../../vidu/viduClient';
import { createAdWorker } from '../../worker/adWorker';
import { DEFAULT_TASK_QUEUE, isFinishedStage, type AdFilmResult, type AdStatus } from '../../workflows/ad/contract';
import { approveAd, requestEdit, showAd, watchAd } from '../admin/adminActions';
import { renderProgressLine, renderStoryboardTable } from '../admin/render';
import { createCallbackReceiver } from '../receiver/callbackReceiver';
import { CleanupStack } from './cleanup';
import { keepRunningLines, type DemoLinks } from './links';
import { freePort } from '../../tools/ports';
import { portOrAlternative } from './ports';
import type { ReviewConsoleStarter } from './reviewConsole';

export const SAMPLE_IMAGES = ['perfume-bottle.png', 'sneaker.png', 'coffee-mug.png'].map((f) => path.join(PROJECT_ROOT, 'samples', f));

export const DEMO_PROMPT = 'A bright, upbeat ad for a small lifestyle shop: a rose perfume, blue sneakers and a green coffee mug for the perfect morning.';
export const DEMO_EDIT = { storyboardIndex: 0, prompt: 'Open on the perfume bottle turning slowly on a marble table in soft morning light.' };

export interface DemoOptions {
  /** Where the final video, cover and uploaded images go. */
  artifactDir: string;
  /** Another store for them (ARTIFACT_STORE names a bucket); default: the local folder `artifactDir`. */
  artifacts?: ArtifactStore;
  /** Use this Temporal instead of starting a dev server (tests). */
  temporal?: { client: Client; connection: NativeConnection; namespace: string; workflowBundle?: WorkflowBundle };
  /** Workflow code bundled already (tests); without it the worker bundles it (a few seconds). */
  workflowBundle?: WorkflowBundle;
  /** Starts the review console beside the worker; its URL is printed next to the Web UI link. */
  startReviewConsole?: ReviewConsoleStarter;
  /** Ports of the dev server the demo starts; taken when free, else other free ports are used (and said). */
  temporalPort?: number;
  uiPort?: number;
  temporalCliPath?: string;
  /** How long the dev server may take to answer (TEMPORAL_START_TIMEOUT_MS). */
  temporalStartTimeoutMs?: number;
  /** The real Vidu API; without it the simulator plays Vidu. */
  vidu?: { baseUrl: string; apiKey: string; timeoutMs?: number };
  /** Real API only: the public URL that reaches this machine's receiver; without it the workflow polls. */
  callbackPublicUrl?: string;
  /** Real API only: where the receiver listens for CALLBACK_PUBLIC_URL. */
  receiver?: { host: string; port: number; path: string; maxSkewSeconds: number; maxBodyBytes: number };
  /** Simulator pace: seconds by default so a person can follow, milliseconds in tests. */
  simulatorTiming?: { queueMs: number; processingMs: number; progressSteps: number };
  polling?: { initialMs: number; maxMs: number };
  taskQueue?: string;
  adId?: string;
  images?: string[];
  watchIntervalMs?: number;
  /** Keep every server up after the ad is done, until `signal` aborts. */
  keepRunning?: boolean;
  /** Aborting stops the demo early (Ctrl-C); everything is still stopped. */
  signal?: AbortSignal;
  /** A finished line of output. */
  log: (line: string) => void;
  /** The progress line, redrawn on every change (a terminal may overwrite it in place). */
  progress?: (line: string) => void;
}

export interface DemoOutcome {
  adId: string;
  workflowId: string;
  result: AdFilmResult;
  editSubTaskId: string;
  webUiUrl: string | undefined;
  /** Every address the demo printed (Web UI, review console, simulator, receiver). */
  links: DemoLinks;
  /** What the simulator counted (undefined against the real API). */
  simulatorCounters: SimulatorCounters | undefined;
}

export class DemoAbortedError extends Error {
  override readonly name = 'DemoAbortedError';
  constructor() {
    super('the demo was stopped before the ad finished');
  }
}

export class DemoFailedError extends Error {
  override readonly name = 'DemoFailedError';
}

const DEMO_TIMING = { queueMs: 1_500, processingMs: 8_000, progressSteps: 8 };
const DEMO_POLLING = { initialMs: 5_000, maxMs: 15_000 };

function abortable(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (signal?.aborted) reject(new DemoAbortedError());
    signal?.addEventListener('abort', () => reject(new DemoAbortedError()), { once: true });
  });
}

/**
 * --keep-running: waits for Ctrl-C (the abort). A timer holds the process
 * open meanwhile, since some servers hold only unref'd handles; a worker that
 * dies meanwhile ends the wait as a failure.
 */
async function untilStopped(aborted: Promise<never>, workerFailure: Promise<never>): Promise<void> {
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    await Promise.race([aborted, workerFailure]);
  } catch (err) {
    if (!(err instanceof DemoAbortedError)) throw err;
  } finally {
    clearInterval(keepAlive);
  }
}

export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  const { log } = options;
  const progress = options.progress ?? log;
  const cleanup = new CleanupStack();
  const aborted = abortable(options.signal);
  aborted.catch(() => undefined);
  let workerFailure: Promise<never> = new Promise(() => undefined);
  /** Waits for a step, unless Ctrl-C comes first or the worker dies. */
  const step = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, aborted, workerFailure]);

  try {
    // Temporal: the caller's, or a dev server of our own (in memory: a demo leaves no state behind).
    let client: Client;
    let connection: NativeConnection;
    let namespace: string;
    let uiUrl: string | undefined;
    if (options.temporal) {
      ({ client, connection, namespace } = options.temporal);
    } else {
      const port = await portOrAlternative(options.temporalPort ?? 7233, 'Temporal gRPC', log);
      const uiPort = await portOrAlternative(options.uiPort ?? 8233, 'Temporal Web UI', log);
      log(`Starting the Temporal dev server (gRPC ${port}, Web UI ${uiPort})...`);
      // Registered before the wait, so a server that comes up after Ctrl-C is stopped too; Ctrl-C also ends a slow start at once.
      const starting = startDevServer({
        port,
        uiPort,
        temporalCliPath: options.temporalCliPath,
        startTimeoutMs: options.temporalStartTimeoutMs,
        signal: options.signal,
        log,
      });
      cleanup.push('Temporal dev server', async () => (await starting.catch(() => undefined))?.stop());
      const server = await step(starting);
      namespace = server.namespace;
      uiUrl = server.uiUrl;
      connection = await NativeConnection.connect({ address: server.address });
      cleanup.push('Temporal connection', () => connection.close());
      client = new Client({ connection, namespace });
      log(`Temporal is up at ${server.address}; Web UI ${uiUrl}`);
    }

    // Vidu: the simulator unless a real API key was given.
    let vidu: { baseUrl: string; apiKey: string; timeoutMs?: number };
    let simulator: Awaited<ReturnType<typeof startViduSimulator>> | undefined;
    const links: DemoLinks = { webUi: uiUrl };
    if (options.vidu) {
      vidu = options.vidu;
      log(`Using the real Vidu API at ${vidu.baseUrl}: this ad spends real credits.`);
    } else {
      simulator = await startViduSimulator({ timing: options.simulatorTiming ?? DEMO_TIMING });
      cleanup.push('Vidu simulator', () => simulator!.close());
      vidu = { baseUrl: simulator.url, apiKey: simulator.apiKey };
      links.simulator = simulator.url;
      log(`Vidu simulator at ${simulator.url} (no network, no credits spent).`);
    }
    const viduClient = new ViduClient(vidu);
    cleanup.push('Vidu client', () => viduClient.close());

    // The webhook receiver: always with the simulator; with the real API only when Vidu can reach it.
    let callbackPublicUrl: string | undefined;
    if (simulator) {
      const port = await freePort();
      callbackPublicUrl = `http://127.0.0.1:${port}/vidu/callback`;
      const receiver = createCallbackReceiver({ client, apiKey: vidu.apiKey, publicUrl: callbackPublicUrl, maxSkewSeconds: 300, maxBodyBytes: 1_048_576, log });
      await receiver.listen(port, '127.0.0.1');
      cleanup.push('webhook receiver', () => receiver.close());
      links.receiver = callbackPublicUrl;
      log(`Webhook receiver at ${callbackPublicUrl}`);
    } else if (options.callbackPublicUrl && options.receiver) {
      const receiver = createCallbackReceiver({ client, apiKey: vidu.apiKey, publicUrl: options.callbackPublicUrl, ...options.receiver, log });
      await receiver.listen(options.receiver.port, options.receiver.host);
      cleanup.push('webhook receiver', () => receiver.close());
      callbackPublicUrl = options.callbackPublicUrl;
      links.receiver = `${options.receiver.host}:${options.receiver.port}${options.receiver.path}`;
      log(`Webhook receiver on ${options.receiver.host}:${options.receiver.port}${options.receiver.path}, reached through ${callbackPublicUrl}`);
    } else {
      log('CALLBACK_PUBLIC_URL is not set: the workflow polls Vidu for progress instead of receiving callbacks.');
    }

    // The worker.
    const artifacts = options.artifacts ?? new LocalArtifactStore(options.artifactDir);
    const taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
    const workflowBundle = options.workflowBundle ?? options.temporal?.workflowBundle;
    if (!workflowBundle) log('Bundling the workflow code and starting the worker (a few seconds)...');
    // Not raced with Ctrl-C: a worker that was created must be run and shut down to release it.
    const worker: Worker = await createAdWorker({ connection, namespace, taskQueue, vidu: viduClient, artifacts, callbackPublicUrl, workflowBundle });
    const running = worker.run();
    // Ctrl-C also reaches the worker (the SDK shuts workers down on SIGINT): that is a stop, not a failure.
    workerFailure = running.then(
      () => {
        throw options.signal?.aborted ? new DemoAbortedError() : new DemoFailedError('the worker stopped unexpectedly');
      },
      (err: unknown) => {
        throw options.signal?.aborted ? new DemoAbortedError() : new DemoFailedError(`the worker failed: ${(err as Error).message}`);
      },
    );
    workerFailure.catch(() => undefined);
    cleanup.push('worker', async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch((err: unknown) => log(`worker: ${(err as Error).message}`));
    });
    running.catch(() => undefined);

    // The HTTP API and review console (src/entrypoints/demo/main.ts passes it): its link goes beside the Web UI's.
    let adPageUrl: ((adId: string) => string) | undefined;
    if (options.startReviewConsole) {
      // Not raced with Ctrl-C either: a server that started must be closed with the rest.
      const reviewConsole = await options.startReviewConsole({ client, namespace, taskQueue, artifacts, artifactDir: options.artifactDir, log });
      cleanup.push('review console', () => reviewConsole.close());
      if (options.signal?.aborted) throw new DemoAbortedError();
      links.reviewConsole = reviewConsole.url;
      adPageUrl = reviewConsole.adPageUrl?.bind(reviewConsole);
    }

    // The ad.
    const adId = options.adId ?? `demo-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}`;
    const images = options.images ?? SAMPLE_IMAGES;
    const ad = await step(
      startAd(
        client,
        {
          adId,
          images,
          prompt: DEMO_PROMPT,
          duration: 15,
          aspectRatio: '16:9',
          language: 'en',
          review: { enabled: true, windowMs: 30 * 60_000, onTimeout: 'compose-selected' },
          polling: options.polling ?? (simulator ? DEMO_POLLING : undefined),
        },
        { taskQueue, artifacts, allowLocalFiles: true },
      ),
    );
    const webUiUrl = uiUrl ? `${uiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(ad.workflowId)}` : undefined;
    links.workflow = webUiUrl;
    log(`Started ad ${adId} from ${images.length} sample images (workflow ${ad.workflowId}).`);
    if (webUiUrl) log(`Watch it in the Temporal Web UI: ${webUiUrl}`);
    // The review console line, beside the Web UI link.
    if (adPageUrl) links.reviewConsole = adPageUrl(adId);
    if (links.reviewConsole) log(`Review it in the review console: ${links.reviewConsole}`);

    let lastLine = '';
    const showProgress = (s: AdStatus) => {
      const line = renderProgressLine(s);
      if (line !== lastLine) progress(line);
      lastLine = line;
    };
    const watch = (until: (s: AdStatus) => boolean) =>
      step(watchAd(client, adId, showProgress, { intervalMs: options.watchIntervalMs ?? 500, until, signal: options.signal }));
    const failed = (s: AdStatus) => isFinishedStage(s.stage) && s.stage !== 'done';
    const ensureAlive = (s: AdStatus) => {
      if (options.signal?.aborted) throw new DemoAbortedError();
      if (failed(s)) throw new DemoFailedError(`ad ${adId} ${s.stage}${s.lastError ? `: ${s.lastError}` : ''}`);
    };

    // 1. The first video, generated by Vidu; the workflow then waits for the operator.
    log('Vidu is generating the first video...');
    ensureAlive(await watch((s) => s.stage === 'review' || isFinishedStage(s.stage)));
    log('The first video is ready; the ad waits for review. Storyboards and takes:');
    log(renderStoryboardTable(await step(showAd(client, adId))));

    // 2. One storyboard edit, exactly as `vidu-ad-admin edit` does it.
    log(`Operator: edit storyboard ${DEMO_EDIT.storyboardIndex}: "${DEMO_EDIT.prompt}"`);
    const { subTaskId } = await step(requestEdit(client, adId, { kind: 'video', ...DEMO_EDIT }));
    log(`Edit accepted as Vidu sub-task ${subTaskId}; regenerating that storyboard...`);
    const editDone = (s: AdStatus) => s.edits.some((e) => e.subTaskId === subTaskId && (e.state === 'succeeded' || e.state === 'failed'));
    const afterEdit = await watch((s) => editDone(s) || isFinishedStage(s.stage));
    ensureAlive(afterEdit);
    const edit = afterEdit.edits.find((e) => e.subTaskId === subTaskId);
    log(edit?.state === 'failed' ? `The edit failed (${edit.error}); the previous take stays selected.` : 'The new take is ready and selected:');
    log(renderStoryboardTable(afterEdit));

    // 3. Approval: the workflow composes the selection and keeps the result.
    log('Operator: approve. Vidu composes the final video...');
    await step(approveAd(client, adId));
    const final = await watch((s) => isFinishedStage(s.stage));
    ensureAlive(final);
    const result = await step(ad.result());
    log('');
    log(`Ad ${adId} is done (${result.outcome}, ${result.creditsSpent} credits).`);
    log(`  final video: ${result.video.path}`);
    log(`  cover:       ${result.cover.path}`);
    if (webUiUrl) log(`  workflow:    ${webUiUrl}`);
    const simulatorCounters = simulator?.counters();

    if (options.keepRunning) {
      // The link printed at the start may have been used or have expired: a fresh one-time sign-in link.
      if (adPageUrl) links.reviewConsole = adPageUrl(adId);
      log('');
      for (const line of keepRunningLines(links)) log(line);
      await untilStopped(aborted, workerFailure);
    }
    return { adId, workflowId: ad.workflowId, result, editSubTaskId: subTaskId, webUiUrl, links, simulatorCounters };
  } finally {
    await cleanup.runAll(log);
  }
}
