// The admin tool as an operator runs it: the `vidu-ad-admin` bin in a child
// process, against live ads (real workflow, worker and simulator), checking
// what it prints and its exit status.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listAds, showAd, watchAd } from '../../src/entrypoints/admin/adminActions';
import { runAdminCli, type CliIo } from '../../src/entrypoints/admin/commands';
import { getAdHandle, startAd } from '../../src/starter';
import type { AdStatus } from '../../src/workflows/ad/contract';
import { runChild, type ChildOutput } from '../support/childRun';
import { FAST_POLLING, openLiveRig, type LiveRig } from './liveRig';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'vidu-ad-admin.mjs');
const SAMPLE = path.join(ROOT, 'samples', 'perfume-bottle.png');

let rig: LiveRig;

function admin(...args: string[]): Promise<ChildOutput> {
  return runChild(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: rig.address, TEMPORAL_NAMESPACE: rig.env.namespace, AD_TASK_QUEUE: rig.taskQueue },
  });
}

async function startReviewAd(label: string): Promise<string> {
  const adId = `${label}-${process.pid}-${Date.now().toString(36)}`;
  await startAd(
    rig.env.client,
    { adId, images: [SAMPLE], prompt: 'a perfume ad', review: { enabled: true, windowMs: 600_000, onTimeout: 'fail' }, polling: FAST_POLLING },
    { taskQueue: rig.taskQueue, artifacts: rig.artifacts, allowLocalFiles: true },
  );
  return adId;
}

async function waitFor(adId: string, until: (s: AdStatus) => boolean): Promise<AdStatus> {
  return watchAd(rig.env.client, adId, () => undefined, { intervalMs: 100, until: (s) => until(s) || ['done', 'failed', 'cancelled'].includes(s.stage) });
}

