// The admin tool with the ids operators paste, and what it tells them to do
// next. `ad-<id>` (the workflow id the Web UI shows) names the ad <id>; an ad
// whose own id starts with "ad-" is still found by that id first. During
// review, `show` and `watch` say what the operator can do next.
import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { watchAd } from '../../src/entrypoints/admin/adminActions';
import { derivedRequestId } from '../../src/entrypoints/admin/requestIds';
import { getAdHandle, startAd } from '../../src/starter';
import type { AdStatus } from '../../src/workflows/ad/contract';
import { startChild, type ChildRun } from '../support/childRun';
import { FAST_POLLING, openLiveRig, type LiveRig } from './liveRig';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'vidu-ad-admin.mjs');
const SAMPLE = path.join(ROOT, 'samples', 'perfume-bottle.png');

let rig: LiveRig;

function adminRunning(...args: string[]): ChildRun {
  return startChild(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: rig.address, TEMPORAL_NAMESPACE: rig.env.namespace },
  });
}

const admin = (...args: string[]) => adminRunning(...args).done;

async function startReviewAd(adId: string): Promise<void> {
  await startAd(
    rig.env.client,
    { adId, images: [SAMPLE], prompt: 'a perfume ad', review: { enabled: true, windowMs: 600_000, onTimeout: 'fail' }, polling: FAST_POLLING },
    { taskQueue: rig.taskQueue, artifacts: rig.artifacts, allowLocalFiles: true },
  );
}

function untilReview(adId: string): Promise<AdStatus> {
  return watchAd(rig.env.client, adId, () => undefined, { intervalMs: 100, until: (s) => s.stage === 'review' || ['done', 'failed', 'cancelled'].includes(s.stage) });
}

describe('admin tool: ad ids and next steps', () => {
  // `plain`'s workflow id, "ad-<plain>", is `prefixed`'s ad id: the collision the rule must settle.
  const plain = `ids-${process.pid}-${Date.now().toString(36)}`;
  const prefixed = `ad-${plain}`;

  before(async () => {
    rig = await openLiveRig();
    await Promise.all([startReviewAd(plain), startReviewAd(prefixed)]);
    for (const adId of [plain, prefixed]) assert.equal((await untilReview(adId)).stage, 'review', `${adId} should reach review`);
  });

  after(async () => {
    await getAdHandle(rig.env.client, plain).workflow.terminate('test over').catch(() => undefined);
    await rig?.close();
  });

  it('show takes the workflow id as well as the ad id; an id that is itself an ad id wins', async () => {
    const [byWorkflowId, byOwnId, byPlainId] = await Promise.all([admin('show', `ad-${prefixed}`, '--json'), admin('show', prefixed, '--json'), admin('show', plain, '--json')]);
    for (const run of [byWorkflowId, byOwnId, byPlainId]) assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(byWorkflowId.stdout).adId, prefixed, '"ad-" is stripped when the full text is no ad id');
    assert.equal(JSON.parse(byOwnId.stdout).adId, prefixed, 'an ad whose own id starts with "ad-" is found by it, even though it is also the workflow id of another ad');
    assert.equal(JSON.parse(byPlainId.stdout).adId, plain);
  });

  it('an id that names no ad either way says so in one line, naming both readings', async () => {
    const missing = `nope-${process.pid}`;
    const [prefixedMissing, plainMissing] = await Promise.all([admin('show', `ad-${missing}`), admin('show', missing)]);
    assert.equal(prefixedMissing.code, 1);
    assert.equal(prefixedMissing.stderr.trim(), `no ad with id "ad-${missing}", nor with id "${missing}" (whose workflow id "ad-${missing}" would be)`);
    assert.equal(plainMissing.code, 1);
    assert.equal(plainMissing.stderr.trim(), `no ad with id "${missing}"`);
  });

  it('show during review says that the ad waits for the operator, until when, and the commands to go on', async () => {
    const shown = await admin('show', plain);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /Waiting for you: the review closes in (9m|10m)/);
    for (const command of [`edit ${plain} --storyboard N --prompt TEXT`, `select ${plain} --storyboard N --take ID`, `approve ${plain}`, `cancel ${plain}`]) {
      assert.ok(shown.stdout.includes(`vidu-ad-admin ${command}`), `show names "${command}":\n${shown.stdout}`);
    }
    assert.match(shown.stdout, /10 of 10 edits left/);
    assert.doesNotMatch(shown.stdout, /stage\s+review \(\d+%\)/, 'no progress figure while the ad waits for the operator');
  });

  it('watch during review prints the next steps instead of a progress bar; approve by workflow id sends the ad id\'s request id', async () => {
    const watching = adminRunning('watch', `ad-${prefixed}`, '--interval', '100ms');
    for (let waited = 0; !watching.stdout().includes(`ad ${prefixed}  review`) && waited < 20_000; waited += 100) await sleep(100);
    const lines = watching.stdout().split('\n');
    assert.ok(lines.some((l) => l.startsWith('Waiting for you: the review closes in')), watching.stdout());
    assert.ok(lines.some((l) => l.trim().startsWith(`vidu-ad-admin approve ${prefixed}`)), watching.stdout());
    const progress = lines.find((l) => l.startsWith(`ad ${prefixed}  review`))!;
    assert.match(progress, /waiting for you until \d\d:\d\d: edit, select, approve or cancel/);
    assert.doesNotMatch(progress, /%/);

    // Either spelling of the ad derives the same request id, so repeating the command in the other spelling is the same request.
    const expected = derivedRequestId(prefixed, 'approve', {});
    const byWorkflowId = await admin('approve', `ad-${prefixed}`);
    assert.equal(byWorkflowId.code, 0, byWorkflowId.stderr);
    assert.equal(byWorkflowId.stdout.trim(), `Ad ${prefixed} approved: it composes the selection and saves the result (request id ${expected}).`);
    const watched = await watching.done;
    assert.equal(watched.code, 0, watched.stderr);
    assert.match(watched.stdout, /^Done: video /m);
    const byAdId = await admin('approve', prefixed);
    assert.equal(byAdId.code, 0, byAdId.stderr);
    assert.ok(byAdId.stdout.includes(`(request id ${expected})`), 'the same request, answered with its first answer');
  });
});
