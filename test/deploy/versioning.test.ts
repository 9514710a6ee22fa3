// Versioned deploys: the WORKER_* settings, and one ad that waits in review
// while the worker deployment moves from build v1 to build v2 (the rollout of
// docs/deploying.md, done through the client's workflow service instead of the
// CLI). With the default auto-upgrade behaviour the ad finishes on v2, charged
// once, and its history names both builds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { decodeVersioningBehavior } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Worker } from '@temporalio/worker';
import { ConfigError, loadConfig, type WorkerDeploymentConfig } from '../../src/config';
import { workerDeploymentOptions } from '../../src/worker/adWorker';
import { approveSignal, editUpdate } from '../../src/workflows/ad/contract';
import { createTestAdWorker, QUICK_ACTIVITY_TUNING } from '../support/testAdWorker';
import { setCurrentVersion } from '../support/workerDeployment';
import { suiteHarness, uniqueAdId, waitForStatus } from '../workflows/harness';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `got ${String(err)}`);
    return err;
  }
  return assert.fail(`${JSON.stringify(env)} should be refused`);
}

describe('versioning settings', () => {
  it('leaves the worker unversioned unless WORKER_DEPLOYMENT_NAME is set, and defaults to auto-upgrade', () => {
    assert.equal(loadConfig({}).workerDeployment, undefined);
    assert.equal(loadConfig({ WORKER_BUILD_ID: '1.4.0' }).workerDeployment, undefined, 'a build id alone turns nothing on');
    assert.deepEqual(loadConfig({ WORKER_DEPLOYMENT_NAME: 'vidu-ads', WORKER_BUILD_ID: '1.4.0+abc123' }).workerDeployment, {
      deploymentName: 'vidu-ads',
      buildId: '1.4.0+abc123',
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    });
    const pinned = loadConfig({ WORKER_DEPLOYMENT_NAME: 'vidu-ads', WORKER_BUILD_ID: 'v2', WORKER_VERSIONING_BEHAVIOR: 'Pinned' }).workerDeployment!;
    assert.equal(pinned.defaultVersioningBehavior, 'PINNED');
    assert.deepEqual(workerDeploymentOptions(pinned), {
      useWorkerVersioning: true,
      version: { deploymentName: 'vidu-ads', buildId: 'v2' },
      defaultVersioningBehavior: 'PINNED',
    });
  });

  it('refuses a deployment without a build id, and names the Temporal server would reject', () => {
    const missing = configError({ WORKER_DEPLOYMENT_NAME: 'vidu-ads' });
    assert.equal(missing.setting, 'WORKER_BUILD_ID');
    assert.match(missing.rule, /is missing/);
    assert.equal(configError({ WORKER_DEPLOYMENT_NAME: 'vidu.ads', WORKER_BUILD_ID: 'v1' }).setting, 'WORKER_DEPLOYMENT_NAME');
    assert.equal(configError({ WORKER_DEPLOYMENT_NAME: '__ads', WORKER_BUILD_ID: 'v1' }).setting, 'WORKER_DEPLOYMENT_NAME');
    assert.equal(configError({ WORKER_BUILD_ID: 'has space' }).setting, 'WORKER_BUILD_ID', 'checked even while versioning is off');
    assert.match(configError({ WORKER_VERSIONING_BEHAVIOR: 'sticky' }).rule, /auto-upgrade or pinned/);
  });
});

/** The pollers Temporal lists for a task queue, as the container health check (deploy/healthcheck.ts) reads them. */
async function pollerBuildIds(client: Client, taskQueue: string): Promise<string[]> {
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return pollers.map((poller) => poller.deploymentOptions?.buildId ?? 'unversioned');
}

