// What the webhook receiver answers from the headers and URL alone, before it
// reads a byte of the body, and how it lets go of such a connection: the
// client gets the answer even while it is still sending, and the server closes
// the connection soon after instead of waiting for the rest. No Temporal is
// needed: none of these requests gets as far as a signal.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { createCallbackReceiver, type CallbackReceiver } from '../../src/entrypoints/receiver/callbackReceiver';
import { LINGER_MS } from '../../src/entrypoints/receiver/closeAfterAnswer';
import { signCallback } from '../../src/callbacks/signature';

const API_KEY = 'before-body-test-key';
const PUBLIC_URL = 'https://ads.example.com/hooks/vidu';
const PATH = '/hooks/vidu';
const MAX_BODY = 4096;
/** Declared by the "huge" bodies below: past the size limit, short of the hard cap at which the receiver would give up reading anyway. */
const HUGE = 1_000_000;

let receiver: CallbackReceiver;
let connection: Connection;
let port: number;
let nonceCounter = 0;

function signedHeaders(query: string): Record<string, string> {
  return signCallback({ apiKey: API_KEY, callbackUrl: `${PUBLIC_URL}?${query}`, nonce: `before-body-${process.pid}-${++nonceCounter}` });
}

interface RawExchange {
  /** Everything the server sent. */
  received: string;
  /** Milliseconds from connecting until the first byte of the answer. */
  answeredAfterMs: number;
  /** Milliseconds from connecting until the server closed the connection. */
  closedAfterMs: number;
}

/**
 * A POST over a raw socket that declares a huge body and never sends it all:
 * it sends one chunk, then (with `keepSending`) another every few
 * milliseconds, and never closes its side. Resolves once the server has closed the connection.
 */
function postNeverFinishing(query: string, headers: Record<string, string>, opts: { keepSending: boolean; declaredLength?: number }): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let received = '';
    let answeredAfterMs = -1;
    let sender: NodeJS.Timeout | undefined;
    const socket: Socket = connect(port, '127.0.0.1', () => {
      const head = [`POST ${PATH}?${query} HTTP/1.1`, 'host: 127.0.0.1', 'content-type: application/json', `content-length: ${opts.declaredLength ?? HUGE}`];
      for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
      socket.write(`${head.join('\r\n')}\r\n\r\n{"id":"t","pad":"`);
      socket.write('x'.repeat(64 * 1024));
      if (opts.keepSending) sender = setInterval(() => socket.writable && socket.write('x'.repeat(16 * 1024)), 5);
    });
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      if (answeredAfterMs < 0) answeredAfterMs = Date.now() - started;
      received += chunk;
    });
    // The server resets a connection that kept sending past the grace period; that is its way of closing it.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
    socket.on('close', () => {
      clearInterval(sender);
      resolve({ received, answeredAfterMs, closedAfterMs: Date.now() - started });
    });
    setTimeout(() => socket.destroy(new Error(`no close from the server after 10 s; received ${JSON.stringify(received)}`)), 10_000).unref();
  });
}

function statusOf(raw: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
}

function jsonOf(raw: string): Record<string, unknown> {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
}

/** A body stream that never ends, as a slow or hostile sender would produce. */
function endlessBody(): ReadableStream<Uint8Array> {
  // Big chunks, sent as fast as the socket takes them: the case in which a reset most often overtakes the answer.
  const chunk = new Uint8Array(256 * 1024).fill(0x78);
  return new ReadableStream({ pull: (controller) => new Promise((resolve) => setImmediate(() => resolve(controller.enqueue(chunk)))) });
}

describe('webhook receiver, answers before the body', () => {
  before(async () => {
    // Never connected: nothing here may reach Temporal.
    connection = Connection.lazy({ address: '127.0.0.1:1' });
    receiver = createCallbackReceiver({
      client: new Client({ connection }),
      apiKey: API_KEY,
      publicUrl: PUBLIC_URL,
      maxSkewSeconds: 300,
      maxBodyBytes: MAX_BODY,
      log: () => undefined,
    });
    ({ port } = await receiver.listen(0, '127.0.0.1'));
  });

  after(async () => {
    await receiver?.close();
    await connection?.close();
  });

  it('answers an unsigned request with a huge body 401 at once, without waiting for the body, and closes the connection', async () => {
    const exchange = await postNeverFinishing('workflowId=ad-1', {}, { keepSending: false });
    assert.equal(statusOf(exchange.received), 401, exchange.received);
    assert.equal(jsonOf(exchange.received).error, 'missing-header');
    assert.match(exchange.received, /\r\nconnection: close\r\n/i);
    assert.ok(exchange.answeredAfterMs < 1_000, `answered after ${exchange.answeredAfterMs} ms`);
    // Our side never closes: the server lets go on its own, after the grace period at most.
    assert.ok(exchange.closedAfterMs < LINGER_MS + 1_000, `closed after ${exchange.closedAfterMs} ms`);
  });

  it('lets go of a forger that keeps sending after the 401', async () => {
    const forged = { ...signedHeaders('workflowId=ad-1'), 'X-HMAC-SIGNATURE': Buffer.from('x'.repeat(32)).toString('base64') };
    const exchange = await postNeverFinishing('workflowId=ad-1', forged, { keepSending: true });
    assert.equal(statusOf(exchange.received), 401, exchange.received);
    assert.equal(jsonOf(exchange.received).error, 'bad-signature');
    assert.ok(exchange.closedAfterMs < LINGER_MS + 1_000, `closed after ${exchange.closedAfterMs} ms`);
  });

  it('gets the 401 to a fetch whose body never ends (no reset before the answer)', { timeout: 10_000 }, async () => {
    // A reset that overtakes the answer is a race, so the exchange is repeated.
    for (let attempt = 0; attempt < 10; attempt++) {
      const res = await fetch(`http://127.0.0.1:${port}${PATH}?workflowId=ad-1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: endlessBody(),
        duplex: 'half',
      } as RequestInit);
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { error: string }).error, 'missing-header');
    }
  });

  it('answers a signed callback naming no workflow 400 before its body', async () => {
    const exchange = await postNeverFinishing('ref=abc', signedHeaders('ref=abc'), { keepSending: false });
    assert.equal(statusOf(exchange.received), 400, exchange.received);
    assert.match(String(jsonOf(exchange.received).detail), /workflowId/);
  });

  it('refuses a signed callback declaring a body past the hard cap with 413, and the client gets it', async () => {
    const query = 'workflowId=ad-1';
    const exchange = await postNeverFinishing(query, signedHeaders(query), { keepSending: false, declaredLength: 64 * 1024 * 1024 });
    assert.equal(statusOf(exchange.received), 413, exchange.received);
    assert.equal(jsonOf(exchange.received).limitBytes, MAX_BODY);
    assert.ok(exchange.closedAfterMs < LINGER_MS + 1_000, `closed after ${exchange.closedAfterMs} ms`);
  });

  it('counted every refusal, and holds no connection afterwards', async () => {
    assert.equal(receiver.metrics.count('unauthorized'), 12);
    assert.equal(receiver.metrics.count('bad_request'), 1);
    assert.equal(receiver.metrics.count('too_large'), 1);
    assert.equal(receiver.metrics.count('delivered'), 0);
    const deadline = Date.now() + LINGER_MS + 1_000;
    let open = -1;
    while (Date.now() < deadline) {
      open = await new Promise<number>((resolve, reject) => receiver.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
      if (open === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(open, 0, 'connections still open');
  });
});
