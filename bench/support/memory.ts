// Memory figures. A synchronous loop (like request validation) blocks the
// event loop, so a timer on the main thread could never see its peak: the
// RSS is sampled from a worker thread instead (RSS is per process, so the
// worker sees the main thread's allocations).
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';

const SAMPLER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let peak = 0;
const sample = () => { const rss = process.memoryUsage.rss(); if (rss > peak) peak = rss; };
const timer = setInterval(sample, workerData.intervalMs);
parentPort.on('message', (message) => {
  sample();
  if (message === 'reset') { peak = 0; sample(); parentPort.postMessage(peak); return; }
  clearInterval(timer);
  parentPort.postMessage(peak);
  parentPort.close();
});
parentPort.postMessage('ready');
`;

export interface RssSampler {
  /** Forgets the peak so far (call once the baseline is taken). */
  reset(): Promise<void>;
  /** Stops sampling; answers the highest RSS seen since the last reset, in bytes. */
  stop(): Promise<number>;
}

export async function startRssSampler(intervalMs = 2): Promise<RssSampler> {
  const worker = new Worker(SAMPLER_SOURCE, { eval: true, workerData: { intervalMs } });
  const nextMessage = () =>
    new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  await nextMessage();
  return {
    async reset() {
      const answer = nextMessage();
      worker.postMessage('reset');
      await answer;
    },
    async stop() {
      const answer = nextMessage();
      worker.postMessage('stop');
      const peak = (await answer) as number;
      await worker.terminate();
      return peak;
    },
  };
}

let gcFunction: (() => void) | undefined;

/**
 * Runs a full garbage collection, so a baseline is not inflated by garbage
 * from earlier work. tsx gives no way to pass --expose-gc, so the flag is set
 * at run time and the `gc` it defines is picked up from a fresh context.
 */
export function collectGarbage(): void {
  if (!gcFunction) {
    v8.setFlagsFromString('--expose-gc');
    gcFunction = vm.runInNewContext('gc') as () => void;
  }
  gcFunction();
}
