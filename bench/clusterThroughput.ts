// The ads benchmark on the local Temporal cluster (src/cluster/localCluster.ts:
// PostgreSQL, and the frontend, history, matching and worker services as
// separate processes) beside the dev server, in the same run: the same batch
// of ads, the same two ad worker processes, the same simulator and receiver,
// first on the dev server, then on the cluster. Prints ads per second and
// history events per ad for both. Not part of the default run (it starts a
// PostgreSQL and four Temporal services): `npm run bench -- cluster`.
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { LocalArtifactStore } from '../src/artifacts/localArtifactStore';
import { PROJECT_ROOT } from '../src/tools/projectRoot';
import type { ViduSimulator } from '../src/simulator';
import { startTemporalBackend } from '../test/cluster/temporalBackend';
import { adWorkerEnv, benchAdRequest, historyLengths, latencyRow, listeningReceiver, POLLING, openBatchGround, runAds, SIM_TIMING, startWorkerProcess, type WorkerProcess } from './support/adRig';
import type { BenchContext, Benchmark } from './support/benchmark';
import { columns } from './support/columns';
import type { ResultRow } from './support/report';
import { perSecond, summarise } from './support/stats';

const BENCH = 'cluster';
const WORKERS = 2;
/** The benchmark's own cluster folder, apart from the test tier's, so that the two never share a PostgreSQL. */
const CLUSTER_DIR = path.join(PROJECT_ROOT, '.data', 'cluster-bench');

interface Target {
  /** Shown in the table. */
  label: string;
  /** Goes into the ad ids: letters, digits and '-'. */
  slug: string;
  address: string;
  namespace: string;
  startupMs: number;
}

/** One batch (after one cold ad) on one Temporal, with WORKERS worker processes: the figures of one table row. */
async function batchOn(ctx: BenchContext, target: Target, sim: ViduSimulator, bundlePath: string, artifactDir: string): Promise<ResultRow> {
  const { options } = ctx;
  const artifacts = new LocalArtifactStore(artifactDir);
  const connection = await Connection.connect({ address: target.address });
  const client = new Client({ connection, namespace: target.namespace });
  const { receiver, publicUrl } = await listeningReceiver(client, sim.apiKey);
  const taskQueue = `bench-cluster-${process.pid}-${Date.now().toString(36)}`;
  const workers: WorkerProcess[] = [];
  try {
    for (let i = 0; i < WORKERS; i++) {
      workers.push(
        await startWorkerProcess(adWorkerEnv({ temporal: target, taskQueue, sim, artifactDir, callbackUrl: publicUrl, bundlePath })),
      );
    }
    // One ad first: each worker's first workflow pays for loading the bundle (the second worker may still pay it in the batch).
    const run = { client, taskQueue, artifacts, signal: ctx.signal };
    const request = benchAdRequest(POLLING);
    await runAds(run, { label: `${target.slug}-cold`, count: 1, timeoutMs: options.adTimeoutMs, request });
    sim.reset();
    const { outcomes, wallMs } = await runAds(run, { label: `${target.slug}-batch`, count: options.ads, timeoutMs: options.adTimeoutMs, request });
    const events = await historyLengths(outcomes);
    const row = latencyRow(`${target.label}, ${WORKERS} workers`, outcomes, wallMs);
    const counters = sim.counters();
    const failure = outcomes.find((o) => o.error !== undefined)?.error;
    return {
      ...row,
      firstFailure: failure ?? null,
      adsPerSecond: perSecond(row.completed, wallMs),
      eventsPerAd: summarise(events).meanMs,
      creditsPerAd: counters.creditsCharged / outcomes.length,
      temporalStartSeconds: target.startupMs / 1000,
    };
  } finally {
    for (const worker of workers) await worker.stop();
    await receiver.close();
    await connection.close();
  }
}

export const clusterThroughput: Benchmark = {
  name: 'cluster',
  alias: 'clusterThroughput',
  summary: 'the ads benchmark with two workers on the local Temporal cluster (PostgreSQL) beside the dev server (only when named)',
  async run(ctx) {
    const { options } = ctx;
    const ground = await openBatchGround(ctx, 'cluster');
    const { temporal: devServer, bundle, artifactDir, sim } = ground;
    try {
      const rows: ResultRow[] = [await batchOn(ctx, { label: 'dev server', slug: 'dev', ...devServer }, sim, bundle.path, artifactDir)];
      if (!ctx.signal.aborted) {
        const cluster = await startTemporalBackend('cluster', { dir: CLUSTER_DIR, log: (line) => ctx.report.line(`  cluster: ${line}`) });
        try {
          rows.push(await batchOn(ctx, { label: 'cluster', slug: 'cluster', address: cluster.address, namespace: cluster.namespace, startupMs: cluster.startupMs }, sim, bundle.path, artifactDir));
        } finally {
          await cluster.stop();
        }
      }
      ctx.report.publish({
        bench: BENCH,
        title: `The same ${options.ads} ads at once on the dev server and on the local cluster`,
        columns: columns('case', 'completed', 'failed', 'wallSeconds', 'adsPerSecond', 'p50Ms', 'p95Ms', 'eventsPerAd', 'creditsPerAd'),
        rows,
        notes: [
          `Both: ${WORKERS} ad worker processes on one task queue, the simulator (queue ${SIM_TIMING.queueMs} ms + processing ${SIM_TIMING.processingMs} ms per task) and the receiver in this process; one cold ad first, not counted.`,
          'Dev server: SQLite in memory, one history shard. Cluster: PostgreSQL, frontend, history, matching and worker services as separate processes, on the same cores.',
          `Events: history length of each completed ad. Temporal start: ${rows.map((r) => `${String(r.case)} ${Number(r.temporalStartSeconds).toFixed(1)} s`).join(', ')}.`,
          ...rows.filter((r) => r.firstFailure).map((r) => `FAILURES on the ${String(r.case)}, first: ${String(r.firstFailure)}`),
        ],
      });
    } finally {
      await ground.close();
    }
  },
};
