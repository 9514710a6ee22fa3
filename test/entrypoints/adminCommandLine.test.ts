// The admin tool's parts that need no server: the request id it derives from
// a command, the checks on --request-id, and how `show` and `retry` read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runAdminCli, type CliIo } from '../../src/entrypoints/admin/commands';
import { renderRetry, renderStatus } from '../../src/entrypoints/admin/render';
import { derivedRequestId } from '../../src/entrypoints/admin/requestIds';
import { REQUEST_ID_PATTERN, type AdStatus } from '../../src/workflows/messages';

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

  it('retry says whether it resumed from the existing task or creates a new one', () => {
    const previous = { runId: 'r1', status: 'FAILED', failure: { type: 'ReviewTimedOut', message: 'late', details: [] } };
    assert.match(renderRetry('a', { action: 'resumed', resumedFromTaskId: 't-1', droppedEdits: 0, previous, runId: 'r2' }), /resumed from its existing Vidu task t-1: no new task is created/);
    assert.match(renderRetry('a', { action: 'retried', droppedEdits: 0, previous, runId: 'r2' }), /the new run creates a new Vidu task \(the last run ended FAILED: ReviewTimedOut/);
  });
});
