// The create task lost on its way to a worker, reproduced on the real dev
// server: a poll takes the create's activity task and drops it, as the poll of
// a worker that is shutting down can (Temporal records the task as started,
// nothing runs it, and the attempt ends in a heartbeat timeout). The attempt
// recorded no evidence that its request left, so the ad tries again and is
// made with one create, with callbacks on and off, instead of failing as a
// create whose outcome is unknown.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { accountCreditsActivity } from '../../src/activities/accountCredits';
import type { ActivityDeps } from '../../src/activities/deps';
import { createAdWorker } from '../../src/worker/adWorker';
import type { AccountCreditsInput } from '../../src/workflows/ad/activityContract';
import { FAST_POLLING, suiteHarness, uniqueAdId } from './harness';

const HEARTBEAT_TIMEOUT_MS = 10_000;

describe('a create task lost on its way to a worker', { timeout: 120_000 }, () => {
  const h = suiteHarness();

  /**
   * Polls the queue's activity tasks as a worker would: runs the account check
   * (the real activity), then takes the create's task, as a stopping worker's
   * poll would, and never runs it.
   */
  async function loseTheCreateTask(taskQueue: string): Promise<void> {
    const checkAccountCredits = accountCreditsActivity({ vidu: h.vidu } as ActivityDeps);
    for (;;) {
      const task = await h.env.client.workflowService.pollActivityTaskQueue({
        namespace: h.env.namespace,
        taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        identity: 'a stopping worker',
      });
      assert.ok(task.taskToken?.length, 'the poll got a task');
      const type = task.activityType?.name;
      if (type === 'createAdTask') return;
      assert.equal(type, 'checkAccountCredits', 'the account check is the only activity before the create');
      const input = defaultPayloadConverter.fromPayload<AccountCreditsInput>(task.input!.payloads![0]!);
      const result = await new MockActivityEnvironment().run(checkAccountCredits, input);
      await h.env.client.activity.complete(task.taskToken!, result);
    }
  }

  for (const callbacks of [true, false]) {
    it(`tries the create again and makes the ad with one create (callbacks ${callbacks ? 'on' : 'off'})`, async () => {
      const taskQueue = h.env.uniqueTaskQueue('lost-create');
      // Workflows only, so that the create's task is left for the poll below.
      const workflows = await Worker.create({ connection: h.env.nativeConnection, namespace: h.env.namespace, taskQueue, workflowBundle: h.env.workflowBundle });
      const running = workflows.run();
      try {
        const lost = loseTheCreateTask(taskQueue);
        const handle = await h.startAd(taskQueue, { adId: uniqueAdId('lost-create'), heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS, ...(callbacks ? {} : { polling: FAST_POLLING }) });
        await lost;
        const createsBefore = h.sim.counters().tasksCreated.ad;
        // One worker per queue and process: the full worker takes over from here.
        workflows.shutdown();
        await running;

        const full = await createAdWorker({
          connection: h.env.nativeConnection,
          namespace: h.env.namespace,
          taskQueue,
          vidu: h.vidu,
          artifacts: h.artifacts,
          callbackPublicUrl: callbacks ? h.relay.url : undefined,
          workflowBundle: h.env.workflowBundle,
        });
        const result = await full.runUntil(handle.result());

        assert.equal(result.outcome, 'first-video');
        assert.equal(h.sim.counters().perAd[result.mainTaskId]?.creates, 1, 'one create for the ad');
        assert.equal(h.sim.counters().tasksCreated.ad - createsBefore, 1, 'and no other task made');
        const events = (await handle.fetchHistory()).events ?? [];
        const createsScheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'createAdTask');
        const timedOut = events.filter((e) => e.activityTaskTimedOutEventAttributes);
        assert.equal(createsScheduled.length, 2, 'the lost attempt and the one that made the ad');
        assert.equal(timedOut.length, 1, 'the lost attempt timed out');
        assert.match(timedOut[0]!.activityTaskTimedOutEventAttributes!.failure?.message ?? '', /heartbeat/i);
      } finally {
        if (workflows.getState() === 'RUNNING') workflows.shutdown();
        await running;
      }
    });
  }
});
