// Stopping the services the way Docker and Kubernetes do (SIGTERM), while
// they are in the middle of something:
// - a worker whose ad has an edit request in flight at Vidu lets that request
//   finish (within WORKER_SHUTDOWN_GRACE_MS), exits 0, and the next worker
//   finishes the ad with the edit made and paid for once;
// - the receiver, stopped while a callback is being received, still answers
//   it as it would have, takes no new connection meanwhile, and exits 0.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../src/tools/ports';
import { startViduSimulator, type ViduSimulator } from '../../src/simulator';
import { signCallback } from '../../src/callbacks/signature';
import { adFilmWorkflow } from '../../src/workflows/ad/workflow';
import { workflowIdForAd, type AdFilmInput } from '../../src/workflows/ad/contract';
import { logLines, startService, type ServiceProcess } from './serviceProcess';

/** How long Vidu holds the edit request: the worker is stopped meanwhile. */
const HELD_MS = 3_000;
const GRACE_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited in vain for ${what}`);
    await sleep(50);
  }
}

describe('graceful shutdown on SIGTERM', { timeout: 240_000 }, () => {
  const address = process.env.TEMPORAL_ADDRESS;
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const apiKey = `vidu-key-${randomBytes(8).toString('hex')}`;
  let connection: Connection;
  let client: Client;
  let sim: ViduSimulator;
  let scratch: string;
  const services: ServiceProcess[] = [];

  before(async () => {
    assert.ok(address, 'TEMPORAL_ADDRESS is set: run through test/run.ts');
    scratch = await mkdtemp(path.join(tmpdir(), 'graceful-shutdown-'));
    sim = await startViduSimulator({ apiKey, timing: { queueMs: 50, processingMs: 600, progressSteps: 2 }, media: 'placeholder' });
    connection = await Connection.connect({ address });
    client = new Client({ connection, namespace });
  });

  after(async () => {
    for (const service of services) await service.kill();
    await connection?.close();
    await sim?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  function startWorker(taskQueue: string): Promise<ServiceProcess> {
    return startService(
      'src/entrypoints/worker/main.ts',
      {
        TEMPORAL_ADDRESS: address,
        TEMPORAL_NAMESPACE: namespace,
        AD_TASK_QUEUE: taskQueue,
        VIDU_BASE_URL: sim.url,
        VIDU_API_KEY: apiKey,
        VIDU_TIMEOUT_MS: '10000',
        ARTIFACT_DIR: path.join(scratch, 'artifacts'),
        // Polling only: no receiver needed.
        CALLBACK_PUBLIC_URL: '',
        WORKFLOW_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE,
        WORKER_SHUTDOWN_GRACE_MS: String(GRACE_MS),
        WORKER_METRICS_PORT: 'off',
        WORKER_APP_METRICS_PORT: 'off',
        LOG_LEVEL: 'info',
      },
      /ad worker on task queue/,
    ).then((service) => {
      services.push(service);
      return service;
    });
  }

  it('lets an edit request in flight finish, exits 0, and the next worker finishes the ad with one edit', async () => {
    const taskQueue = `graceful-shutdown-${process.pid}`;
    const first = await startWorker(taskQueue);
    sim.setFaults({ http: [{ endpoint: 'edit', latencyMs: HELD_MS, times: 1 }] });
    const adId = `graceful-${randomBytes(3).toString('hex')}`;
    const input: AdFilmInput = {
      adId,
      images: [`https://images.example/graceful/${adId}.png`],
      prompt: 'A glass bottle on a beach at sunset',
      duration: 10,
      language: 'en',
      edits: [{ kind: 'video', storyboardIndex: 0, prompt: 'the bottle in the rain' }],
      polling: { initialMs: 1_000, maxMs: 2_000 },
      heartbeatTimeoutMs: 10_000,
    };
    const handle = await client.workflow.start(adFilmWorkflow, { taskQueue, workflowId: workflowIdForAd(adId), args: [input] });

    await until('the edit request held at Vidu', 60_000, () => (sim.counters().apiCalls.edit >= 1 ? true : undefined));
    assert.equal(sim.counters().tasksCreated.edit, 0, 'the edit is still in flight when the worker is stopped');
    const stoppedAt = Date.now();
    first.signal('SIGTERM');
    const exit = await first.exited;
    const stoppedMs = Date.now() - stoppedAt;

    assert.deepEqual(exit, { code: 0, signal: null }, `the worker exits 0:\n${first.output().slice(-3000)}`);
    assert.ok(stoppedMs < GRACE_MS, `it left within the grace time (${stoppedMs} ms)`);
    assert.equal(sim.counters().tasksCreated.edit, 1, 'the held edit request was answered before the worker left, and made the edit');
    const [draining] = logLines(first.output(), /draining/);
    assert.ok(draining, 'it logged that it began draining');
    assert.equal(draining.signal, 'SIGTERM');
    assert.equal(draining.shutdownGraceMs, GRACE_MS);
    assert.ok(Number(draining.activitiesRunning) >= 1, 'the edit activity was running when it began draining');
    assert.equal(logLines(first.output(), /drained/).length, 1, 'it logged that it had drained');
    assert.equal(logLines(first.output(), /cancel/i).filter((l) => l.level === 'warn' || l.level === 'error').length, 0, 'nothing was cancelled');

    await startWorker(taskQueue);
    const result = await handle.result();
    const counters = sim.counters();
    const books = counters.perAd[result.mainTaskId];
    assert.ok(books, 'Vidu has books for the ad');
    assert.deepEqual({ creates: books.creates, edits: books.edits, composes: books.composes }, { creates: 1, edits: 1, composes: 1 }, 'charged once for each');
    assert.deepEqual(counters.tasksCreated, { ad: 1, edit: 1, compose: 1 });
    assert.equal(result.outcome, 'composed');
    assert.equal(result.creditsSpent, books.creditsCharged, 'what the ad says it spent is what Vidu charged');
  });

  it('the receiver answers a callback it is receiving when stopped, refuses new connections, then exits 0', async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}/vidu/callback`;
    // A running ad with no worker: Temporal accepts signals to it, so a callback to it is answered 200.
    const workflowId = workflowIdForAd(`receiver-stop-${randomBytes(3).toString('hex')}`);
    const handle = await client.workflow.start(adFilmWorkflow, {
      taskQueue: `receiver-stop-no-worker-${process.pid}`,
      workflowId,
      args: [{ adId: workflowId.slice(3), images: ['https://images.example/x.png'], prompt: 'p', duration: 10, language: 'en' }],
    });
    try {
      const receiver = await startService(
        'src/entrypoints/receiver/main.ts',
        {
          TEMPORAL_ADDRESS: address,
          TEMPORAL_NAMESPACE: namespace,
          VIDU_API_KEY: apiKey,
          CALLBACK_PUBLIC_URL: publicUrl,
          RECEIVER_HOST: '127.0.0.1',
          RECEIVER_PORT: String(port),
          RECEIVER_METRICS_PORT: 'off', // its /metrics listener (9466 by default) is not needed here, and several receivers run at once
          LOG_LEVEL: 'info',
        },
        /Vidu callback receiver on/,
      );
      services.push(receiver);

      const query = `workflowId=${workflowId}`;
      const headers = signCallback({ apiKey, callbackUrl: `${publicUrl}?${query}`, nonce: `receiver-stop-${Date.now()}` });
      const body = JSON.stringify({ id: 'task-1', state: 'processing', progress: 40 });
      const half = Math.floor(body.length / 2);
      let received = '';
      const socket = connect(port, '127.0.0.1');
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const head = [`POST /vidu/callback?${query} HTTP/1.1`, 'host: 127.0.0.1', 'content-type: application/json', `content-length: ${Buffer.byteLength(body)}`];
      for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
      // Headers and half the body: the receiver has verified the signature and is reading the body.
      socket.write(`${head.join('\r\n')}\r\n\r\n${body.slice(0, half)}`);
      await sleep(300);

      receiver.signal('SIGTERM');
      await until('the receiver to begin stopping', 10_000, () => (logLines(receiver.output(), /stopping the receiver/).length > 0 ? true : undefined));
      const refused = await new Promise<string>((resolve) => {
        const other = connect(port, '127.0.0.1');
        other.once('connect', () => {
          other.destroy();
          resolve('connected');
        });
        other.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
      assert.equal(refused, 'ECONNREFUSED', 'a stopping receiver takes no new connection');
      assert.equal(received, '', 'no answer before the body is complete');

      socket.write(body.slice(half));
      await closed;
      assert.match(received, /^HTTP\/1\.1 200 /, `the callback is answered 200: ${received}`);
      assert.match(received, /\r\nconnection: close\r\n/i, 'and the connection is closed after the answer');
      assert.match(received, /"delivered":true/);
      const exit = await receiver.exited;
      assert.deepEqual(exit, { code: 0, signal: null }, `the receiver exits 0:\n${receiver.output().slice(-3000)}`);
      assert.equal(logLines(receiver.output(), /receiver stopped/).length, 1);
      const history = await handle.fetchHistory();
      const signals = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'viduCallback');
      assert.equal(signals.length, 1, 'the callback reached the workflow');
    } finally {
      await handle.terminate('test over').catch(() => undefined);
    }
  });
});
