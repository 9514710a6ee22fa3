// `npm run start-ad` as a user runs it, in a child process against live ads:
// its help states every default; an ad id that is taken starts nothing and
// says how that ad stands (running with its stage, or how it ended), exiting 0.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { watchAd } from '../../src/entrypoints/admin/adminActions';
import { getAdHandle, startAd } from '../../src/starter';
import { runChild, type ChildOutput } from '../support/childRun';
import { FAST_POLLING, openLiveRig, type LiveRig } from './liveRig';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'src', 'entrypoints', 'start-ad', 'main.ts');
const SAMPLE = path.join(ROOT, 'samples', 'perfume-bottle.png');

let rig: LiveRig;

function startAdCli(...args: string[]): Promise<ChildOutput> {
  return runChild(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: rig.address, TEMPORAL_NAMESPACE: rig.env.namespace, AD_TASK_QUEUE: rig.taskQueue, ARTIFACT_DIR: rig.artifactDir },
  });
}

const uniqueId = (label: string) => `${label}-${process.pid}-${Date.now().toString(36)}`;

describe('start-ad', () => {
  before(async () => {
    rig = await openLiveRig();
  });

  after(async () => {
    await rig?.close();
  });

  it('--help states the defaults, the default language zh first of all', async () => {
    const { code, stdout } = await startAdCli('--help');
    assert.equal(code, 0);
    assert.match(stdout, /--language LANG\s+zh or en: .*\(default zh/);
    assert.match(stdout, /--aspect-ratio RATIO\s+16:9, 9:16 or 1:1 \(default 16:9/);
    assert.match(stdout, /--duration SECONDS\s+10-60 \(default 15/);
    assert.match(stdout, /--max-edits N\s+.*\(default 10\)/);
    assert.match(stdout, /already exists \(done\|failed\|cancelled/, 'the help says what a taken id does');
    assert.match(stdout, /TEMPORAL_ADDRESS \(default 127\.0\.0\.1:7233\)/);
  });

  it('an id that is running starts nothing and says its stage; once it has ended, says how it ended; exit 0 each time', async () => {
    const adId = uniqueId('cli-taken');
    const first = await startAdCli('--image', SAMPLE, '--ad-id', adId, '--json');
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout), { adId, workflowId: `ad-${adId}`, started: true });

    const again = await startAdCli('--image', SAMPLE, '--ad-id', adId);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`^ad ${adId} already running \\((creating|generating|reading)\\): nothing started$`, 'm'));

    await getAdHandle(rig.env.client, adId).workflow.terminate('test: ended by hand');
    const ended = await startAdCli('--image', SAMPLE, '--ad-id', adId);
    assert.equal(ended.code, 0, ended.stderr);
    assert.match(ended.stdout, new RegExp(`^ad ${adId} already exists \\(terminated\\): nothing started$`, 'm'));
    assert.match(ended.stdout, new RegExp(`retry ${adId}`), 'it says how to run it again');
    const json = await startAdCli('--image', SAMPLE, '--ad-id', adId, '--json');
    assert.deepEqual(JSON.parse(json.stdout), { adId, workflowId: `ad-${adId}`, started: false, running: false, stage: 'terminated', status: 'TERMINATED' });
    assert.equal(rig.simulator.counters().tasksCreated.ad <= 1, true, 'at most the first command created a Vidu task');
  });

  it('an id whose ad is done says "already exists (done)" and, with --wait, where its video is', async () => {
    const adId = uniqueId('cli-done');
    await startAd(rig.env.client, { adId, images: [SAMPLE], prompt: 'a perfume ad', polling: FAST_POLLING }, { taskQueue: rig.taskQueue, artifacts: rig.artifacts, allowLocalFiles: true });
    const final = await watchAd(rig.env.client, adId, () => undefined, { intervalMs: 100 });
    assert.equal(final.stage, 'done', final.lastError);
    const createdBefore = rig.simulator.counters().tasksCreated.ad;

    const said = await startAdCli('--image', SAMPLE, '--ad-id', adId, '--prompt', 'a different request');
    assert.equal(said.code, 0, said.stderr);
    assert.equal(said.stdout.split('\n')[0], `ad ${adId} already exists (done): nothing started`);
    const waited = await startAdCli('--image', SAMPLE, '--ad-id', adId, '--wait');
    assert.equal(waited.code, 0, waited.stderr);
    assert.ok(waited.stdout.includes(`Video saved to ${final.result!.video.path}`), waited.stdout);
    assert.equal(rig.simulator.counters().tasksCreated.ad, createdBefore, 'nothing new was created at Vidu');
  });
});
