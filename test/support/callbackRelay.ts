// A minimal stand-in for the webhook receiver, for workflow tests: verifies a
// simulator callback's signature, then signals the workflow named in the
// callback URL's `workflowId` query parameter. The real receiver (size limits,
// nonce replay, metrics) lives in src/entrypoints/receiver.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { verifyCallbackSignature } from '../../src/vidu/callbackSignature';
import { viduCallbackSignal } from '../../src/workflows/messages';

export interface CallbackRelay {
  /** The URL to give the worker as callbackPublicUrl. */
  url: string;
  /** Callbacks signalled to a workflow, and callbacks refused (bad signature, bad body). */
  stats(): { signalled: number; refused: number };
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startCallbackRelay(opts: { client: Client; apiKey: string }): Promise<CallbackRelay> {
  const stats = { signalled: 0, refused: 0 };
  let origin = '';
  const server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      const callbackUrl = origin + (req.url ?? '/');
      const verified = verifyCallbackSignature({ apiKey: opts.apiKey, method: req.method ?? 'POST', callbackUrl, headers: req.headers });
      const workflowId = new URL(callbackUrl).searchParams.get('workflowId');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (!verified.ok || !workflowId || typeof body !== 'object' || body === null) {
        stats.refused += 1;
        res.writeHead(verified.ok ? 400 : 401).end();
        return;
      }
      try {
        await opts.client.workflow.getHandle(workflowId).signal(viduCallbackSignal, { body: body as Record<string, unknown>, nonce: verified.nonce });
        stats.signalled += 1;
        res.writeHead(204).end();
      } catch (err) {
        // A finished or unknown workflow will never want this callback: say so, so Vidu stops retrying.
        res.writeHead(err instanceof WorkflowNotFoundError ? 410 : 503).end();
      }
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/vidu/callback`,
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
