// The status reader's Temporal calls, counted on a stand-in client: a closed
// ad's status is queried once (each query replays the whole history on a
// worker) and then served from memory after a describe; a running ad costs
// one query per read once it is known to be running.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { createStatusReader } from '../../src/api/statusReader';
import type { AdStatus } from '../../src/workflows/ad/contract';

interface FakeWorkflow {
  running: boolean;
  runId: string;
  stage: string;
  notification?: string;
}

function fakeClient(workflows: Record<string, FakeWorkflow>) {
  const calls = { query: 0, describe: 0 };
  const client = {
    workflow: {
      getHandle(workflowId: string) {
        const wf = () => workflows[workflowId.replace(/^ad-/, '')]!;
        return {
          async describe() {
            calls.describe += 1;
            return { runId: wf().runId, status: { name: wf().running ? 'RUNNING' : 'COMPLETED' } };
          },
          async query() {
            calls.query += 1;
            return { stage: wf().stage, notification: wf().notification } as unknown as AdStatus;
          },
        };
      },
    },
  } as unknown as Client;
  return { client, calls };
}

describe('the status reader', () => {
  it('queries a closed ad once, then serves its kept status after a describe', async () => {
    const { client, calls } = fakeClient({ old: { running: false, runId: 'r1', stage: 'done', notification: 'delivered' } });
    const reader = createStatusReader(client);
    assert.equal((await reader.status('old')).stage, 'done');
    assert.equal(calls.query, 1, 'the first read of a closed ad queries it once');
    await reader.status('old');
    await reader.status('old');
    assert.equal(calls.query, 1, 'later reads use the kept status');
    assert.equal(calls.describe, 3, 'each read checks the run is the same and still closed');
  });

  it('reads a running ad with the query alone once it is known to run, and keeps the status of its closed run', async () => {
    const ad: FakeWorkflow = { running: true, runId: 'r1', stage: 'review' };
    const { client, calls } = fakeClient({ live: ad });
    const reader = createStatusReader(client);
    await reader.status('live');
    assert.deepEqual(calls, { query: 1, describe: 1 });
    await reader.status('live');
    await reader.status('live');
    assert.deepEqual(calls, { query: 3, describe: 1 }, 'no describe while the ad runs');

    // Done, its webhook still pending: served as it is, not kept.
    ad.stage = 'done';
    ad.notification = 'pending';
    assert.equal((await reader.status('live')).notification, 'pending');
    // The run closes once the webhook's outcome is recorded: that status is read once and kept.
    ad.running = false;
    ad.notification = 'delivered';
    assert.equal((await reader.status('live')).notification, 'delivered');
    const queries = calls.query;
    assert.equal((await reader.status('live')).notification, 'delivered');
    assert.equal(calls.query, queries, 'the closed run is not queried again');

    // A reset starts a new run: the kept status is dropped and the new run read.
    ad.runId = 'r2';
    ad.running = true;
    ad.stage = 'composing';
    assert.equal((await reader.status('live')).stage, 'composing');
  });
});
