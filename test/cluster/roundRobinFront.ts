// A small round-robin front for the two webhook receivers: what a load
// balancer is in production. Vidu gets one callback URL (the front's); each
// callback goes to the next receiver in turn, path, query and signature
// headers untouched, so both receivers check the same signed URL.
//
// Why a front rather than a callback URL per ad: the URL is part of what
// Vidu signs and each worker has one CALLBACK_PUBLIC_URL, so per-ad URLs
// would tie an ad's callbacks to whichever worker created it. The front
// spreads every ad's callbacks over both receivers, as a real deployment
// does.
//
// It never retries on the other receiver itself: a callback sent to a
// receiver that is down is answered 502, so Vidu sees the failure and its own
// retries (which the front sends to the next receiver) and the workflow's
// polling have to make up for it, which is what the tier checks.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FrontCounts {
  /** Callbacks forwarded, per receiver port. */
  forwarded: Record<number, number>;
  /** Callbacks the chosen receiver did not take (connection refused or reset): answered 502. */
  failed: Record<number, number>;
}

export interface RoundRobinFront {
  url: string;
  port: number;
  counts(): FrontCounts;
  close(): Promise<void>;
}

const UPSTREAM_TIMEOUT_MS = 10_000;

export async function startRoundRobinFront(receiverPorts: number[], host = '127.0.0.1'): Promise<RoundRobinFront> {
  if (receiverPorts.length === 0) throw new Error('the front needs at least one receiver port');
  let next = 0;
  const forwarded: Record<number, number> = Object.fromEntries(receiverPorts.map((p) => [p, 0]));
  const failed: Record<number, number> = Object.fromEntries(receiverPorts.map((p) => [p, 0]));

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const port = receiverPorts[next++ % receiverPorts.length]!;
    forwarded[port]! += 1;
    const upstream = request(
      { host, port, method: req.method, path: req.url, headers: { ...req.headers, connection: 'close' }, timeout: UPSTREAM_TIMEOUT_MS },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('the receiver did not answer in time')));
    upstream.on('error', (err) => {
      failed[port]! += 1;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`receiver 127.0.0.1:${port} unreachable: ${err.message}\n`);
    });
    req.pipe(upstream);
  };

  const server: Server = createServer(forward);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    counts: () => ({ forwarded: { ...forwarded }, failed: { ...failed } }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
