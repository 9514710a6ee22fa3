// Replay protection that holds across receiver copies: the workflow itself
// remembers the nonces of its latest callbacks, so a captured callback
// delivered again (through another copy, or after a restart) changes nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusQuery, viduCallbackSignal } from '../../src/workflows/ad/contract';
import { suiteHarness, uniqueAdId, waitForStatus } from './harness';

describe('callback replays', () => {
  const h = suiteHarness({ timing: { queueMs: 20, processingMs: 8_000, progressSteps: 8 } });

  it('ignores a callback whose nonce the workflow has already seen, whichever copy delivers it', async () => {
    await h.withWorker(
      async (taskQueue) => {
        const handle = await h.startAd(taskQueue, { adId: uniqueAdId('replay'), polling: { initialMs: 60_000, maxMs: 60_000 } });
        const generating = await waitForStatus(handle, (s) => s.stage === 'generating' && s.mainTaskId !== undefined, 'generating');
        const taskId = generating.mainTaskId!;
        await handle.signal(viduCallbackSignal, { taskId, state: 'processing', progress: 20, nonce: 'captured-nonce' });
        await waitForStatus(handle, (s) => s.progress === 20, 'the first delivery');
        // The same callback again, as a replaying copy would deliver it (a lying body cannot help: the nonce is what counts).
        await handle.signal(viduCallbackSignal, { taskId, state: 'processing', progress: 90, nonce: 'captured-nonce' });
        await handle.signal(viduCallbackSignal, { taskId, state: 'processing', progress: 30, nonce: 'fresh-nonce' });
        const status = await waitForStatus(handle, (s) => s.progress === 30, 'the fresh callback');
        assert.equal(status.progress, 30, 'the replay moved nothing; the fresh callback did');
        await handle.cancel();
      },
      { callbackPublicUrl: undefined },
    );
  });

  it('keeps a lying callback from moving an ad past what the query API confirms', async () => {
    await h.withWorker(
      async (taskQueue) => {
        const handle = await h.startAd(taskQueue, { adId: uniqueAdId('lying'), polling: { initialMs: 60_000, maxMs: 60_000 } });
        const generating = await waitForStatus(handle, (s) => s.stage === 'generating' && s.mainTaskId !== undefined, 'generating');
        await handle.signal(viduCallbackSignal, { taskId: generating.mainTaskId!, state: 'success', progress: 100, nonce: 'lying-nonce' });
        // The hint makes the workflow ask Vidu, which says the task still runs: the ad stays in generation below 100%.
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        const status = await handle.query(statusQuery);
        assert.equal(status.stage, 'generating');
        assert.ok(status.progress <= 99, `progress ${status.progress}`);
        await handle.cancel();
      },
      { callbackPublicUrl: undefined },
    );
  });
});