describe('a rollout while an ad waits in review', () => {
  const h = suiteHarness();

  it('moves the waiting ad from build v1 to build v2 (auto-upgrade) and finishes it there, charged once', async () => {
    // One deployment and one task queue per run: the suite's server is shared and keeps deployments.
    const deploymentName = `ads-versioning-${process.pid}-${Date.now().toString(36)}`;
    const taskQueue = h.env.uniqueTaskQueue('versioned');
    const version = (buildId: string): WorkerDeploymentConfig => ({ deploymentName, buildId, defaultVersioningBehavior: 'AUTO_UPGRADE' });
    const startWorker = async (buildId: string): Promise<{ worker: Worker; running: Promise<void> }> => {
      const worker = await createTestAdWorker(h.env, { taskQueue, vidu: h.vidu, artifacts: h.artifacts, callbackPublicUrl: h.relay.url, activityTuning: QUICK_ACTIVITY_TUNING, deployment: version(buildId) });
      return { worker, running: worker.run() };
    };

    const a = await startWorker('v1');
    let b: Awaited<ReturnType<typeof startWorker>> | undefined;
    try {
      await setCurrentVersion(h.env.client, deploymentName, 'v1', 20_000);
      // The poller list fills as the worker's workflow pollers reach the server (not at once on a busy machine).
      let pollers = await pollerBuildIds(h.env.client, taskQueue);
      for (let i = 0; i < 100 && pollers.length === 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        pollers = await pollerBuildIds(h.env.client, taskQueue);
      }
      assert.deepEqual([...new Set(pollers)], ['v1'], 'the worker health check sees a versioned worker');
      const handle = await h.startAd(taskQueue, { adId: uniqueAdId('versioned'), review: { enabled: true, windowMs: 120_000, onTimeout: 'fail' } });
      await waitForStatus(handle, (s) => s.stage === 'review', 'the review stage on v1');

      b = await startWorker('v2');
      await setCurrentVersion(h.env.client, deploymentName, 'v2', 20_000);
      a.worker.shutdown();
      await a.running;
      assert.equal((await waitForStatus(handle, (s) => s.stage === 'review', 'the review stage, answered by v2')).stage, 'review');

      // An edit on v2 makes the approval compose, so v2 runs credit-spending activities too.
      const edit = await handle.executeUpdate(editUpdate, { args: [{ kind: 'bgm', prompt: 'warmer music', requestId: 'edit-on-v2' }] });
      await waitForStatus(handle, (s) => s.edits[0]?.state === 'succeeded', 'the edit made on v2');
      await handle.signal(approveSignal);
      const result = await handle.result();
      assert.equal(result.outcome, 'composed');
      assert.equal(result.selection.bgmTaskId, edit.subTaskId);
      const perAd = h.sim.counters().perAd[result.mainTaskId]!;
      assert.deepEqual(
        { creates: perAd.creates, edits: perAd.edits, composes: perAd.composes },
        { creates: 1, edits: 1, composes: 1 },
        'one create, one edit and one compose across the two builds',
      );
      assert.equal(result.creditsSpent, perAd.creditsCharged);

      const events = (await handle.fetchHistory()).events ?? [];
      const builds = events.flatMap((e) => {
        const completed = e.workflowTaskCompletedEventAttributes;
        return completed ? [completed.deploymentVersion?.buildId ?? completed.workerDeploymentVersion ?? 'none'] : [];
      });
      const firstV2 = builds.indexOf('v2');
      assert.ok(builds[0] === 'v1' && firstV2 > 0, `the ad started on v1 and moved to v2; workflow tasks completed by: ${builds.join(', ')}`);
      assert.ok(
        builds.slice(firstV2).every((b) => b === 'v2'),
        `nothing ran on v1 once v2 took over: ${builds.join(', ')}`,
      );
      const approvedAt = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === approveSignal.name);
      const composedBy = events.slice(approvedAt).find((e) => e.workflowTaskCompletedEventAttributes)?.workflowTaskCompletedEventAttributes;
      assert.equal(composedBy?.deploymentVersion?.deploymentName, deploymentName);
      assert.equal(composedBy?.deploymentVersion?.buildId, 'v2', 'the approval was handled on v2');
      assert.equal(decodeVersioningBehavior(composedBy?.versioningBehavior), 'AUTO_UPGRADE');
    } finally {
      b?.worker.shutdown();
      if (a.worker.getState() === 'RUNNING') a.worker.shutdown();
      await Promise.allSettled([a.running, b?.running]);
    }
  });
});
