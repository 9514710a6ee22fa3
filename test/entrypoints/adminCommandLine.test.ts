// The admin tool's parts that need no server: the request id it derives from
// a command, the checks on --request-id, how `show` and `retry` read, and
// what `show` and `watch` say the operator can do next in each waiting state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runAdminCli, type CliIo } from '../../src/entrypoints/admin/commands';
import { ProgressDisplay } from '../../src/entrypoints/admin/progressDisplay';
import { renderAdList, renderNextSteps, renderProgressLine, renderRetry, renderStatus } from '../../src/entrypoints/admin/render';
import { derivedRequestId } from '../../src/entrypoints/admin/requestIds';
import { REQUEST_ID_PATTERN, type AdStatus } from '../../src/workflows/ad/contract';

function offline(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const io: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), write: (t) => lines.push(t), isTTY: false };
  return runAdminCli(argv, { connect: () => Promise.reject(new Error('this test has no server')), io }).then((code) => ({ code, lines }));
}

describe('derived request ids', () => {
  const edit = { kind: 'video', storyboardIndex: 0, prompt: 'closer on the bottle' };

  it('are the same for the same command, whatever order the arguments come in', () => {
    const id = derivedRequestId('spring-42', 'edit', edit);
    assert.equal(derivedRequestId('spring-42', 'edit', { prompt: edit.prompt, storyboardIndex: 0, kind: 'video' }), id);
    assert.match(id, /^admin-edit-[0-9a-f]{32}$/);
    assert.match(id, REQUEST_ID_PATTERN);
  });

  it('differ when the prompt, the target, the command or the ad differs', () => {
    const id = derivedRequestId('spring-42', 'edit', edit);
    const others = [
      derivedRequestId('spring-42', 'edit', { ...edit, prompt: 'closer on the cap' }),
      derivedRequestId('spring-42', 'edit', { ...edit, storyboardIndex: 1 }),
      derivedRequestId('spring-43', 'edit', edit),
      derivedRequestId('spring-42', 'select', edit),
    ];
    assert.equal(new Set([id, ...others]).size, 5);
  });

  it('leave out unset arguments, so a cancel without a reason is one request', () => {
    assert.equal(derivedRequestId('a', 'cancel', { reason: undefined }), derivedRequestId('a', 'cancel', {}));
    assert.notEqual(derivedRequestId('a', 'cancel', { reason: 'too late' }), derivedRequestId('a', 'cancel', {}));
  });
});

describe('admin command line without a server', () => {
  it('refuses a malformed --request-id as a usage mistake, before connecting', async () => {
    const { code, lines } = await offline(['approve', 'spring-42', '--request-id', 'has spaces']);
    assert.equal(code, 2);
    assert.match(lines.join('\n'), /--request-id: must be 1-128 letters/);
  });

  it('explains request ids and the acknowledgement in --help', async () => {
    const edit = await offline(['edit', '--help']);
    assert.match(edit.lines.join('\n'), /running the same command again[\s\S]*returns the first answer[\s\S]*pass a new --request-id/);
    const retry = await offline(['retry', '--help']);
    assert.match(retry.lines.join('\n'), /--acknowledge-unknown-create[\s\S]*may exist and be billed/);
  });
});

