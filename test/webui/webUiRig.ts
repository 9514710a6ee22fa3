// A live ad system with the Temporal Web UI on: the suite's shared dev server
// runs without a UI, so this starts its own through the project's launcher,
// on free loopback ports, plus the simulator with
// millisecond timings and a worker (polling only, no callback URL).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker, type WorkflowBundle } from '@temporalio/worker';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { loadConfig } from '../../src/config';
import { startViduSimulator, type ViduSimulator } from '../../src/simulator';
import { startDevServer, type DevServer } from '../../src/temporal/devServer';
import { bundleAdWorkflowCode } from '../../src/temporal/workflowCode';
import { ViduClient } from '../../src/vidu/viduClient';
import { createAdWorker } from '../../src/worker/adWorker';

export interface WebUiRig {
  client: Client;
  /** The Web UI's base URL, e.g. http://127.0.0.1:40123. */
  uiUrl: string;
  namespace: string;
  taskQueue: string;
  artifacts: LocalArtifactStore;
  simulator: ViduSimulator;
  close(): Promise<void>;
}

/** The start waits for the UI's port; its pages may still take a moment (the CLI's UI is not waited for at all). */
const UI_READY_TIMEOUT_MS = 60_000;

async function waitForUi(url: string): Promise<void> {
  const deadline = Date.now() + UI_READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(250);
  }
  throw new Error(`the Temporal Web UI at ${url} did not answer within ${UI_READY_TIMEOUT_MS} ms (last: ${last})`);
}

/** The bundle `npm test` built, or a fresh one when the file runs on its own. */
async function workflowBundle(): Promise<WorkflowBundle> {
  const built = process.env.TEST_WORKFLOW_BUNDLE;
  if (built) return { code: readFileSync(built, 'utf8') };
  return bundleAdWorkflowCode();
}

export async function openWebUiRig(): Promise<WebUiRig> {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed in this process.
  }
  const config = loadConfig();
  const server: DevServer = await startDevServer({ temporalCliPath: config.temporalCliPath, startTimeoutMs: config.temporalStartTimeoutMs, uiPort: 0 });
  const closers: Array<() => Promise<unknown>> = [() => server.stop()];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne().catch(() => undefined);
  };
  try {
    await waitForUi(server.uiUrl!);
    const connection = await NativeConnection.connect({ address: server.address });
    closers.push(() => connection.close());
    const client = new Client({ connection, namespace: server.namespace });
    const artifactDir = await mkdtemp(path.join(tmpdir(), 'webui-artifacts-'));
    closers.push(() => rm(artifactDir, { recursive: true, force: true }));
    const artifacts = new LocalArtifactStore(artifactDir);
    const simulator = await startViduSimulator({ timing: { queueMs: 20, processingMs: 300, progressSteps: 2 }, media: 'placeholder' });
    closers.push(() => simulator.close());
    const vidu = new ViduClient({ baseUrl: simulator.url, apiKey: simulator.apiKey });
    closers.push(() => vidu.close());
    const taskQueue = `webui-${process.pid}`;
    const worker: Worker = await createAdWorker({ connection, namespace: server.namespace, taskQueue, vidu, artifacts, workflowBundle: await workflowBundle() });
    const running = worker.run();
    closers.push(async () => {
      worker.shutdown();
      await running;
    });
    return { client, uiUrl: server.uiUrl!, namespace: server.namespace, taskQueue, artifacts, simulator, close };
  } catch (err) {
    await close();
    throw err;
  }
}