function oneLine(text: string): string {
  const lines = text.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got: ${text}`);
  return lines[0]!;
}

describe('admin tool', () => {
  let adId: string;
  let review: AdStatus;

  before(async () => {
    rig = await openLiveRig();
    adId = await startReviewAd('admin');
    // In review with every take's copy kept, so the status no longer changes by itself.
    review = await waitFor(adId, (s) => s.stage === 'review' && s.storyboards.every((b) => b.takes.every((t) => t.media)));
    assert.equal(review.stage, 'review', `the ad should reach review: ${review.lastError ?? ''}`);
  });

  after(async () => {
    await rig?.close();
  });

  it('show prints the stage and the storyboards with their takes; --json the whole status', async () => {
    const [text, json] = await Promise.all([admin('show', adId), admin('show', adId, '--json')]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /stage\s+review/);
    for (const board of review.storyboards) {
      assert.match(text.stdout, new RegExp(`storyboard ${board.index}\\s+${board.selectedTakeId}\\s+\\S+\\s+\\*`));
    }
    assert.equal(json.code, 0, json.stderr);
    const status = JSON.parse(json.stdout) as AdStatus;
    assert.equal(status.adId, adId);
    assert.deepEqual(status.storyboards, review.storyboards);
  });

  it('list finds the ad by its stage from the visibility store', async () => {
    // Visibility is eventually consistent: wait until the stage is searchable, then ask the tool.
    for (let i = 0; i < 100 && !(await listAds(rig.env.client, { stage: 'review' })).some((a) => a.adId === adId); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const [inReview, done, bad] = await Promise.all([admin('list', '--stage', 'review', '--json'), admin('list', '--stage', 'done'), admin('list', '--stage', 'sleeping')]);
    assert.equal(inReview.code, 0, inReview.stderr);
    const listed = (JSON.parse(inReview.stdout) as Array<{ adId: string; stage: string; credits?: { spent: number; reserved: number } }>).find((a) => a.adId === adId);
    assert.equal(listed?.stage, 'review');
    // The create is settled by now; the compose is still reserved.
    assert.ok(listed.credits && listed.credits.spent > 0 && listed.credits.reserved === 1, `credits listed: ${JSON.stringify(listed.credits)}`);
    assert.equal(done.code, 0);
    assert.doesNotMatch(done.stdout, new RegExp(adId));
    assert.equal(bad.code, 1);
    assert.match(oneLine(bad.stderr), /unknown stage "sleeping"/);
  });

  it('edit answers the Vidu sub-task id; a rejected edit prints one line and exits 1', async () => {
    const [accepted, rejected, usage] = await Promise.all([
      admin('edit', adId, '--storyboard', '0', '--prompt', 'closer on the bottle', '--json'),
      admin('edit', adId, '--storyboard', '99', '--prompt', 'no such storyboard'),
      admin('edit', adId, '--narration', '--bgm', '--prompt', 'two targets'),
    ]);
    assert.equal(accepted.code, 0, accepted.stderr);
    const { subTaskId } = JSON.parse(accepted.stdout) as { subTaskId: string };
    assert.ok(subTaskId);
    const status = await waitFor(adId, (s) => s.edits.some((e) => e.subTaskId === subTaskId && e.state === 'succeeded'));
    assert.equal(status.storyboards[0]!.takes.at(-1)!.id, subTaskId);
    assert.equal(rejected.code, 1);
    assert.match(oneLine(rejected.stderr), /storyboard/);
    assert.equal(status.edits.length, 1, 'the rejected edit must not be recorded');
    // The same command again (as after a timeout) derives the same request id and gets the first answer.
    const again = await admin('edit', adId, '--storyboard', '0', '--prompt', 'closer on the bottle', '--json');
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as { subTaskId: string }).subTaskId, subTaskId);
    assert.equal((await showAd(rig.env.client, adId)).edits.length, 1, 'the repeated command must not make a second edit');
    assert.equal(rig.simulator.counters().perAd[review.mainTaskId!]?.edits, 1);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /exactly one of/);
  });

  it('select chooses an existing take once the ad shows it selected; a take it cannot have is refused', async () => {
    const before = await showAd(rig.env.client, adId);
    // The edit test's new take is selected now; going back to another finished take is a real change.
    const unselected = before.storyboards[0]!.takes.find((t) => t.id !== before.storyboards[0]!.selectedTakeId && t.state === 'success');
    assert.ok(unselected, `the test needs a finished take that is not selected: ${JSON.stringify(before.storyboards[0])}`);
    const elsewhere = before.storyboards[1]!.takes[0]!.id;
    const [selected, unknown, otherStoryboard] = await Promise.all([
      admin('select', adId, '--storyboard', '0', '--take', unselected.id),
      admin('select', adId, '--storyboard', '0', '--take', 'no-such-take'),
      admin('select', adId, '--storyboard', '0', '--take', elsewhere),
    ]);
    assert.equal(selected.code, 0, selected.stderr);
    assert.match(selected.stdout, new RegExp(`Selected take ${unselected.id} for storyboard 0`));
    // No waiting here: the command answers only once the status shows the selection.
    assert.equal((await showAd(rig.env.client, adId)).storyboards[0]!.selectedTakeId, unselected.id);
    assert.equal(unknown.code, 1);
    assert.match(oneLine(unknown.stderr), /take no-such-take is not one of/);
    assert.equal(otherStoryboard.code, 1);
    assert.match(oneLine(otherStoryboard.stderr), new RegExp(`take ${elsewhere} is not one of .*\\(storyboard 0\\)`));
  });

  it('show lists rejected requests by their request id', async () => {
    // Signals cannot answer: their rejection shows in the status under the request id.
    const requestId = `bad-select-${process.pid}`;
    await getAdHandle(rig.env.client, adId).signalSelect({ kind: 'video', storyboardIndex: 0, takeId: 'no-such-take', requestId });
    await waitFor(adId, (s) => (s.requests ?? []).some((r) => r.requestId === requestId));
    const shown = await admin('show', adId);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /Rejected requests/);
    assert.match(shown.stdout, new RegExp(`${requestId}\\s+select\\s+signal\\s+\\S`));
  });

  it('watch follows the ad to the end after approve; approving or selecting in a finished ad is refused', async () => {
    const watching = admin('watch', adId, '--interval', '100ms');
    const approved = await admin('approve', adId);
    assert.equal(approved.code, 0, approved.stderr);
    const watched = await watching;
    assert.equal(watched.code, 0, watched.stderr);
    const final = await showAd(rig.env.client, adId);
    assert.equal(final.stage, 'done');
    assert.match(watched.stdout, new RegExp(`Done: video ${final.result!.video.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok(existsSync(final.result!.video.path));
    const repeated = await admin('approve', adId);
    assert.equal(repeated.code, 0, 'the same approve again (same derived request id) gets the first answer');
    const [again, lateSelect] = await Promise.all([
      admin('approve', adId, '--json', '--request-id', 'a-second-approval'),
      admin('select', adId, '--storyboard', '0', '--take', final.storyboards[0]!.takes[0]!.id, '--request-id', 'a-late-selection'),
    ]);
    assert.equal(again.code, 1);
    assert.match(oneLine(again.stderr), /already finished/);
    assert.match(JSON.parse(again.stdout).error, /already finished/);
    assert.equal(lateSelect.code, 1, 'a take cannot be selected once the ad is out of review');
    assert.match(oneLine(lateSelect.stderr), /already finished \(done\)/);
  });

  it('cancel ends another ad as cancelled', async () => {
    const other = await startReviewAd('admin-cancel');
    const cancelled = await admin('cancel', other, '--reason', 'changed our mind');
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.match(cancelled.stdout, new RegExp(`Ad ${other} is being cancelled`));
    assert.equal((await waitFor(other, () => false)).stage, 'cancelled');
  });

  it('retry refuses a done ad, and resumes an ad cancelled in review from its Vidu task', async () => {
    const done = await admin('retry', adId);
    assert.equal(done.code, 1);
    assert.match(oneLine(done.stderr), /is done/);

    const other = await startReviewAd('admin-retry');
    const inReview = await waitFor(other, (s) => s.stage === 'review');
    assert.equal(inReview.stage, 'review', inReview.lastError);
    const running = await admin('retry', other);
    assert.equal(running.code, 1);
    assert.match(oneLine(running.stderr), /still running/);
    assert.equal((await admin('cancel', other)).code, 0);
    assert.equal((await waitFor(other, () => false)).stage, 'cancelled');
    const createdBefore = rig.simulator.counters().tasksCreated.ad;

    const retried = await admin('retry', other);
    assert.equal(retried.code, 0, retried.stderr);
    assert.match(oneLine(retried.stdout), new RegExp(`resumed from its existing Vidu task ${inReview.mainTaskId}: no new task`));
    assert.equal((await waitFor(other, (s) => s.stage === 'review')).stage, 'review');
    assert.equal((await admin('approve', other)).code, 0);
    assert.equal((await waitFor(other, () => false)).stage, 'done');
    assert.equal(rig.simulator.counters().tasksCreated.ad, createdBefore, 'resuming must create no Vidu task');
  });

  it('an unknown ad or command prints one line and exits non-zero', async () => {
    const [unknownAd, unknownCommand] = await Promise.all([admin('show', 'no-such-ad'), admin('explode')]);
    assert.equal(unknownAd.code, 1);
    assert.equal(oneLine(unknownAd.stderr), 'no ad with id "no-such-ad"');
    assert.equal(unknownCommand.code, 2);
    assert.match(oneLine(unknownCommand.stderr), /unknown command "explode"/);
  });

  it('every command has --help', async () => {
    const bin = await admin('--help');
    assert.equal(bin.code, 0);
    const commands = [...bin.stdout.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]!);
    assert.deepEqual(commands, ['list', 'show', 'edit', 'select', 'approve', 'cancel', 'retry', 'watch']);
    for (const command of commands) {
      const out: string[] = [];
      const io: CliIo = { out: (l) => out.push(l), err: (l) => out.push(l), write: (t) => out.push(t), isTTY: false };
      const code = await runAdminCli([command, '--help'], { connect: () => Promise.reject(new Error('help needs no connection')), io });
      assert.equal(code, 0);
      assert.match(out.join('\n'), new RegExp(`^Usage: vidu-ad-admin ${command}`));
    }
  });
});
