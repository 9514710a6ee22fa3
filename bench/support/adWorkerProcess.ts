// The ad worker in a process of its own, so the benchmark can report the
// worker's memory apart from the simulator's, the receiver's and its own.
// Forked by adThroughput.ts with an IPC channel and configured by environment
// (BENCH_TEMPORAL_ADDRESS, BENCH_NAMESPACE, BENCH_TASK_QUEUE, BENCH_VIDU_URL,
// BENCH_VIDU_KEY, BENCH_ARTIFACT_DIR, BENCH_CALLBACK_URL, BENCH_BUNDLE_PATH).
// Messages: it sends {type:'ready'} once it runs, answers {type:'memory'}
// with its RSS and CPU figures, and on {type:'stop'} drains and exits.
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { LocalArtifactStore } from '../../src/artifacts/artifactStore';
import { ViduClient } from '../../src/vidu/viduClient';
import { createAdWorker } from '../../src/worker';

export interface WorkerMemory {
  rss: number;
  peakRss: number;
  heapUsed: number;
  /** CPU time the worker process has used so far (user + system), in milliseconds. */
  cpuMs: number;
}

export type ToWorker = { type: 'memory' } | { type: 'stop' };
export type FromWorker = { type: 'ready' } | ({ type: 'memory' } & WorkerMemory);

const PEAK_SAMPLE_MS = 50;

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
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, PEAK_SAMPLE_MS);
  const connection = await NativeConnection.connect({ address: required('BENCH_TEMPORAL_ADDRESS') });
  const vidu = new ViduClient({ baseUrl: required('BENCH_VIDU_URL'), apiKey: required('BENCH_VIDU_KEY'), timeoutMs: 10_000 });
  const worker = await createAdWorker({
    connection,
    namespace: required('BENCH_NAMESPACE'),
    taskQueue: required('BENCH_TASK_QUEUE'),
    vidu,
    artifacts: new LocalArtifactStore(required('BENCH_ARTIFACT_DIR')),
    callbackPublicUrl: required('BENCH_CALLBACK_URL'),
    workflowBundle: { codePath: required('BENCH_BUNDLE_PATH') },
  });
  process.on('message', (message: ToWorker) => {
    if (message.type === 'memory') {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      const cpu = process.cpuUsage();
      send({ type: 'memory', rss: usage.rss, peakRss, heapUsed: usage.heapUsed, cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (message.type === 'stop') {
      worker.shutdown();
    }
  });
  // The parent going away (a crash, the watchdog) must not leave a worker behind.
  process.on('disconnect', () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  });
  try {
    const running = worker.run(); // polls at once; tasks sent before then wait in Temporal
    send({ type: 'ready' });
    await running;
  } finally {
    clearInterval(sampler);
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
