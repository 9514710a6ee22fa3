// A worker deployment's rollout step from a test, as an operator takes it with
// the CLI (docs/deploying.md): making a version current.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';

/** Makes a version current, retrying while the server has not yet seen that version's worker poll; gives up after `timeoutMs`. */
export async function setCurrentVersion(client: Client, deploymentName: string, buildId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.workflowService.setWorkerDeploymentCurrentVersion({ namespace: client.options.namespace, deploymentName, buildId, identity: 'test' });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}
