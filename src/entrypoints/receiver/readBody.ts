// Reads a request body up to a limit. Past the limit the rest is read and
// thrown away (up to a hard cap) rather than cutting the connection, so the
// sender actually receives the 413 instead of a reset.
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large'; /** the connection should be closed */ abandon: boolean };

export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const hardCap = Math.max(maxBytes * 8, 8 * 1024 * 1024);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > hardCap) return Promise.resolve({ ok: false, reason: 'too-large', abandon: true });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBytes) chunks.push(chunk);
      else if (received > hardCap) {
        req.pause();
        finish({ ok: false, reason: 'too-large', abandon: true });
      }
    });
    req.on('end', () => finish(received <= maxBytes ? { ok: true, body: Buffer.concat(chunks) } : { ok: false, reason: 'too-large', abandon: false }));
    req.on('error', (err) => {
      if (!settled) {
        settled = true;
        reject(err);
      }
    });
  });
}
