// The ad worker in a process of its own, so the benchmark can report the
// worker's memory apart from the simulator's, the receiver's and its own.
// Forked by adRig.ts with an IPC channel and configured by environment
// (BENCH_TEMPORAL_ADDRESS, BENCH_NAMESPACE, BENCH_TASK_QUEUE, BENCH_VIDU_URL,
// BENCH_VIDU_KEY, BENCH_ARTIFACT_DIR, BENCH_CALLBACK_URL, BENCH_BUNDLE_PATH;
// optionally BENCH_MAX_CACHED_WORKFLOWS, else the project's default from
// loadConfig, and BENCH_BASELINE_BUNDLE_PATH with BENCH_BASELINE_TASK_QUEUE
// for a second worker running the baseline workflow).
// Messages: it sends {type:'ready'} once it runs, answers {type:'memory'}
// with its RSS and CPU figures, asks the parent to signal a baseline
// workflow, and on {type:'stop'} drains and exits.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { loadConfig } from '../../src/config';
import { ViduClient } from '../../src/vidu/viduClient';
import { createAdWorker } from '../../src/worker/adWorker';
import { createBaselineActivities } from './baselineActivities';
import { collectGarbage, startRssSampler } from './memory';

export interface WorkerMemory {
  rss: number;
  /** Highest RSS since the worker started or since the last `resetPeak`. */
  peakRss: number;
  heapUsed: number;
  /** CPU time the worker process has used so far (user + system), in milliseconds. */
  cpuMs: number;
}

export interface MemoryRequest {
  /** Run a full garbage collection first (what is left is what the worker holds). */
  gc?: boolean;
  /** Start a new peak from now on (after answering with the old one). */
  resetPeak?: boolean;
}

export type ToWorker = ({ type: 'memory' } & MemoryRequest) | { type: 'stop' };
export type FromWorker = { type: 'ready' } | ({ type: 'memory' } & WorkerMemory) | { type: 'baseline-signals'; workflowId: string };

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

function send(message: FromWorker): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('adWorkerProcess must be forked with an IPC channel');
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  // A worker thread samples the RSS, so a busy event loop cannot hide a peak.
  let sampler = await startRssSampler(5);
  let peakBefore = 0;
  const connection = await NativeConnection.connect({ address: required('BENCH_TEMPORAL_ADDRESS') });
  const vidu = new ViduClient({ baseUrl: required('BENCH_VIDU_URL'), apiKey: required('BENCH_VIDU_KEY'), timeoutMs: 10_000 });
  const tuning = loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: process.env.BENCH_MAX_CACHED_WORKFLOWS }).workerTuning;
  const namespace = required('BENCH_NAMESPACE');
  const workers: Worker[] = [
    await createAdWorker({
      connection,
      namespace,
      taskQueue: required('BENCH_TASK_QUEUE'),
      vidu,
      artifacts: new LocalArtifactStore(required('BENCH_ARTIFACT_DIR')),
      callbackPublicUrl: required('BENCH_CALLBACK_URL'),
      workflowBundle: { codePath: required('BENCH_BUNDLE_PATH') },
      maxCachedWorkflows: tuning.maxCachedWorkflows,
    }),
  ];
  if (process.env.BENCH_BASELINE_BUNDLE_PATH) {
    workers.push(
      await Worker.create({
        connection,
        namespace,
        taskQueue: required('BENCH_BASELINE_TASK_QUEUE'),
        workflowBundle: { codePath: process.env.BENCH_BASELINE_BUNDLE_PATH },
        activities: createBaselineActivities((workflowId) => send({ type: 'baseline-signals', workflowId })),
        ...(tuning.maxCachedWorkflows !== undefined && { maxCachedWorkflows: tuning.maxCachedWorkflows }),
      }),
    );
  }
  process.on('message', (message: ToWorker) => {
    if (message.type === 'memory') {
      void (async () => {
        if (message.gc) collectGarbage();
        const usage = process.memoryUsage();
        const peakRss = Math.max(peakBefore, await sampler.stop(), usage.rss);
        sampler = await startRssSampler(5);
        peakBefore = message.resetPeak ? 0 : peakRss;
        const cpu = process.cpuUsage();
        send({ type: 'memory', rss: usage.rss, peakRss, heapUsed: usage.heapUsed, cpuMs: (cpu.user + cpu.system) / 1000 });
      })();
    } else if (message.type === 'stop') {
      for (const worker of workers) worker.shutdown();
    }
  });
  // The parent going away (a crash, the watchdog) must not leave a worker behind.
  process.on('disconnect', () => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  });
  try {
    const running = Promise.all(workers.map((worker) => worker.run())); // polls at once; tasks sent before then wait in Temporal
    send({ type: 'ready' });
    await running;
  } finally {
    await sampler.stop();
    await vidu.close();
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
