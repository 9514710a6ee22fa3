// The campaign command line against a real worker and the simulator: start
// from a brief file whose images are local files (stored, never in history),
// show, a refused approve that names why, cancel; and usage mistakes.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { runCampaignCli } from '../../src/entrypoints/campaign/commands';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';
import { campaignStatusQuery, workflowIdForCampaign } from '../../src/workflows/campaign/contract';
import { FAST_POLLING, suiteHarness, uniqueAdId } from '../workflows/harness';

describe('campaign command line', { timeout: 120_000 }, () => {
  // Slow enough that no ad reaches review before the refused approve below.
  const h = suiteHarness({ timing: { processingMs: 6_000 } });
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'campaign-cli-'));
    await copyFile(path.join(PROJECT_ROOT, 'samples', 'perfume-bottle.png'), path.join(dir, 'bottle.png'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (argv: string[], taskQueue = 'unused') => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCampaignCli(argv, {
      connect: async () => new Client({ connection: await Connection.connect({ address: h.temporalAddress }), namespace: h.env.namespace }),
      taskQueue,
      artifacts: h.artifacts,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('starts a campaign from a brief with local images, shows it, refuses an approve with nothing in review, cancels', async () => {
    await h.withWorker(async (taskQueue) => {
      const campaignId = uniqueAdId('cli-campaign');
      const brief = path.join(dir, `${campaignId}.json`);
      await writeFile(
        brief,
        JSON.stringify({
          campaignId,
          images: ['bottle.png'],
          prompt: 'a perfume bottle',
          variants: { aspectRatios: ['16:9', '9:16'], languages: ['en'], durations: [10] },
          maxConcurrent: 1,
          ads: { polling: FAST_POLLING, review: { enabled: true, windowMs: 600_000, onTimeout: 'fail' } },
        }),
      );
      const started = await run(['start', brief], taskQueue);
      assert.equal(started.code, 0, started.err);
      assert.match(started.out, new RegExp(`Campaign ${campaignId} started`));
      const handle = h.env.client.workflow.getHandle(workflowIdForCampaign(campaignId));
      const history = JSON.stringify((await handle.fetchHistory()).events?.[0]);
      assert.ok(!history.includes('base64'), 'the image went to the artifact store, not into history');

      const shown = await run(['show', campaignId]);
      assert.equal(shown.code, 0, shown.err);
      assert.match(shown.out, /16x9-en-10s/);
      assert.match(shown.out, /9x16-en-10s/);

      const refused = await run(['approve', campaignId, '--variants', '9x16-en-10s']);
      assert.equal(refused.code, 1);
      assert.match(refused.err, /no ad of campaign .* among those variants is in review/);

      const cancelled = await run(['cancel', campaignId, '--reason', 'wrong bottle', '--json']);
      assert.equal(cancelled.code, 0, cancelled.err);
      assert.ok(Array.isArray(JSON.parse(cancelled.out).adIds));
      const result = await handle.result();
      assert.equal(result.stage, 'cancelled');
      assert.equal((await handle.query(campaignStatusQuery)).stage, 'cancelled');
    });
  });

  it('names the field of a bad brief and starts nothing', async () => {
    const campaignId = uniqueAdId('cli-bad');
    const brief = path.join(dir, `${campaignId}.json`);
    await writeFile(brief, JSON.stringify({ campaignId, images: ['missing.png'], variants: { aspectRatios: ['4:3'], languages: ['en'], durations: [15] } }));
    const result = await run(['start', brief]);
    assert.equal(result.code, 1);
    assert.match(result.err, /invalid images\[0\]: file missing.png cannot be read \(ENOENT\)/);
    await assert.rejects(h.env.client.workflow.getHandle(workflowIdForCampaign(campaignId)).describe(), { name: 'WorkflowNotFoundError' });
  });

  it('answers usage mistakes with exit status 2', async () => {
    assert.equal((await run([])).code, 2);
    assert.match((await run(['launch', 'x'])).err, /unknown command "launch"/);
    assert.match((await run(['edit', 'x', '--prompt', 'p'])).err, /choose exactly one of --storyboard N, --narration or --bgm/);
    assert.equal((await run(['show'])).code, 2);
  });
});
