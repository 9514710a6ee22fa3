// For the observability tests: the worker exactly as `npm run worker` runs it
// (src/entrypoints/worker/main.ts's main, in a child process, configured by environment), the
// Vidu simulator and the webhook receiver in this process, and one ad run
// through them. The worker's stdout and stderr are kept apart: stdout is
// where its JSON log lines go.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { freePort } from '../../src/tools/ports';
import { createCallbackReceiver, type CallbackReceiver } from '../../src/entrypoints/receiver/callbackReceiver';
import { startViduSimulator, type ViduSimulator } from '../../src/simulator';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';
import { adFilmWorkflow } from '../../src/workflows/ad/workflow';
import { workflowIdForAd, type AdFilmResult } from '../../src/workflows/ad/contract';

const WORKER_SCRIPT = path.join(PROJECT_ROOT, 'src', 'entrypoints', 'worker', 'main.ts');

export interface WorkerRig {
  apiKey: string;
  sim: ViduSimulator;
  receiver: CallbackReceiver;
  receiverUrl: string;
  /** The receiver's /metrics, on a loopback listener of its own (not the callbacks' port). */
  receiverMetricsUrl: string;
  sdkMetricsUrl: string;
  appMetricsUrl: string;
  /** Everything the worker wrote to stdout so far. */
  stdout(): string;
  stderr(): string;
  runAd(adId: string): Promise<{ workflowId: string; result: AdFilmResult }>;
  close(): Promise<void>;
}

export async function openWorkerRig(opts: { name: string; logLevel: string }): Promise<WorkerRig> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS must be set: run through test/run.ts');
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  // A key no other text contains: finding it in a log line means it leaked.
  const apiKey = `vidu-key-${randomBytes(12).toString('hex')}`;
  const scratch = await mkdtemp(path.join(tmpdir(), `observability-${opts.name}-`));
  const stops: Array<() => Promise<unknown>> = [() => rm(scratch, { recursive: true, force: true })];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const sim = await startViduSimulator({ apiKey, timing: { queueMs: 50, processingMs: 800, progressSteps: 2 }, media: 'placeholder' });
    stops.push(() => sim.close());
    const connection = await Connection.connect({ address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace });
    const receiverPort = await freePort();
    const receiverUrl = `http://127.0.0.1:${receiverPort}`;
    const receiver = createCallbackReceiver({ client, apiKey, publicUrl: `${receiverUrl}/vidu/callback`, maxSkewSeconds: 300, maxBodyBytes: 1_048_576, log: () => undefined });
    await receiver.listen(receiverPort, '127.0.0.1');
    const receiverMetricsUrl = (await receiver.listenMetrics(0, '127.0.0.1')).url;
    stops.push(() => receiver.close());

    const [sdkPort, appPort] = [await freePort(), await freePort()];
    const taskQueue = `observability-${opts.name}-${process.pid}`;
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: address,
        TEMPORAL_NAMESPACE: namespace,
        AD_TASK_QUEUE: taskQueue,
        VIDU_BASE_URL: sim.url,
        VIDU_API_KEY: apiKey,
        VIDU_TIMEOUT_MS: '5000',
        ARTIFACT_DIR: path.join(scratch, 'artifacts'),
        CALLBACK_PUBLIC_URL: `${receiverUrl}/vidu/callback`,
        LOG_LEVEL: opts.logLevel,
        WORKER_METRICS_HOST: '127.0.0.1',
        WORKER_METRICS_PORT: String(sdkPort),
        WORKER_APP_METRICS_PORT: String(appPort),
      },
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    stops.push(async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    });
    await untilPolling(client, namespace, taskQueue, () => {
      if (child.exitCode !== null) throw new Error(`the worker exited (${child.exitCode}):\n${out.slice(-3000)}\n${err.slice(-3000)}`);
    });

    return {
      apiKey,
      sim,
      receiver,
      receiverUrl,
      receiverMetricsUrl,
      sdkMetricsUrl: `http://127.0.0.1:${sdkPort}/metrics`,
      appMetricsUrl: `http://127.0.0.1:${appPort}/metrics`,
      stdout: () => out,
      stderr: () => err,
      async runAd(adId) {
        const workflowId = workflowIdForAd(adId);
        const handle = await client.workflow.start(adFilmWorkflow, {
          taskQueue,
          workflowId,
          // Callbacks only (polling every two minutes): the receiver must see some.
          args: [{ adId, images: ['https://example.com/products/bottle.png'], prompt: 'a bottle on a beach', duration: 15, language: 'en', polling: { initialMs: 120_000, maxMs: 120_000 } }],
        });
        return { workflowId, result: await handle.result() };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits until a worker polls the task queue (whatever the worker logs at its level), checking `alive` meanwhile. */
async function untilPolling(client: Client, namespace: string, taskQueue: string, alive: () => void): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    alive();
    const { pollers } = await client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW });
    if (pollers.length > 0) return;
    if (Date.now() > deadline) throw new Error(`no worker polled ${taskQueue} within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The sum of a metric's samples whose labels include `labels`, from Prometheus text; undefined when no sample matches. */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum = (sum ?? 0) + Number(match[3]);
  }
  return sum;
}
