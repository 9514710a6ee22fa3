// The real webhook receiver (src/entrypoints/receiver) on a free local port,
// for workflow tests: simulator callbacks reach the workflows over real HTTP,
// verified and signalled exactly as in production.
import type { Client } from '@temporalio/client';
import { freePort } from '../../src/tools/ports';
import { createCallbackReceiver } from '../../src/entrypoints/receiver/callbackReceiver';

export interface CallbackRelay {
  /** The URL to give the worker as callbackPublicUrl. */
  url: string;
  /** Callbacks signalled to a workflow, and callbacks refused (bad signature, bad body). */
  stats(): { signalled: number; refused: number };
  close(): Promise<void>;
}

export async function startCallbackRelay(opts: { client: Client; apiKey: string }): Promise<CallbackRelay> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/vidu/callback`;
  const receiver = createCallbackReceiver({
    client: opts.client,
    apiKey: opts.apiKey,
    publicUrl: url,
    maxSkewSeconds: 300,
    maxBodyBytes: 1_048_576,
    // Refusals are what some tests provoke; the counts below are what they check.
    log: () => undefined,
  });
  await receiver.listen(port, '127.0.0.1');
  const { metrics } = receiver;
  return {
    url,
    stats: () => ({ signalled: metrics.count('delivered'), refused: metrics.count('unauthorized') + metrics.count('bad_request') }),
    close: () => receiver.close(),
  };
}