describe('rendering', () => {
  const status: AdStatus = {
    adId: 'spring-42',
    stage: 'generating',
    progress: 40,
    storyboards: [],
    edits: [],
    editsUsed: 0,
    maxEdits: 10,
    creditsSpent: 600,
    waitingFor: 'Vidu unreachable for 3m (ServiceUnavailable), retrying in 40s',
    runNumber: 2,
    requests: [
      { requestId: 'ok-1', kind: 'approve', via: 'update', outcome: 'accepted', at: 1 },
      { requestId: 'sig-7', kind: 'select', via: 'signal', outcome: 'rejected', reason: 'takeId: nope is not one of its takes (storyboard 0)', at: 2 },
    ],
  };

  it('show prints what the ad waits for and its rejected requests with their reasons', () => {
    const text = renderStatus(status);
    assert.match(text, /waiting\s+Vidu unreachable for 3m/);
    assert.match(text, /run\s+2 \(continued as new\)/);
    assert.match(text, /sig-7\s+select\s+signal\s+takeId: nope is not one of its takes/);
    assert.doesNotMatch(text, /ok-1/, 'accepted requests are not listed');
  });

  it('show, watch and list give the credits: spent, reserved, estimated and the budget (older statuses: spent only)', () => {
    assert.match(renderStatus(status), /^ {2}credits {4}600 spent$/m);
    const budgeted: AdStatus = { ...status, credits: { estimated: 801, reserved: 201, spent: 600, limit: 1000, overrun: 0 } };
    assert.match(renderStatus(budgeted), /^ {2}credits {4}600 spent, 201 reserved, 801 estimated, budget maxCredits=1000 \(199 left\)$/m);
    assert.match(renderProgressLine(budgeted), /credits 600 spent \+201 reserved \/1000$/);
    const over: AdStatus = { ...status, credits: { estimated: 600, reserved: 0, spent: 650, overrun: 50 } };
    assert.match(renderStatus(over), /650 spent, 0 reserved, 600 estimated, no budget; Vidu charged 50 more than estimated/);
    const listed = renderAdList([
      { adId: 'spring-42', workflowId: 'ad-spring-42', stage: 'review', status: 'RUNNING', viduTaskId: 't', startTime: '2026-12-02T06:00:00.000Z', closeTime: undefined, credits: budgeted.credits },
      { adId: 'old-1', workflowId: 'ad-old-1', stage: 'done', status: 'COMPLETED', viduTaskId: 't', startTime: '2026-12-01T06:00:00.000Z', closeTime: undefined },
    ]);
    assert.match(listed, /^AD ID\s+STAGE\s+STATUS\s+CREDITS\s+VIDU TASK\s+STARTED/);
    assert.match(listed, /spring-42\s+review\s+RUNNING\s+600 spent \+201 reserved \/1000\s+t\s/);
    assert.match(listed, /old-1\s+done\s+COMPLETED\s+-\s+t\s/, 'an ad whose status did not answer lists without credits');
  });

  it('retry says whether it resumed from the existing task or creates a new one', () => {
    const previous = { runId: 'r1', status: 'FAILED', failure: { type: 'ReviewTimedOut', message: 'late', details: [] } };
    assert.match(renderRetry('a', { action: 'resumed', resumedFromTaskId: 't-1', droppedEdits: 0, previous, runId: 'r2' }), /resumed from its existing Vidu task t-1: no new task is created/);
    assert.match(renderRetry('a', { action: 'retried', droppedEdits: 0, previous, runId: 'r2' }), /the new run creates a new Vidu task \(the last run ended FAILED: ReviewTimedOut/);
  });

  it('an ad waiting on an outage says what it waits for, instead of a progress bar, and that it retries by itself', () => {
    assert.match(renderStatus(status), /^Waiting: Vidu unreachable for 3m \(ServiceUnavailable\), retrying in 40s\. Nothing to do: the ad retries by itself \(to stop it: vidu-ad-admin cancel spring-42\)\.$/m);
    const line = renderProgressLine(status);
    assert.match(line, /waiting: Vidu unreachable for 3m/);
    assert.doesNotMatch(line, /\[#*-*\]/, 'no progress bar while nothing progresses');
    assert.match(renderProgressLine({ ...status, waitingFor: undefined }), /\[#{8}-{12}\] {2}40%/);
  });

  it('a failed or cancelled ad names the retry command; a done one needs nothing', () => {
    for (const stage of ['failed', 'cancelled'] as const) assert.match(renderNextSteps({ ...status, stage, waitingFor: undefined }).join('\n'), /^Next: vidu-ad-admin retry spring-42 /);
    assert.deepEqual(renderNextSteps({ ...status, stage: 'done', waitingFor: undefined }), []);
  });

  describe('in review', () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    const review: AdStatus = {
      ...status,
      stage: 'review',
      progress: 99,
      waitingFor: undefined,
      reviewDeadline: now + 23 * 60_000,
      storyboards: [0, 1, 2].map((index) => ({ index, takes: [{ id: `t${index}`, state: 'success', prompt: '' }], selectedTakeId: `t${index}` })) as AdStatus['storyboards'],
      editsUsed: 3,
    };

    it('show says the ad waits for the operator, until when, and the commands that go on, with the edits left', () => {
      const text = renderStatus(review, now);
      assert.match(text, /^Waiting for you: the review closes in 23m 0s \(at \d\d:\d\d\)\. Next:$/m);
      assert.match(text, /^ {2}vidu-ad-admin edit spring-42 --storyboard N --prompt TEXT\s+regenerate storyboard N from 0 to 2 .*7 of 10 edits left$/m);
      assert.match(text, /^ {2}vidu-ad-admin select spring-42 --storyboard N --take ID\s/m);
      assert.match(text, /^ {2}vidu-ad-admin approve spring-42\s+compose the selected takes/m);
      assert.match(text, /^ {2}vidu-ad-admin cancel spring-42\s/m);
      assert.doesNotMatch(text, /99%/, 'no progress figure stuck at 99% while the ad waits for the operator');
    });

    it('with no edits left, the edit command is not offered', () => {
      const text = renderNextSteps({ ...review, editsUsed: 10 }, now).join('\n');
      assert.match(text, /No edits left \(10 of 10 used\)/);
      assert.doesNotMatch(text, /vidu-ad-admin edit/);
    });

    it('watch prints the next steps once per review, then only the progress line when it changes', () => {
      const out: string[] = [];
      const display = new ProgressDisplay({ out: (l) => out.push(l), write: (t) => out.push(t), isTTY: false }, () => now);
      display.show({ ...status, waitingFor: undefined });
      display.show(review);
      display.show({ ...review, creditsSpent: 700 });
      assert.equal(out.filter((l) => l.startsWith('Waiting for you')).length, 1, out.join('\n'));
      assert.match(out[0]!, /\[#+-+\]/);
      const reviewLines = out.filter((l) => l.startsWith('ad spring-42  review'));
      assert.equal(reviewLines.length, 2);
      assert.match(reviewLines[0]!, /waiting for you until \d\d:\d\d: edit, select, approve or cancel/);
      assert.doesNotMatch(reviewLines[0]!, /%/);
    });
  });

  it('the help says an ad may be named by its workflow id', async () => {
    const { lines } = await offline(['--help']);
    assert.match(lines.join('\n'), /its workflow id "ad-<adId>" as the Temporal Web UI shows it/);
  });
});
