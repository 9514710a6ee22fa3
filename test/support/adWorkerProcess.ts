// A worker in a process of its own, for tests that kill it (SIGKILL) in the
// middle of an ad and let another one finish. Configured by environment:
// TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, AD_TASK_QUEUE, VIDU_BASE_URL,
// VIDU_API_KEY, ARTIFACT_DIR, CALLBACK_PUBLIC_URL, WORKFLOW_BUNDLE_PATH.
// Prints "worker ready" once it polls.
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { LocalArtifactStore } from '../../src/artifacts/artifactStore';
import { ViduClient } from '../../src/vidu/viduClient';
import { createAdWorker } from '../../src/worker';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  const vidu = new ViduClient({ baseUrl: required('VIDU_BASE_URL'), apiKey: required('VIDU_API_KEY'), timeoutMs: 2_000 });
  const worker = await createAdWorker({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: required('AD_TASK_QUEUE'),
    vidu,
    artifacts: new LocalArtifactStore(required('ARTIFACT_DIR')),
    callbackPublicUrl: process.env.CALLBACK_PUBLIC_URL,
    workflowBundle: { codePath: required('WORKFLOW_BUNDLE_PATH') },
    // A killed worker's sticky tasks move to the shared queue after this, instead of Temporal's 10 s.
    stickyQueueScheduleToStartTimeout: '1 second',
  });
  await worker.runUntil(async () => {
    console.log('worker ready');
    await new Promise<never>(() => undefined);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
