// A worker killed with SIGKILL in the middle of a generation, and a new
// worker (another process) finishing the ad: nothing is lost, nothing is
// created or charged twice.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { suiteTempDir } from '../support/suiteResource';
import { suiteHarness, uniqueAdId, waitForStatus } from './harness';

const WORKER_SCRIPT = path.join(__dirname, '..', 'support', 'adWorkerProcess.ts');

interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<void>;
}

async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker process did not start: ${stderr}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker process exited with ${code}: ${stderr}`));
    });
  });
  return { child, exited };
}

async function stop(worker: WorkerProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!worker || worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill(signal);
  await worker.exited;
}

describe('worker crash', () => {
  const h = suiteHarness({ timing: { queueMs: 20, processingMs: 1_200, progressSteps: 4 } });
  const scratch = suiteTempDir('ad-worker-crash-');

  it('lets a new worker finish an ad whose worker was killed mid-generation', async () => {
    const bundlePath = path.join(scratch.path, 'workflow-bundle.js');
    assert.ok('code' in h.env.workflowBundle);
    await writeFile(bundlePath, h.env.workflowBundle.code);
    const taskQueue = h.env.uniqueTaskQueue('crash');
    const env = {
      TEMPORAL_ADDRESS: h.temporalAddress,
      TEMPORAL_NAMESPACE: h.env.namespace,
      AD_TASK_QUEUE: taskQueue,
      VIDU_BASE_URL: h.sim.url,
      VIDU_API_KEY: h.sim.apiKey,
      ARTIFACT_DIR: scratch.path,
      CALLBACK_PUBLIC_URL: h.relay.url,
      WORKFLOW_BUNDLE_PATH: bundlePath,
    };
    let first: WorkerProcess | undefined;
    let second: WorkerProcess | undefined;
    try {
      first = await startWorkerProcess(env);
      const handle = await h.startAd(taskQueue, {
        adId: uniqueAdId('crash'),
        edits: [{ kind: 'video', storyboardIndex: 1, prompt: 'made after the crash' }],
      });
      const generating = await waitForStatus(handle, (s) => s.stage === 'generating', 'the generating stage');
      const mainTaskId = generating.mainTaskId!;
      await stop(first, 'SIGKILL');
      assert.equal(first.child.signalCode, 'SIGKILL');
      assert.notEqual((await h.vidu.getCreations(mainTaskId)).state, 'success', 'the worker died before the generation ended');

      second = await startWorkerProcess(env);
      const result = await handle.result();
      assert.equal(result.outcome, 'composed');
      assert.equal(result.mainTaskId, mainTaskId);
      const perAd = h.sim.counters().perAd[mainTaskId]!;
      assert.deepEqual({ creates: perAd.creates, edits: perAd.edits, composes: perAd.composes }, { creates: 1, edits: 1, composes: 1 });
      assert.equal(result.creditsSpent, perAd.creditsCharged);

      const events = (await handle.fetchHistory()).events ?? [];
      const identities = new Set(events.flatMap((e) => (e.workflowTaskStartedEventAttributes?.identity ? [e.workflowTaskStartedEventAttributes.identity] : [])));
      assert.ok([...identities].some((id) => id.startsWith(`${first!.child.pid}@`)), 'the first worker ran the ad');
      assert.ok([...identities].some((id) => id.startsWith(`${second!.child.pid}@`)), 'the second worker finished it');
    } finally {
      await stop(first, 'SIGKILL');
      await stop(second, 'SIGTERM');
    }
  });
});
