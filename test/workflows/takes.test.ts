// Every take kept past Vidu's one-hour URLs: an ad through review shows
// `media` (and, for storyboard takes, `cover`) on each take, the files hold
// the bytes Vidu serves, a take made by an edit is kept too, and media URLs
// that keep expiring leave takes unsaved without failing the ad.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { downloadMedia } from '../../src/vidu/viduClient';
import { approveSignal, editUpdate, statusQuery, type AdStatus, type TakeStatus } from '../../src/workflows/ad/contract';
import { suiteHarness, uniqueAdId, waitForStatus } from './harness';

function successfulTakes(status: AdStatus): Array<{ take: TakeStatus; kind: 'video' | 'audio' }> {
  const video = status.storyboards.flatMap((s) => s.takes.map((take) => ({ take, kind: 'video' as const })));
  const audio = [status.narration, status.bgm].flatMap((slot) => (slot?.takes ?? []).map((take) => ({ take, kind: 'audio' as const })));
  return [...video, ...audio].filter(({ take }) => take.state === 'success');
}

const everyTakeKept = (status: AdStatus) => successfulTakes(status).every(({ take, kind }) => take.media !== undefined && (kind === 'audio' || take.cover !== undefined));

/** How many saveTakes activities have completed in the ad's history. */
async function saveTakesCompleted(handle: WorkflowHandle): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'saveTakes').map((e) => String(e.eventId)));
  return events.filter((e) => scheduled.has(String(e.activityTaskCompletedEventAttributes?.scheduledEventId))).length;
}

async function sha256OfUrl(url: string): Promise<string> {
  const media = await downloadMedia(url, { allowPrivateHosts: true }); // the simulator, on loopback
  const hash = createHash('sha256');
  for await (const chunk of media.body) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('takes kept in the artifact store', () => {
  const h = suiteHarness();

  it('keeps every take through review, after expired URLs and after an edit, with the bytes Vidu serves', async () => {
    const adId = uniqueAdId('takes');
    // Every media download answers "Request has expired" until the fault is cleared.
    h.sim.setFaults({ media: { expireNext: 10_000 } });
    try {
      await h.withWorker(async (taskQueue) => {
        const handle = await h.startAd(taskQueue, { adId, review: { enabled: true, windowMs: 120_000, onTimeout: 'fail' } });
        await waitForStatus(handle, (s) => s.stage === 'review', 'the review stage');
        const deadline = Date.now() + 15_000;
        while ((await saveTakesCompleted(handle)) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        assert.equal(await saveTakesCompleted(handle), 1, 'the takes were tried once the records were read');
        const unsaved = await handle.query(statusQuery);
        assert.equal(unsaved.stage, 'review', 'expired media does not fail the ad');
        assert.ok(successfulTakes(unsaved).length >= 5);
        assert.ok(
          successfulTakes(unsaved).every(({ take }) => take.media === undefined && take.cover === undefined),
          'no take claims a file it does not have',
        );
        assert.ok(h.sim.counters().media.expired > 0);

        // The next occasion (an edit's new take) saves the new take and the ones left before.
        h.sim.setFaults({});
        const edit = await handle.executeUpdate(editUpdate, { args: [{ kind: 'video', storyboardIndex: 0, prompt: 'the bottle at sunset' }] });
        const kept = await waitForStatus(handle, (s) => s.edits[0]?.state === 'succeeded' && everyTakeKept(s), 'every take kept after the edit');
        const editTake = kept.storyboards[0]!.takes.find((t) => t.id === edit.subTaskId);
        assert.equal(editTake?.media, `takes/${edit.subTaskId}.mp4`);
        assert.equal(editTake?.cover, `takes/${edit.subTaskId}-cover.png`);

        const sub = await h.vidu.getAdSubRecords(kept.mainTaskId!);
        const records = [...sub.data_records.storyboards.flatMap((s) => s.records), ...sub.data_records.narration_records, ...sub.data_records.bgm_records];
        for (const { take, kind } of successfulTakes(kept)) {
          assert.match(take.media!, new RegExp(`^takes/${take.id}\\.${kind === 'video' ? 'mp4' : 'mp3'}$`));
          const stored = await readFile(h.artifacts.resolve(`${adId}/${take.media}`));
          const url = records.find((r) => r.id === take.id)!.creation_url;
          assert.equal(createHash('sha256').update(stored).digest('hex'), await sha256OfUrl(url), `take ${take.id} holds Vidu's bytes`);
          if (kind === 'video') {
            const cover = await readFile(h.artifacts.resolve(`${adId}/${take.cover}`));
            const coverUrl = (await h.vidu.getCreations(take.id)).creations[0]!.cover_url;
            assert.equal(createHash('sha256').update(cover).digest('hex'), await sha256OfUrl(coverUrl), `cover of ${take.id}`);
          } else {
            assert.equal(take.cover, undefined, 'audio takes have no cover');
          }
        }

        await handle.signal(approveSignal, {});
        const result = await handle.result();
        assert.equal(result.outcome, 'composed');
        const done = await handle.query(statusQuery);
        assert.ok(everyTakeKept(done), 'the final status still shows every take kept');
        assert.equal(await saveTakesCompleted(handle), 2, 'one save per occasion');
      });
    } finally {
      h.sim.setFaults({});
    }
  });
});
