// The worker's own metrics (the SDK's are served separately, see
// temporalRuntime.ts). Each is counted where the fact is learnt, once: a Vidu
// call by the client's observer as its answer arrives, credits and saved
// files by an activity when it succeeds, so that replays (which run no
// activity) and retried attempts (whose failed tries report nothing) add
// nothing twice.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ViduCallObserver } from '../vidu/viduClient';

/** The credit-spending requests whose reported credits are counted. */
export type ChargedRequest = 'create' | 'edit' | 'compose';

export interface WorkerMetrics {
  registry: Registry;
  /** For ViduClient's `observer` option. */
  viduCalls: ViduCallObserver;
  creditsCharged(request: ChargedRequest, credits: number): void;
  mediaDownloaded(bytes: number): void;
  mediaDownloadFailed(): void;
  finalVideoSaved(label: string): void;
  webhookDelivered(stage: string): void;
}

/** A fresh registry per call: tests build several in one process. `processMetrics` adds Node's own (heap, event loop, CPU). */
export function createWorkerMetrics(opts: { processMetrics?: boolean } = {}): WorkerMetrics {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });
  const calls = new Counter({
    name: 'vidu_api_calls_total',
    help: 'Calls to the Vidu API, by operation and HTTP status (or the network outcome when no status came back).',
    labelNames: ['endpoint', 'status'] as const,
    registers: [registry],
  });
  const callSeconds = new Histogram({
    name: 'vidu_api_call_duration_seconds',
    help: 'Time from sending a Vidu API call to its answer (or failure), by operation.',
    labelNames: ['endpoint'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const credits = new Counter({
    name: 'vidu_credits_charged_total',
    help: 'Credits Vidu reported for the requests it accepted (create, edit, compose); Vidu refunds failed tasks, which this does not subtract.',
    labelNames: ['request'] as const,
    registers: [registry],
  });
  const downloads = new Counter({
    name: 'vidu_media_downloads_total',
    help: 'Media files (final videos, covers, takes) downloaded from Vidu into the artifact store, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const downloadedBytes = new Counter({
    name: 'vidu_media_downloaded_bytes_total',
    help: 'Bytes of the media files saved into the artifact store.',
    registers: [registry],
  });
  const finalVideos = new Counter({
    name: 'ad_final_videos_saved_total',
    help: 'Ads whose final video was saved (they end done), by which video: composed or first-video.',
    labelNames: ['label'] as const,
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'ad_webhooks_delivered_total',
    help: 'Completion webhooks delivered, by the stage the ad ended in (done, failed, cancelled).',
    labelNames: ['stage'] as const,
    registers: [registry],
  });
  downloads.inc({ outcome: 'saved' }, 0);
  downloads.inc({ outcome: 'failed' }, 0);
  return {
    registry,
    viduCalls: (call) => {
      calls.inc({ endpoint: call.operation, status: call.status });
      callSeconds.observe({ endpoint: call.operation }, call.seconds);
    },
    creditsCharged: (request, amount) => {
      if (Number.isFinite(amount) && amount > 0) credits.inc({ request }, amount);
    },
    mediaDownloaded: (bytes) => {
      downloads.inc({ outcome: 'saved' });
      downloadedBytes.inc(bytes);
    },
    mediaDownloadFailed: () => downloads.inc({ outcome: 'failed' }),
    finalVideoSaved: (label) => finalVideos.inc({ label }),
    webhookDelivered: (stage) => webhooks.inc({ stage }),
  };
}
