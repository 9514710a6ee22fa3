// The three Prometheus endpoints of a running system, scraped after one ad
// ran through `npm run worker` (a child process), the simulator and the
// webhook receiver: the SDK's (worker, WORKER_METRICS_PORT), the worker's own
// (WORKER_APP_METRICS_PORT) and the receiver's /metrics. Each must show real,
// non-zero counts of what the ad did.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openWorkerRig, sampleValue, type WorkerRig } from './workerRig';

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `${url} answered ${res.status}`);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  return res.text();
}

/** The metric names in a scrape, for a failure message that shows what there was instead. */
function namesIn(text: string): string {
  return [...new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{\s]/)[0]))].join(', ');
}

describe('metrics of a worker, its SDK and the receiver after one ad', { timeout: 240_000 }, () => {
  let rig: WorkerRig;
  let done: Awaited<ReturnType<WorkerRig['runAd']>>;
  before(async () => {
    rig = await openWorkerRig({ name: 'metrics', logLevel: 'warn' });
    done = await rig.runAd(`metrics-${process.pid}`);
  });
  after(() => rig?.close());

  it('the ad finished, so there is something to count', () => {
    assert.equal(done.result.outcome, 'first-video');
    assert.ok(done.result.creditsSpent > 0);
  });

  it('the SDK endpoint counts the workflow completed and the requests made to Temporal', async () => {
    const text = await scrape(rig.sdkMetricsUrl);
    const completed = sampleValue(text, 'temporal_workflow_completed_total', { workflow_type: 'adFilmWorkflow' });
    assert.equal(completed, 1, `temporal_workflow_completed_total for adFilmWorkflow; the scrape had: ${namesIn(text)}`);
    assert.ok((sampleValue(text, 'temporal_request_total') ?? 0) > 0, 'temporal_request_total > 0');
    assert.ok((sampleValue(text, 'temporal_activity_execution_latency_seconds_count', { activity_type: 'createAdTask' }) ?? 0) >= 1);
  });

  it('the application endpoint counts Vidu calls by operation and status, credits and downloaded media', async () => {
    const text = await scrape(rig.appMetricsUrl);
    assert.equal(sampleValue(text, 'vidu_api_calls_total', { endpoint: 'createAd', status: '200' }), 1, `one create; the scrape had: ${namesIn(text)}`);
    assert.ok((sampleValue(text, 'vidu_api_calls_total', { endpoint: 'getCreations', status: '200' }) ?? 0) >= 1);
    assert.ok((sampleValue(text, 'vidu_api_call_duration_seconds_count', { endpoint: 'createAd' }) ?? 0) === 1);
    // The create's credits as Vidu reported them: the ad's own total (no edits, no compose).
    assert.equal(sampleValue(text, 'vidu_credits_charged_total', { request: 'create' }), done.result.creditsSpent);
    // The final video and its cover at least (takes add more).
    assert.ok((sampleValue(text, 'vidu_media_downloads_total', { outcome: 'saved' }) ?? 0) >= 2);
    assert.ok((sampleValue(text, 'vidu_media_downloaded_bytes_total') ?? 0) >= done.result.video.bytes + done.result.cover.bytes);
    assert.equal(sampleValue(text, 'ad_final_videos_saved_total', { label: 'first-video' }), 1);
    assert.ok((sampleValue(text, 'process_resident_memory_bytes') ?? 0) > 0, 'Node process metrics too');
  });

  it("the receiver's /metrics counts the callbacks it delivered, and health and readiness still answer", async () => {
    const text = await scrape(rig.receiverMetricsUrl);
    assert.equal((await fetch(`${rig.receiverUrl}/metrics`)).status, 404, 'not on the callbacks\' port');
    const delivered = sampleValue(text, 'vidu_callbacks_total', { outcome: 'delivered' }) ?? 0;
    assert.ok(delivered >= 1, `delivered callbacks: ${delivered}`);
    assert.equal(delivered, rig.receiver.metrics.count('delivered'));
    assert.equal(sampleValue(text, 'vidu_callbacks_total', { outcome: 'unauthorized' }), 0, 'every outcome is listed, at 0 until it happens');
    assert.equal(sampleValue(text, 'vidu_callback_duration_seconds_count'), rig.receiver.metrics.count('delivered'));
    assert.equal((await fetch(`${rig.receiverUrl}/healthz`)).status, 200);
    assert.equal((await fetch(`${rig.receiverUrl}/readyz`)).status, 200);
  });

  it('the metrics servers answer 404 off /metrics', async () => {
    assert.equal((await fetch(rig.appMetricsUrl.replace('/metrics', '/'))).status, 404);
  });
});
