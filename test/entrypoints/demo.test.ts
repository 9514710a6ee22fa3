// The demo's core end to end with millisecond timings: simulator, receiver,
// worker, one ad through review, an edit by the admin path, approval and
// compose; then nothing it started may still answer.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DemoAbortedError, runDemo } from '../../src/entrypoints/demo/runDemo';
import { openTemporalTestEnv, type TemporalTestEnv } from '../support/temporalTestEnv';
import { FAST_POLLING, FAST_TIMING } from './liveRig';

let env: TemporalTestEnv;
let artifactDir: string;

/** The URL printed on the log line that starts with `prefix`. */
function urlAfter(lines: string[], prefix: string): string {
  const line = lines.find((l) => l.startsWith(prefix));
  assert.ok(line, `no log line starts with "${prefix}"`);
  return /(http:\/\/\S+)/.exec(line)![1]!;
}

async function refusesConnections(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return false;
  } catch {
    return true;
  }
}

describe('demo', () => {
  before(async () => {
    env = await openTemporalTestEnv();
    artifactDir = await mkdtemp(path.join(tmpdir(), 'demo-test-'));
  });

  after(async () => {
    await env?.close();
    await rm(artifactDir, { recursive: true, force: true });
  });

  function options(log: string[]) {
    return {
      artifactDir,
      temporal: { client: env.client, connection: env.nativeConnection, namespace: env.namespace, workflowBundle: env.workflowBundle },
      simulatorTiming: FAST_TIMING,
      polling: FAST_POLLING,
      taskQueue: env.uniqueTaskQueue('demo'),
      adId: `demo-test-${process.pid}-${Date.now().toString(36)}`,
      watchIntervalMs: 100,
      log: (line: string) => log.push(line),
    };
  }

  it('runs one ad through review, an edit and compose, saves video and cover, and stops everything', async () => {
    const log: string[] = [];
    const outcome = await runDemo(options(log));
    const { result } = outcome;
    assert.equal(result.outcome, 'composed', 'the edit changed the selection, so the final video must be composed');
    assert.deepEqual(result.editTaskIds, [outcome.editSubTaskId]);
    assert.ok(result.selection.videoTaskIds.includes(outcome.editSubTaskId), 'the edited take is in the final video');
    for (const file of [result.video, result.cover]) {
      assert.ok(file.path.startsWith(artifactDir), `${file.path} is saved in the artifact folder`);
      assert.equal((await stat(file.path)).size, file.bytes);
      assert.ok(log.some((l) => l.includes(file.path)), `the demo prints ${file.path}`);
    }
    const counters = outcome.simulatorCounters!;
    assert.deepEqual(counters.tasksCreated, { ad: 1, edit: 1, compose: 1 });
    assert.ok(counters.callbacks.delivered > 0, 'progress reached the workflow through the receiver');
    assert.ok(await refusesConnections(urlAfter(log, 'Vidu simulator at')), 'the simulator is stopped');
    assert.ok(await refusesConnections(urlAfter(log, 'Webhook receiver at')), 'the receiver is stopped');
  });

  it('stops everything it started when interrupted', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const demo = options(log);
    const interrupted = runDemo({ ...demo, signal: controller.signal, progress: () => controller.abort() });
    await assert.rejects(interrupted, DemoAbortedError);
    await env.client.workflow.getHandle(`ad-${demo.adId}`).terminate('test over');
    assert.ok(await refusesConnections(urlAfter(log, 'Vidu simulator at')));
    assert.ok(await refusesConnections(urlAfter(log, 'Webhook receiver at')));
  });
});
