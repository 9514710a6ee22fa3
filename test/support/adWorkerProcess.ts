// A worker in a process of its own, for tests that kill it (SIGKILL) in the
// middle of an ad and let another one finish. Configured by environment:
// TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, AD_TASK_QUEUE, VIDU_BASE_URL,
// VIDU_API_KEY, ARTIFACT_DIR, CALLBACK_PUBLIC_URL, WORKFLOW_BUNDLE_PATH, and
// optionally VIDU_TIMEOUT_MS (default 2000), AD_WORKER_LOG_LEVEL (the SDK's
// log level, default ERROR) and AD_WORKER_ACTIVITY_TUNING (JSON handed to
// the activities as is, e.g. {"rejectionBackoff":{"initialMs":200,"maxMs":1000,"tries":10},"recordLookupMs":5000}).
// Prints "worker ready" once it polls.
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { ViduClient } from '../../src/vidu/viduClient';
import { createAdWorker, type AdWorkerOptions } from '../../src/worker/adWorker';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

function activityTuning(): AdWorkerOptions['activityTuning'] {
  const text = process.env.AD_WORKER_ACTIVITY_TUNING;
  if (!text) return undefined;
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('AD_WORKER_ACTIVITY_TUNING must be a JSON object');
  return parsed as AdWorkerOptions['activityTuning'];
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger((process.env.AD_WORKER_LOG_LEVEL as LogLevel | undefined) ?? 'ERROR') });
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  const timeoutMs = Number(process.env.VIDU_TIMEOUT_MS ?? 2_000);
  const vidu = new ViduClient({ baseUrl: required('VIDU_BASE_URL'), apiKey: required('VIDU_API_KEY'), timeoutMs });
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
    activityTuning: activityTuning(),
  });
  // run() ends once the SDK has shut the worker down on SIGTERM or SIGINT.
  const running = worker.run();
  while (worker.getState() === 'INITIALIZED') await new Promise((resolve) => setTimeout(resolve, 10));
  console.log('worker ready');
  await running;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
