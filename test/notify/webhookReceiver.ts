// A completion-webhook receiver for tests: a node:http server on 127.0.0.1
// that verifies each request's Standard Webhooks signature and answers with
// the next status from a script (then 200 for the rest).
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from '../../src/notify/standardWebhooks';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The webhook id when the signature verified; undefined when it did not. */
  verifiedId?: string;
  answered: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Statuses to answer, in order; once used up every request gets 200. */
  script: number[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string, script: number[] = []): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const receiver = { received, script: [...script] } as Omit<WebhookReceiver, 'url' | 'close'>;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verifiedId: string | undefined;
      try {
        verifiedId = verify(secret, req.headers, body);
      } catch {
        verifiedId = undefined;
      }
      const answered = verifiedId === undefined ? 401 : (receiver.script.shift() ?? 200);
      received.push({ headers: req.headers, body, verifiedId, answered });
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/ads`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
