// The webhook receiver end to end: signed callbacks over HTTP on 127.0.0.1,
// each verified and delivered as a signal to a real workflow on the real
// Temporal dev server. The workflows run without a worker (Temporal accepts
// signals all the same), so the figures are the receiver plus Temporal's
// signal path, not workflow code. Forged callbacks measure the 401 path.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'undici';
import { createCallbackReceiver, type CallbackReceiver } from '../src/entrypoints/receiver/callbackReceiver';
import { signCallback } from '../src/callbacks/signature';
import { AD_WORKFLOW_TYPE } from '../src/workflows/ad/contract';
import type { BenchContext, Benchmark } from './support/benchmark';
import { loadFigures, runClosedLoop } from './support/closedLoop';
import { columns } from './support/columns';
import type { ResultRow } from './support/report';
import { round } from './support/stats';

const BENCH = 'receiver';
const API_KEY = 'bench-receiver-key';
/** What Vidu would have been given; `.invalid` never resolves, and nothing is ever sent there. */
const PUBLIC_URL = 'https://callbacks.bench.invalid/vidu/callback';
const PATH = '/vidu/callback';

interface Rig {
  client: Client;
  receiver: CallbackReceiver;
  pool: Pool;
  workflowIds: string[];
}

async function post(rig: Rig, index: number, apiKey: string, expectStatus: number): Promise<void> {
  const workflowId = rig.workflowIds[index % rig.workflowIds.length]!;
  const query = `workflowId=${encodeURIComponent(workflowId)}`;
  const headers = signCallback({ apiKey, callbackUrl: `${PUBLIC_URL}?${query}`, nonce: randomUUID() });
  const body = JSON.stringify({ id: `task-${index % rig.workflowIds.length}`, state: 'processing', progress: index % 100, creations: [] });
  const res = await rig.pool.request({ path: `${PATH}?${query}`, method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
  const text = await res.body.text();
  if (res.statusCode !== expectStatus) throw new Error(`expected ${expectStatus}, got ${res.statusCode}: ${text.slice(0, 200)}`);
}

async function signalsInHistories(rig: Rig): Promise<number> {
  let signals = 0;
  for (const id of rig.workflowIds) {
    const history = await rig.client.workflow.getHandle(id).fetchHistory();
    signals += (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
  }
  return signals;
}

async function openRig(ctx: BenchContext, maxConcurrency: number): Promise<Rig> {
  const temporal = await ctx.temporal.devServer();
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: temporal.namespace });
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const taskQueue = `bench-receiver-${tag}`; // no worker polls it
  const workflowIds: string[] = [];
  for (let i = 0; i < ctx.options.workflows; i++) {
    const workflowId = `bench-receiver-${tag}-${i}`;
    await client.workflow.start(AD_WORKFLOW_TYPE, { workflowId, taskQueue, args: [{ adId: `bench-${i}`, images: [] }] });
    workflowIds.push(workflowId);
  }
  const receiver = createCallbackReceiver({
    client,
    apiKey: API_KEY,
    publicUrl: PUBLIC_URL,
    path: PATH,
    maxSkewSeconds: 300,
    maxBodyBytes: 1_048_576,
    log: () => undefined, // forged callbacks would log a line each
  });
  const { url } = await receiver.listen(0, '127.0.0.1');
  const pool = new Pool(url, { connections: maxConcurrency, keepAliveTimeout: 10_000 });
  return { client, receiver, pool, workflowIds };
}

async function closeRig(rig: Rig): Promise<void> {
  await rig.pool.close();
  await rig.receiver.close();
  await Promise.allSettled(rig.workflowIds.map((id) => rig.client.workflow.getHandle(id).terminate('benchmark finished')));
  await rig.client.connection.close();
}

export const receiver: Benchmark = {
  name: 'receiver',
  alias: 'receiver',
  summary: 'webhook receiver + real Temporal dev server: signed callbacks/s and latency, forged callbacks/s',
  async run(ctx) {
    const { options } = ctx;
    const rig = await openRig(ctx, Math.max(...options.concurrency));
    const rows: ResultRow[] = [];
    const failures: string[] = [];
    let delivered = 0;
    try {
      await runClosedLoop({ concurrency: 8, maxOps: 200, maxMs: 2_000, signal: ctx.signal }, (i) => post(rig, i, API_KEY, 200));
      const deliveredBefore = rig.receiver.metrics.count('delivered');
      const cases = [
        { name: 'signed -> signal', apiKey: API_KEY, status: 200 },
        { name: 'forged -> 401', apiKey: 'not-the-key', status: 401 },
      ];
      for (const kase of cases) {
        for (const concurrency of options.concurrency) {
          const result = await runClosedLoop(
            { concurrency, maxOps: options.callbacks, maxMs: options.caseMs, signal: ctx.signal },
            (i) => post(rig, i, kase.apiKey, kase.status),
          );
          if (kase.status === 200) delivered += result.ok;
          if (result.firstError) failures.push(`${kase.name} x${concurrency}: ${result.failed} failed, first: ${result.firstError}`);
          rows.push({ case: kase.name, concurrency, callbacks: result.ok, ...loadFigures(result) });
        }
      }
      ctx.summary.receiverSignedCallbacks = Object.fromEntries(
        rows.filter((row) => row.case === 'signed -> signal').map((row) => [`concurrency${row.concurrency}`, { perSecond: round(Number(row.perSecond)), p99Ms: round(Number(row.p99Ms)) }]),
      );
      const counted = rig.receiver.metrics.count('delivered') - deliveredBefore;
      if (counted !== delivered) failures.push(`the receiver counted ${counted} deliveries, the benchmark ${delivered}`);
      const inHistory = await signalsInHistories(rig);
      ctx.report.publish({
        bench: BENCH,
        title: `Webhook receiver -> Temporal signal (${options.workflows} workflows, no worker)`,
        columns: columns('case', 'concurrency', 'callbacks', 'failed', 'perSecond', 'p50Ms', 'p95Ms', 'p99Ms', 'maxMs'),
        rows,
        notes: [
          `Each case stops after ${options.callbacks} callbacks or ${options.caseMs / 1000} s. Sender, receiver and client share one process; the dev server is its own.`,
          `Signals found in the workflows' histories: ${inHistory} (warm-up included; measured deliveries ${delivered}).`,
          ...failures.map((f) => `FAILURES ${f}`),
        ],
      });
    } finally {
      await closeRig(rig);
    }
  },
};
