// Campaigns against the simulator: every variant of a brief runs as a child
// ad, never more than maxConcurrent at Vidu at once (checked on the
// simulator's own task times), higher priority first; approve and edit at
// campaign level reach the ads in review once per request id; cancel skips
// what has not started and cancels what runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { campaignWorkflow } from '../../src/workflows/campaign/workflow';
import {
  campaignApproveUpdate,
  campaignCancelUpdate,
  campaignEditUpdate,
  campaignStatusQuery,
  workflowIdForCampaign,
  type CampaignInput,
  type CampaignStatus,
} from '../../src/workflows/campaign/contract';
import { statusQuery, workflowIdForAd, type AdStatus } from '../../src/workflows/ad/contract';
import { FAST_POLLING, PRODUCT_IMAGE, suiteHarness, uniqueAdId } from './harness';

const REVIEW = { enabled: true, windowMs: 120_000, onTimeout: 'fail' as const };

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

/** Most intervals open at one moment. */
function maxOverlap(intervals: Array<[number, number]>): number {
  const edges = intervals.flatMap(([start, end]) => [[start, 1] as const, [end, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (open += step));
  return most;
}

describe('campaign workflow', { timeout: 180_000 }, () => {
  const h = suiteHarness({ timing: { processingMs: 300 } });

  const startCampaign = (taskQueue: string, input: Omit<CampaignInput, 'images'>) =>
    h.env.client.workflow.start(campaignWorkflow, { taskQueue, workflowId: workflowIdForCampaign(input.campaignId), args: [{ images: [PRODUCT_IMAGE], ...input }] });
  const adStatus = (adId: string): Promise<AdStatus> => h.env.client.workflow.getHandle(workflowIdForAd(adId)).query(statusQuery);
  const campaignStatus = (handle: WorkflowHandle): Promise<CampaignStatus> => handle.query(campaignStatusQuery);

  it('runs every variant as an ad, at most maxConcurrent at Vidu at once, higher priority first', async () => {
    await h.withWorker(async (taskQueue) => {
      const campaignId = uniqueAdId('campaign');
      const handle = await startCampaign(taskQueue, {
        campaignId,
        prompt: 'a bottle on a beach',
        variants: { aspectRatios: ['16:9', '1:1'], languages: ['en', 'zh'], durations: [15] },
        priorities: { '1x1-zh-15s': 5 },
        maxConcurrent: 2,
        ads: { polling: FAST_POLLING },
      });
      const result = await handle.result();
      assert.equal(result.stage, 'done');
      assert.deepEqual(result.byStage, { done: 4 });
      assert.deepEqual(
        result.adIds.map((id) => id.slice(campaignId.length + 1)),
        ['1x1-zh-15s', '16x9-en-15s', '16x9-zh-15s', '1x1-en-15s'],
        'the priority first, then the matrix order',
      );

      const statuses = await Promise.all(result.adIds.map(adStatus));
      assert.ok(statuses.every((s) => s.stage === 'done'));
      assert.equal(result.creditsSpent, statuses.reduce((sum, s) => sum + s.creditsSpent, 0), 'the campaign sums what its ads report');
      assert.ok(result.creditsSpent > 0);

      const mainTasks = statuses.map((s) => h.sim.ads().find((ad) => ad.taskId === s.mainTaskId)!);
      assert.ok(mainTasks.every((t) => t?.createdAt !== undefined && t.finishedAt !== undefined));
      assert.equal(maxOverlap(mainTasks.map((t) => [t.createdAt!, t.finishedAt!])), 2, 'two at Vidu at once, never three');
      const started = await Promise.all(result.adIds.map(async (id) => (await h.env.client.workflow.getHandle(workflowIdForAd(id)).describe()).startTime.getTime()));
      assert.deepEqual([...started].sort((a, b) => a - b), started, 'the ads started in that order');
    });
  });

  it('fans approve and edit out to the ads in review, once per request id', async () => {
    await h.withWorker(async (taskQueue) => {
      const campaignId = uniqueAdId('campaign-review');
      const handle = await startCampaign(taskQueue, {
        campaignId,
        variants: { aspectRatios: ['9:16'], languages: ['en', 'zh'], durations: [10] },
        variantPrompts: { '9x16-zh-10s': '海滩上的香水瓶' },
        ads: { review: REVIEW, polling: FAST_POLLING },
      });
      await assert.rejects(handle.executeUpdate(campaignEditUpdate, { args: [{ kind: 'narration', prompt: 'x', variantKeys: ['4x3-en-10s'] }] }), (err: Error) =>
        /variantKeys: 4x3-en-10s is not a variant/.test(String((err.cause as Error | undefined)?.message)),
      );
      const inReview = await until('both ads in review', () => campaignStatus(handle), (s) => s.byStage.review === 2);
      assert.equal(inReview.maxConcurrent, 5, "without maxConcurrent, the account's concurrency limit");

      const edit = { kind: 'narration' as const, prompt: 'A warmer voice-over.', requestId: 'campaign-edit-1' };
      const first = await handle.executeUpdate(campaignEditUpdate, { args: [edit] });
      assert.equal(first.adIds.length, 2);
      const again = await handle.executeUpdate(campaignEditUpdate, { args: [edit] });
      assert.deepEqual(again, first, 'a repeated request id gets the first answer');
      const edited = await until('both edits done', () => Promise.all(first.adIds.map(adStatus)), (all) => all.every((s) => s.stage === 'review' && s.edits.length === 1 && s.edits[0]!.state === 'succeeded'));
      assert.deepEqual(edited.map((s) => s.edits[0]!.prompt), [edit.prompt, edit.prompt]);

      const approved = await handle.executeUpdate(campaignApproveUpdate, { args: [{}] });
      assert.deepEqual([...approved.adIds].sort(), [...first.adIds].sort());
      const result = await handle.result();
      assert.deepEqual(result.byStage, { done: 2 });
      const ads = await Promise.all(result.adIds.map(adStatus));
      assert.ok(ads.every((s) => s.edits.length === 1), 'one edit per ad: the repeated request charged nothing');
      const zhTask = h.sim.ads().find((ad) => ad.taskId === ads.find((s) => s.adId.endsWith('zh-10s'))!.mainTaskId);
      assert.ok(zhTask, 'the zh variant reached Vidu');
    });
  });

  it('keeps to budgetCredits: refuses the campaign edit that would break it, skips the ad it cannot pay for', async () => {
    await h.withWorker(async (taskQueue) => {
      const campaignId = uniqueAdId('campaign-budget');
      const handle = await startCampaign(taskQueue, {
        campaignId,
        variants: { aspectRatios: ['16:9', '9:16', '1:1'], languages: ['en'], durations: [10] },
        // 420 per ad: its create (400) and compose (1), and 19 for edits; two ads fit in 1,000, not three.
        budgetCredits: 1_000,
        ads: { maxCredits: 420, review: REVIEW, polling: FAST_POLLING },
      });
      const inReview = await until('two ads in review', () => campaignStatus(handle), (s) => s.byStage.review === 2);
      assert.equal(inReview.byStage.waiting, 1, 'the third waits: its allotment does not fit');
      assert.deepEqual(inReview.budget, { estimated: 840, reserved: 840, spent: 0, limit: 1_000, overrun: 0 });

      await assert.rejects(handle.executeUpdate(campaignEditUpdate, { args: [{ kind: 'bgm', prompt: 'louder music' }] }), (err: Error) => {
        const message = String((err.cause as Error | undefined)?.message);
        assert.match(message, /^ad budget maxCredits=420 \(the campaign's allotment per ad\): .* has 401 reserved or spent, this music edit would cost about 20/);
        return true;
      });
      const edit = await handle.executeUpdate(campaignEditUpdate, { args: [{ kind: 'narration', prompt: 'A warmer voice-over.' }] });
      assert.equal(edit.adIds.length, 2, 'a narration edit (10) fits');
      await until('both edits done', () => Promise.all(edit.adIds.map(adStatus)), (all) => all.every((s) => s.stage === 'review' && s.edits[0]?.state === 'succeeded'));
      await handle.executeUpdate(campaignApproveUpdate, { args: [{}] });

      const result = await handle.result();
      assert.deepEqual(result.byStage, { done: 2, skipped: 1 });
      const final = await campaignStatus(handle);
      const skipped = final.variants.find((v) => v.state === 'skipped')!;
      assert.equal(skipped.key, '1x1-en-10s');
      assert.match(skipped.error!, /^campaign budget budgetCredits=1000: 822 reserved or spent, this ad 1x1-en-10s would cost about 420$/);
      const ads = await Promise.all(result.adIds.slice(0, 2).map(adStatus));
      assert.deepEqual(ads.map((s) => s.creditsSpent), [411, 411], 'create 400, narration 10, compose 1');
      assert.deepEqual(final.budget, { estimated: 840, reserved: 0, spent: 822, limit: 1_000, overrun: 0 });
      const charged = h.sim.ads().filter((a) => ads.some((s) => s.mainTaskId === a.taskId));
      assert.equal(charged.length, 2, 'Vidu made two ads, not three');
    });
  });

  it('continues as new while its ads run, losing none of their reports', async () => {
    await h.withWorker(async (taskQueue) => {
      const campaignId = uniqueAdId('campaign-long');
      const images = [PRODUCT_IMAGE];
      const handle = await h.env.client.workflow.start(campaignWorkflow, {
        taskQueue,
        workflowId: workflowIdForCampaign(campaignId),
        args: [
          {
            campaignId,
            products: ['mug', 'shoe', 'bottle'].map((productId) => ({ productId, images })),
            variants: { aspectRatios: ['16:9'], languages: ['en', 'zh'], durations: [10, 20] },
            maxConcurrent: 5,
            continueAsNewAfterEvents: 100,
            ads: { polling: FAST_POLLING },
          },
        ],
      });
      const result = await handle.result();
      assert.deepEqual(result.byStage, { done: 12 });
      const final = await campaignStatus(handle);
      assert.ok(final.run >= 2, `continued as new (run ${final.run})`);
      const ads = await Promise.all(result.adIds.map(adStatus));
      assert.ok(ads.every((s) => s.stage === 'done'));
      assert.equal(final.creditsSpent, ads.reduce((sum, s) => sum + s.creditsSpent, 0), 'every report reached the run that was current');
      const history = await handle.fetchHistory();
      assert.ok((history.events?.length ?? 0) < 200, `the last run's history stays short (${history.events?.length} events)`);
    });
  });

  it('cancels: variants not started are skipped, running ads are cancelled', async () => {
    await h.withWorker(async (taskQueue) => {
      const campaignId = uniqueAdId('campaign-cancel');
      const handle = await startCampaign(taskQueue, {
        campaignId,
        variants: { aspectRatios: ['16:9', '9:16', '1:1'], languages: ['en'], durations: [10] },
        maxConcurrent: 1,
        ads: { review: REVIEW, polling: FAST_POLLING },
      });
      await until('the first ad', () => campaignStatus(handle), (s) => s.variants.some((v) => v.state === 'started'));
      const cancelled = await handle.executeUpdate(campaignCancelUpdate, { args: [{ reason: 'brief withdrawn' }] });
      assert.ok(cancelled.adIds.length >= 1);
      const result = await handle.result();
      assert.equal(result.stage, 'cancelled');
      assert.equal((result.byStage.skipped ?? 0) + (result.byStage.cancelled ?? 0), 3, JSON.stringify(result.byStage));
      assert.ok((result.byStage.skipped ?? 0) >= 1, 'a variant that had not started never starts');
      for (const adId of cancelled.adIds) assert.equal((await adStatus(adId)).stage, 'cancelled');
      await assert.rejects(h.env.client.workflow.getHandle(workflowIdForAd(result.adIds[2]!)).describe(), { name: 'WorkflowNotFoundError' }, 'the skipped ad never existed');
    });
  });
});
