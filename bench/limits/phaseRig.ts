// One phase of the limits benchmark: its own simulator (timings, account
// limit and faults of the phase), the real receiver, and a fresh ad worker
// process (so memory figures start from an idle worker), all on the run's
// dev server. Every callback the simulator sends is timed by its nonce.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import type { CallbackReceiver } from '../../src/entrypoints/receiver/callbackReceiver';
import { startViduSimulator, type SentCallback, type SimulatorOptions, type ViduSimulator } from '../../src/simulator';
import { adWorkerEnv, listeningReceiver, startWorkerProcess, type AdRun, type WorkerProcess } from '../support/adRig';
import type { BenchContext } from '../support/benchmark';

export interface PhaseRig extends AdRun {
  sim: ViduSimulator;
  receiver: CallbackReceiver;
  worker: WorkerProcess;
  /** Callback nonce -> when the simulator sent it (epoch ms). */
  sentAt: Map<string, number>;
  /** Every callback sent, in order. */
  sent: SentCallback[];
  baselineTaskQueue?: string;
  close(): Promise<void>;
}

export interface PhaseSettings {
  name: string;
  sim: SimulatorOptions;
  /** WORKER_MAX_CACHED_WORKFLOWS for the worker; undefined: the project's default. */
  maxCachedWorkflows?: number;
  /** Also run the baseline workflow's worker in the same process. */
  baseline?: boolean;
}

export async function openPhase(ctx: BenchContext, settings: PhaseSettings): Promise<PhaseRig> {
  const [temporal, bundle, baselineBundle] = await Promise.all([
    ctx.temporal.devServer(),
    ctx.temporal.workflowBundle(),
    settings.baseline ? ctx.temporal.baselineBundle() : undefined,
  ]);
  const sent: SentCallback[] = [];
  const sentAt = new Map<string, number>();
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((err: unknown) => console.error(`closing phase ${settings.name}:`, err));
  };
  try {
    const artifactDir = await mkdtemp(path.join(tmpdir(), `bench-${settings.name}-`));
    closers.push(() => rm(artifactDir, { recursive: true, force: true }));
    const sim = await startViduSimulator({
      callbackRetryDelayMs: 50,
      media: 'placeholder',
      initialCredits: 1_000_000_000,
      ...settings.sim,
      onCallbackSent: (callback) => {
        sent.push(callback);
        sentAt.set(callback.nonce, callback.sentAt);
      },
    });
    closers.push(() => sim.close());
    const connection = await Connection.connect({ address: temporal.address });
    closers.push(() => connection.close());
    const client = new Client({ connection, namespace: temporal.namespace });
    const { receiver, publicUrl } = await listeningReceiver(client, sim.apiKey);
    closers.push(() => receiver.close());
    const tag = `${settings.name}-${process.pid}-${Date.now().toString(36)}`;
    const taskQueue = `bench-${tag}`;
    const baselineTaskQueue = baselineBundle ? `bench-baseline-${tag}` : undefined;
    const cache = settings.maxCachedWorkflows ?? ctx.options.maxCachedWorkflows;
    const worker = await startWorkerProcess({
      ...adWorkerEnv({ temporal, taskQueue, sim, artifactDir, callbackUrl: publicUrl, bundlePath: bundle.path }),
      ...(cache !== undefined && { BENCH_MAX_CACHED_WORKFLOWS: String(cache) }),
      ...(baselineBundle && baselineTaskQueue && { BENCH_BASELINE_BUNDLE_PATH: baselineBundle.path, BENCH_BASELINE_TASK_QUEUE: baselineTaskQueue }),
    });
    closers.push(() => worker.stop());
    return {
      client,
      taskQueue,
      artifacts: new LocalArtifactStore(artifactDir),
      signal: ctx.signal,
      sim,
      receiver,
      worker,
      sentAt,
      sent,
      baselineTaskQueue,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
