// The demo's core end to end with millisecond timings: simulator, receiver,
// worker, one ad through review, an edit by the admin path, approval and
// compose, with a review console wired in; then nothing it started may still
// answer. And the closing lines: once it stops, its links are gone, and how to keep them.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { closingLines, KEEP_RUNNING_COMMAND } from '../../src/entrypoints/demo/links';
import type { ReviewConsoleStarter } from '../../src/entrypoints/demo/reviewConsole';
import { DemoAbortedError, runDemo } from '../../src/entrypoints/demo/runDemo';
import { answers } from '../support/probes';
import { suiteResource, suiteTempDir } from '../support/suiteResource';
import { openTemporalTestEnv } from '../support/temporalTestEnv';
import { demoTestOptions } from './demoTestOptions';

/** The URL printed on the log line that starts with `prefix`. */
function urlAfter(lines: string[], prefix: string): string {
  const line = lines.find((l) => l.startsWith(prefix));
  assert.ok(line, `no log line starts with "${prefix}"`);
  return /(http:\/\/\S+)/.exec(line)![1]!;
}

describe('demo', () => {
  const env = suiteResource(openTemporalTestEnv, (opened) => opened.close());
  const artifacts = suiteTempDir('demo-test-');

  function options(log: string[]) {
    return { ...demoTestOptions(env, artifacts.path, 'demo-test'), log: (line: string) => log.push(line) };
  }

  it('runs one ad through review, an edit and compose, saves video and cover, and stops everything', async () => {
    const log: string[] = [];
    // A stand-in for the review console: a server the demo starts, links to and closes.
    let consoleClosed = false;
    const startReviewConsole: ReviewConsoleStarter = async ({ taskQueue }) => {
      assert.ok(taskQueue, 'the console learns the ads\' task queue');
      const server = createServer((_req, res) => res.end('console'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      return { url: `http://127.0.0.1:${port}/console`, close: () => new Promise<void>((resolve) => server.close(() => ((consoleClosed = true), resolve()))) };
    };
    const outcome = await runDemo({ ...options(log), startReviewConsole });
    assert.ok(log.some((l) => l.startsWith('Review it in the review console: http://127.0.0.1:')), 'the console link is printed beside the Web UI link');
    assert.equal(outcome.links.reviewConsole, urlAfter(log, 'Review it in the review console:'));
    assert.ok(consoleClosed, 'the review console is closed with everything else');
    const { result } = outcome;
    assert.equal(result.outcome, 'composed', 'the edit changed the selection, so the final video must be composed');
    assert.deepEqual(result.editTaskIds, [outcome.editSubTaskId]);
    assert.ok(result.selection.videoTaskIds.includes(outcome.editSubTaskId), 'the edited take is in the final video');
    for (const file of [result.video, result.cover]) {
      assert.ok(file.path.startsWith(artifacts.path), `${file.path} is saved in the artifact folder`);
      assert.equal((await stat(file.path)).size, file.bytes);
      assert.ok(log.some((l) => l.includes(file.path)), `the demo prints ${file.path}`);
    }
    const counters = outcome.simulatorCounters!;
    assert.deepEqual(counters.tasksCreated, { ad: 1, edit: 1, compose: 1 });
    assert.ok(counters.callbacks.delivered > 0, 'progress reached the workflow through the receiver');
    assert.ok(!(await answers(urlAfter(log, 'Vidu simulator at'), 2_000)), 'the simulator is stopped');
    assert.ok(!(await answers(urlAfter(log, 'Webhook receiver at'), 2_000)), 'the receiver is stopped');
  });

  it('ends by saying that its links are gone and how to keep them, unless they were kept running', () => {
    const links = { webUi: 'http://127.0.0.1:8233', workflow: 'http://127.0.0.1:8233/namespaces/default/workflows/ad-x', reviewConsole: 'http://127.0.0.1:8090/console' };
    const [stopped, keep] = closingLines(false, links);
    assert.match(stopped!, /stopped, so the Web UI and review console links above no longer answer/);
    assert.ok(keep!.endsWith(KEEP_RUNNING_COMMAND), keep);
    assert.equal(KEEP_RUNNING_COMMAND, 'npm run demo -- --keep-running');
    assert.match(closingLines(false, { webUi: links.webUi })[0]!, /the Web UI link above no longer answers\.$/);
    assert.deepEqual(closingLines(true, links), ['Demo finished; everything it started has been stopped.']);
  });

  it('stops everything it started when interrupted', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const demo = options(log);
    const interrupted = runDemo({ ...demo, signal: controller.signal, progress: () => controller.abort() });
    await assert.rejects(interrupted, DemoAbortedError);
    await env.client.workflow.getHandle(`ad-${demo.adId}`).terminate('test over');
    assert.ok(!(await answers(urlAfter(log, 'Vidu simulator at'), 2_000)));
    assert.ok(!(await answers(urlAfter(log, 'Webhook receiver at'), 2_000)));
  });
});
