// The saveTakes activity against the simulator, without a Temporal server:
// which files it writes and where, that it saves only what it is asked for,
// that one expired URL is cured by a fresh read within the attempt, that
// takes it cannot save are reported rather than thrown, and that Vidu being
// unreachable fails the attempt (for Temporal and the outage budget to retry).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { compactRecords } from '../../src/activities/readTasks';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { startViduSimulator, type ViduSimulator } from '../../src/simulator';
import { ViduClient } from '../../src/vidu/viduClient';
import type { AdActivities, AdRecords, SaveTakesInput, TakeToSave } from '../../src/workflows/ad/activityContract';

const QUIET = new DefaultLogger('ERROR');

function run<R>(fn: () => Promise<R>): Promise<R> {
  return new MockActivityEnvironment({ workflowExecution: { workflowId: 'ad-takes-test', runId: 'run-1' } }, { logger: QUIET }).run(fn) as Promise<R>;
}

describe('saveTakes activity', () => {
  let sim: ViduSimulator;
  let vidu: ViduClient;
  let dir: string;
  let activities: AdActivities;
  let mainTaskId: string;
  let records: AdRecords;
  let adCount = 0;

  /** Every take of the ad, all files wanted. */
  function allTakes(): TakeToSave[] {
    const video = records.storyboards.flat().map((t): TakeToSave => ({ id: t.id, kind: 'video', media: true, cover: true }));
    const audio = [...records.narration, ...records.bgm].map((t): TakeToSave => ({ id: t.id, kind: 'audio', media: true, cover: false }));
    return [...video, ...audio];
  }
  const inputFor = (takes: TakeToSave[]): SaveTakesInput => ({ adId: `takes-${++adCount}`, mainTaskId, takes });

  before(async () => {
    sim = await startViduSimulator({ timing: { queueMs: 10, processingMs: 60, progressSteps: 2 }, media: 'placeholder' });
    vidu = new ViduClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 1_000 });
    dir = await mkdtemp(path.join(tmpdir(), 'ad-takes-'));
    activities = createActivities({ vidu, artifacts: new LocalArtifactStore(dir), recordHeartbeat: async () => undefined, rejectionBackoff: { initialMs: 10, maxMs: 40, tries: 2 } });
    mainTaskId = (await vidu.createAd({ images: ['https://example.com/a.png'], duration: 15 })).task_id;
    for (let i = 0; i < 200 && (await vidu.getCreations(mainTaskId)).state !== 'success'; i += 1) await new Promise((r) => setTimeout(r, 20));
    records = compactRecords(await vidu.getAdSubRecords(mainTaskId));
  });
  after(async () => {
    await vidu?.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => sim.setFaults({}));

  it('saves each take under <adId>/takes, with a cover for video takes only', async () => {
    const input = inputFor(allTakes());
    const result = await run(() => activities.saveTakes(input));
    assert.equal(result.unsavedCount, 0);
    assert.equal(result.saved.length, input.takes.length);
    for (const take of input.takes) {
      const saved = result.saved.find((s) => s.id === take.id)!;
      assert.equal(saved.media, `takes/${take.id}.${take.kind === 'video' ? 'mp4' : 'mp3'}`);
      assert.equal(saved.cover, take.kind === 'video' ? `takes/${take.id}-cover.png` : undefined);
    }
    const files = await readdir(path.join(dir, input.adId, 'takes'));
    assert.equal(files.length, input.takes.length + input.takes.filter((t) => t.kind === 'video').length, 'no temporary or extra files');
  });

  it('saves only the files it is asked for', async () => {
    const [video] = allTakes();
    const input = inputFor([{ ...video!, media: false, cover: true }]);
    const result = await run(() => activities.saveTakes(input));
    assert.deepEqual(result.saved, [{ id: video!.id, cover: `takes/${video!.id}-cover.png` }]);
    assert.deepEqual(await readdir(path.join(dir, input.adId, 'takes')), [`${video!.id}-cover.png`]);
  });

  it('cures one expired URL with a fresh read in the same attempt', async () => {
    const takes = allTakes().slice(0, 2);
    sim.setFaults({ media: { expireNext: 1 } });
    const result = await run(() => activities.saveTakes(inputFor(takes)));
    assert.equal(result.unsavedCount, 0);
    assert.equal(result.saved.length, 2);
  });

  it('reports takes whose media keeps expiring instead of failing', async () => {
    const takes = allTakes();
    sim.setFaults({ media: { expireNext: 10_000 } });
    const result = await run(() => activities.saveTakes(inputFor(takes)));
    assert.deepEqual(result.saved, []);
    assert.equal(result.unsavedCount, takes.length);
    assert.ok(result.unsaved.length <= 5, 'the reasons stay few in history');
    assert.match(result.unsaved[0]!.reason, /media: MediaUnavailable/);
  });

  it('fails the attempt, retryably, when Vidu cannot be read', async () => {
    sim.setFaults({ http: [{ endpoint: 'subRecords', error: { status: 503, code: 'ServiceUnavailable' } }] });
    const err = await run(() => activities.saveTakes(inputFor(allTakes()))).then(
      () => assert.fail('the activity should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApplicationFailure, `got ${String(err)}`);
    assert.equal(err.nonRetryable, false);
  });
});
