// Peak worker memory while creating ads with large images: N ads started at
// once, each with `images` PNGs of about `imageBytes` (incompressible pixels).
// The starter stores the images; the worker's createAdTask reads them back
// and sends them to Vidu base64-encoded in the create request's JSON body.
import { noisyPng } from '../support/pngOfSize';
import { dataUri, tinyPng } from '../../test/vidu/tinyImages';
import { runAds } from '../support/adRig';
import type { BenchContext } from '../support/benchmark';
import { columns } from '../support/columns';
import { mib, round, summarise } from '../support/stats';
import { openPhase } from './phaseRig';
import type { LimitsSizes } from './sizes';

export async function imageCreatePhase(ctx: BenchContext, sizes: LimitsSizes): Promise<void> {
  const rig = await openPhase(ctx, { name: 'images', sim: { timing: { queueMs: 20, processingMs: 300, progressSteps: 3 }, concurrencyLimit: 100_000 } });
  try {
    const images = Array.from({ length: sizes.images }, (_, i) => dataUri('image/png', noisyPng(sizes.imageBytes, i + 1)));
    const request = { images, prompt: 'a bottle on a beach at sunset', duration: 15, aspectRatio: '16:9', language: 'en' } as const;
    // One small ad first: the worker's first workflow loads the bundle, a cost paid once, not per create.
    const warm = await runAds(rig, { label: 'images-warm', count: 1, timeoutMs: 120_000, request: { ...request, images: [dataUri('image/png', tinyPng(640, 360))] } });
    if (warm.outcomes[0]?.error) throw new Error(`image ads: the warm-up ad failed: ${warm.outcomes[0].error}`);
    const rows = [];
    for (const count of [1, sizes.imageAds]) {
      const idle = await rig.worker.memory({ gc: true, resetPeak: true });
      const { outcomes, wallMs } = await runAds(rig, { label: `images${count}`, count, timeoutMs: 120_000, request: { ...request, images: [...images] } });
      const after = await rig.worker.memory({ resetPeak: true });
      const failed = outcomes.filter((o) => o.error);
      if (failed.length) throw new Error(`image ads: ${failed.length} failed, first: ${failed[0]!.error}`);
      const latency = summarise(outcomes.map((o) => o.latencyMs!));
      rows.push({ case: `${count} at once`, ads: count, idleMiB: mib(idle.rss), peakMiB: mib(after.peakRss), peakAboveIdleMiB: mib(after.peakRss - idle.rss), wallSeconds: wallMs / 1000, p50Ms: latency.p50Ms });
    }
    const bodyMiB = mib(images.reduce((sum, uri) => sum + uri.length - uri.indexOf(',') - 1, 0));
    ctx.report.publish({
      bench: 'limits',
      title: `Worker memory creating ads with ${sizes.images} images of ~${Math.round(sizes.imageBytes / 1000)} kB (${bodyMiB} MiB of base64 per create request)`,
      columns: columns('case', { key: 'idleMiB', label: 'RSS before MiB' }, 'peakMiB', 'peakAboveIdleMiB', 'wallSeconds', { key: 'p50Ms', label: 'ad p50 ms' }),
      rows,
      notes: ['Peak: the worker process\'s RSS sampled every 5 ms from a worker thread, over the whole ads (create, wait, downloads); before: after a full GC, with one small ad run first. The worker sends at most 2 creates with stored images at once (src/activities/createSlots.ts).'],
    });
    ctx.summary.imageCreatePeakAboveIdleMiB = Object.fromEntries(rows.map((r) => [`ads${r.ads}`, round(r.peakAboveIdleMiB)]));
  } finally {
    await rig.close();
  }
}
